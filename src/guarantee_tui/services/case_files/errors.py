"""Why a case file cannot be imported or exported, told to the person who asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator
from guarantee_tui.policy.messages import Message


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong at one place of the file. `path` is "" for the document itself."""

    path: str
    message: Message


class InvalidCaseFile(UserError):
    """The file is JSON but not a valid case file; nothing was imported."""

    def __init__(self, source: str, problems: Sequence[Problem], *, truncated: bool = False):
        super().__init__(source)
        self.source = source
        self.problems = tuple(problems)
        self.truncated = truncated

    def describe(self, tr: Translator) -> str:
        lines = [self._line(tr, p) for p in self.problems]
        if self.truncated:
            lines.append(
                tr.plural(
                    "{file}: stopped after the first problem.",
                    "{file}: stopped after the first {n} problems.",
                    len(self.problems),
                    file=self.source,
                )
            )
        return "\n".join(lines)

    def _line(self, tr: Translator, problem: Problem) -> str:
        if not problem.path:
            return tr("{file}: {problem}", file=self.source, problem=tr.render(problem.message))
        return tr(
            # Translators: {path} is a place in the JSON file, e.g. professionals[3].ref.
            "{file}: {path}: {problem}",
            file=self.source,
            path=problem.path,
            problem=tr.render(problem.message),
        )


class NotJson(UserError):
    """The file is not JSON text. `line`/`column` count from 1; None when unknown."""

    def __init__(self, source: str, reason: str, line: int | None, column: int | None) -> None:
        super().__init__(source)
        self.source, self.reason, self.line, self.column = source, reason, line, column

    def describe(self, tr: Translator) -> str:
        if self.line is None or self.column is None:
            return tr("{file}: not valid JSON: {reason}", file=self.source, reason=self.reason)
        return tr(
            "{file}: not valid JSON at line {line}, column {column}: {reason}",
            file=self.source,
            line=tr.number(self.line),
            column=tr.number(self.column),
            reason=self.reason,
        )


class BadBytes(NotJson):
    """Text the JSON parser must not be given, at a line and column counted from
    1: bytes that are not UTF-8 (so not JSON text at all, `encoding`), half a
    character, a number too long to convert."""

    def __init__(
        self,
        source: str,
        line: int | None,
        column: int | None,
        problem: Message,
        *,
        encoding: bool = False,
    ) -> None:
        super().__init__(source, "", line, column)
        self.problem, self.encoding = problem, encoding

    def describe(self, tr: Translator) -> str:
        problem = tr.render(self.problem)
        if self.line is None or self.column is None:
            return tr("{file}: {problem}", file=self.source, problem=problem)
        if self.encoding:
            return tr(
                "{file}: not valid JSON at line {line}, column {column}: {reason}",
                file=self.source,
                line=tr.number(self.line),
                column=tr.number(self.column),
                reason=problem,
            )
        return tr(
            "{file}: line {line}, column {column}: {problem}",
            file=self.source,
            line=tr.number(self.line),
            column=tr.number(self.column),
            problem=problem,
        )


class CaseFileUnreadable(UserError):
    def __init__(self, source: str, error: OSError) -> None:
        super().__init__(source)
        self.source, self.error = source, error

    def describe(self, tr: Translator) -> str:
        if isinstance(self.error, FileNotFoundError):
            return tr("{file}: no such file.", file=self.source)
        if isinstance(self.error, IsADirectoryError):
            return tr("{file} is a directory, not a case file.", file=self.source)
        if isinstance(self.error, PermissionError):
            return tr("{file}: permission denied.", file=self.source)
        reason = self.error.strerror or type(self.error).__name__
        return tr("Cannot read {file}: {reason}", file=self.source, reason=reason)


class CaseFileChanged(UserError):
    """The file's bytes differ between the validating and the applying pass."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.source = source

    def describe(self, tr: Translator) -> str:
        return tr(
            "{file} changed while it was being imported; nothing was imported. Import it again.",
            file=self.source,
        )


class ImportConflict(UserError):
    """Another writer added a conflicting row between validation and commit."""

    def __init__(self, source: str, detail: str, *, ref: str | None = None) -> None:
        super().__init__(source)
        self.source, self.detail, self.ref = source, detail, ref

    def describe(self, tr: Translator) -> str:
        if self.ref is not None:
            return tr(
                'The database changed while {file} was being imported: "{ref}" now belongs '
                "to another professional. Nothing was imported; import the file again.",
                file=self.source,
                ref=self.ref,
            )
        return tr(
            "The database changed while {file} was being imported ({detail}). "
            "Nothing was imported; import the file again.",
            file=self.source,
            detail=self.detail,
        )


class UnknownProfessionals(UserError):
    def __init__(self, refs: Sequence[str]) -> None:
        super().__init__(", ".join(refs))
        self.refs = tuple(refs)

    def describe(self, tr: Translator) -> str:
        return tr.plural(
            "No professional with ref {refs}.",
            "No professionals with refs {refs}.",
            len(self.refs),
            refs=tr.items(self.refs),
        )
