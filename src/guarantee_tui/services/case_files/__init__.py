"""Case files (tests/data/case-file.schema.json): import and export.

    import_case_file(engine, path) -> ImportReport
    export_case_file(engine, out, professional_refs=None) -> int

See `importer` for how a file's records meet the stored ones, and
`exporter` for the exact form of the output.
"""

from guarantee_tui.services.case_files.errors import (
    CaseFileChanged,
    CaseFileUnreadable,
    ImportConflict,
    InvalidCaseFile,
    NotJson,
    Problem,
    UnknownProfessionals,
)
from guarantee_tui.services.case_files.exporter import export_case_file
from guarantee_tui.services.case_files.importer import import_case_file
from guarantee_tui.services.case_files.records import FORMAT
from guarantee_tui.services.case_files.report import (
    Counts,
    ImportReport,
    KeptField,
    describe_kept,
    describe_report,
)
from guarantee_tui.services.case_files.validate import validate_case_file

__all__ = [
    "FORMAT",
    "CaseFileChanged",
    "CaseFileUnreadable",
    "Counts",
    "ImportConflict",
    "ImportReport",
    "InvalidCaseFile",
    "KeptField",
    "NotJson",
    "Problem",
    "UnknownProfessionals",
    "describe_kept",
    "describe_report",
    "export_case_file",
    "import_case_file",
    "validate_case_file",
]
