"""The state the log proves: recomputed from its entries, compared with the tables.

The hash chain proves the entries; the tables the workflow writes with each
entry (a claim's status, the decisions, the ledger, a professional's
suspension, an agent's role) live outside it, so `log verify` follows the
entries (`LogState.feed`, in the same pass as the hashes) and then names
each place where the tables say something else (`LogState.differences`).

What the log says, and what it leaves to the tables:

- A claim's status is that of its last decision or reopening. A claim that
  no decision or reopening names keeps the status it came with (an import,
  the seed): the log says nothing of it, and it is not checked.
- Each decision entry has its row in `decisions`, and each row is its
  entry's: same action, agent, claim, time, reason, refund, checklist,
  letter, reason codes and claim version.
- Each professional's balance on the ledger is the sum of the refunds their
  approvals logged and the reversals their reopenings logged; each ledger
  row is the refund or reversal of its own entry.
- A professional is suspended by a "suspend" decision (at its time, for its
  reason) and active again once that decision is reopened. A suspension
  comes only from a decision: a suspended professional the log never
  suspended is a difference, whatever its age.
- An agent's role is the one the last `agent_add` or `agent_set` naming them
  gave, and `agent_remove` takes them off the table. The seed, tests and a
  first act record agents without an entry of their own; for them the role
  their entries were written with stands (every entry records its author's
  role). An agent the log never names is not checked. Since revision 0008 a
  named agent's role changes only with agent_add or agent_set: an entry
  signed with another role than the log gave its author, or than their
  earlier entries show with no such entry between, is named where it stands.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection

from guarantee_tui.policy.messages import Credits, Message, msg
from guarantee_tui.services.decisions import NEW_STATUS, PLATFORM_ABUSE
from guarantee_tui.store import log_state as store
from guarantee_tui.store.log import HASHED_FIELDS
from guarantee_tui.store.log import canonical_json as _canonical

_SEQ: Final = HASHED_FIELDS.index("seq")
_ACTION: Final = HASHED_FIELDS.index("action")
_AGENT: Final = HASHED_FIELDS.index("agent")
_ROLE: Final = HASHED_FIELDS.index("role")
_AT: Final = HASHED_FIELDS.index("at")
_CLAIM: Final = HASHED_FIELDS.index("claim_ref")
_PROFESSIONAL: Final = HASHED_FIELDS.index("professional_ref")
_REFUND: Final = HASHED_FIELDS.index("refund_credits")
_REASON: Final = HASHED_FIELDS.index("reason")
_DETAILS: Final = HASHED_FIELDS.index("details")

STATUS_AFTER: Final = {**NEW_STATUS, "reopen": "open"}
ROLES: Final = frozenset({"agent", "supervisor"})
AGENT_ACTS: Final = frozenset({"agent_add", "agent_set", "agent_remove"})
# The acts whose entries change the state followed here, besides signing.
_STATEFUL: Final = frozenset(STATUS_AFTER) | AGENT_ACTS


def _details(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class LogState:
    """What the entries fed so far say the tables hold."""

    def __init__(self) -> None:
        # Claim ref -> (status, the entry that set it).
        self.claims: dict[str, tuple[str, int]] = {}
        # Claim ref -> the action of the decision standing on it.
        self._standing: dict[str, str] = {}
        # Professional ref -> credits refunded less credits reversed.
        self.balances: dict[str, int] = {}
        # Professional ref -> (entry, suspended?, since, reason).
        self.suspensions: dict[str, tuple[int, bool, str | None, str | None]] = {}
        # Agent name -> (entry, role or None once removed, given by an agent_* entry?).
        self.roles: dict[str, tuple[int, str | None, bool]] = {}
        # Entries signed with a role the log never gave their author.
        self.signatures: list[Message] = []

    def feed(self, values: Sequence[Any]) -> None:
        """One entry, its hashed fields in HASHED_FIELDS order (store.log.hash_checks)."""
        role = values[_ROLE]
        if role in ROLES:
            self._signed(values[_SEQ], values[_AGENT], role)
        action = values[_ACTION]
        if action in _STATEFUL:
            self._act(values, action)

    def _signed(self, seq: int, agent: str, role: str) -> None:
        known = self.roles.get(agent)
        if known is None:
            self.roles[agent] = (seq, role, False)
            return
        given_at, given, logged = known
        if given == role:
            if not logged:
                self.roles[agent] = (seq, role, False)
            return
        if given is None and role == "agent":
            # Removed, then acting again: a first act records them, as an agent.
            self.roles[agent] = (seq, role, False)
            return
        # Since revision 0008 a role changes only with agent_add or agent_set.
        if given is None:
            problem = msg(
                "entry {seq} is signed by {agent} as {role}, but the log removed them "
                "(entry {given_at})",
                seq=seq,
                agent=agent,
                role=msg(role),
                given_at=given_at,
            )
        elif logged:
            problem = msg(
                "entry {seq} is signed by {agent} as {role}, but the log made them {given} "
                "(entry {given_at})",
                seq=seq,
                agent=agent,
                role=msg(role),
                given=msg(given),
                given_at=given_at,
            )
        else:
            problem = msg(
                "entry {seq} is signed by {agent} as {role}, but their entry {given_at} was "
                "written as {given} and no entry changed their role since",
                seq=seq,
                agent=agent,
                role=msg(role),
                given=msg(given),
                given_at=given_at,
            )
        self.signatures.append(problem)

    def _act(self, values: Sequence[Any], action: str) -> None:
        seq = values[_SEQ]
        if action in AGENT_ACTS:
            details = _details(values[_DETAILS])
            name = details.get("name")
            if isinstance(name, str):
                role = details.get("role") if action != "agent_remove" else None
                self.roles[name] = (seq, role if isinstance(role, str) else None, True)
            return
        claim = values[_CLAIM]
        if claim is None:
            return
        self.claims[claim] = (STATUS_AFTER[action], seq)
        professional = values[_PROFESSIONAL]
        refund = values[_REFUND]
        if action == "reopen":
            reopened = self._standing.pop(claim, None)
            if reopened == "suspend" and professional is not None:
                self.suspensions[professional] = (seq, False, None, None)
        else:
            self._standing[claim] = action
            if action == "suspend" and professional is not None:
                reason = f"{PLATFORM_ABUSE}: {values[_REASON] or ''}"
                self.suspensions[professional] = (seq, True, values[_AT], reason)
        if professional is not None and refund is not None and action in ("approve", "reopen"):
            self.balances[professional] = self.balances.get(professional, 0) + refund

    # --- what the tables say --------------------------------------------------

    def differences(self, conn: Connection) -> list[Message]:
        """Every place where the tables say something else than the log, one message each."""
        found = list(self.signatures)
        found += self._claims(conn)
        found += _decisions(conn)
        found += self._ledger(conn)
        found += self._suspensions(conn)
        found += self._agents(conn)
        return found

    def _claims(self, conn: Connection) -> list[Message]:
        stored = store.claim_statuses(conn, self.claims)
        found = []
        for ref, (status, seq) in sorted(self.claims.items(), key=lambda item: item[1][1]):
            actual = stored.get(ref)
            if actual is None:
                found.append(
                    msg(
                        "claim {claim} is not in the database, but entry {seq} acts on it",
                        claim=ref,
                        seq=seq,
                    )
                )
            elif actual != status:
                found.append(
                    msg(
                        "claim {claim} is {status}, but the log says {expected} (entry {seq})",
                        claim=ref,
                        status=msg(actual),
                        expected=msg(status),
                        seq=seq,
                    )
                )
        return found

    def _ledger(self, conn: Connection) -> list[Message]:
        found = [
            msg(
                "ledger entry {id} moves {amount}, but its entry {seq} in the log records {logged}",
                id=row.id,
                amount=Credits(row.amount),
                seq=row.log_seq,
                logged=Credits(row.logged or 0),
            )
            for row in store.ledger_rows_unlike_their_entry(conn)
        ]
        stored = store.ledger_balances(conn)
        for ref in sorted(set(stored) | set(self.balances)):
            ledger, logged = stored.get(ref, 0), self.balances.get(ref, 0)
            if ledger != logged:
                found.append(
                    msg(
                        "professional {professional} has {ledger} on the ledger, but the log's "
                        "refunds and reversals make {logged}",
                        professional=ref,
                        ledger=Credits(ledger),
                        logged=Credits(logged),
                    )
                )
        return found

    def _suspensions(self, conn: Connection) -> list[Message]:
        stored = store.suspensions(conn, self.suspensions)
        found = []
        for ref in sorted(set(stored) | set(self.suspensions)):
            actual = stored.get(ref)
            expected = self.suspensions.get(ref)
            if expected is None:
                if actual is not None and actual.status != "active":
                    found.append(
                        msg(
                            "professional {professional} is suspended, but the log never "
                            "suspended them",
                            professional=ref,
                        )
                    )
                continue
            seq, suspended, since, reason = expected
            if actual is None:
                found.append(
                    msg(
                        "professional {professional} is not in the database, but entry {seq} "
                        "names them",
                        professional=ref,
                        seq=seq,
                    )
                )
            elif suspended and actual.status != "suspended":
                found.append(
                    msg(
                        "professional {professional} is active, but the log suspended them "
                        "(entry {seq})",
                        professional=ref,
                        seq=seq,
                    )
                )
            elif suspended and (
                actual.reason != reason or not _same_instant(actual.suspended_at, since)
            ):
                found.append(
                    msg(
                        "the suspension of professional {professional} is not the one entry "
                        "{seq} records (its time or its reason differs)",
                        professional=ref,
                        seq=seq,
                    )
                )
            elif not suspended and actual.status != "active":
                found.append(
                    msg(
                        "professional {professional} is suspended, but the log lifted the "
                        "suspension (entry {seq})",
                        professional=ref,
                        seq=seq,
                    )
                )
        return found

    def _agents(self, conn: Connection) -> list[Message]:
        stored = store.agent_roles(conn)
        found = []
        for name, (seq, role, logged) in sorted(self.roles.items(), key=lambda item: item[1][0]):
            actual = stored.get(name)
            if role is None:
                # Removed by an agent_remove entry.
                if actual is not None:
                    found.append(
                        msg(
                            "agent {agent} is in the agents table ({role}), but the log "
                            "removed them (entry {seq})",
                            agent=name,
                            role=msg(actual),
                            seq=seq,
                        )
                    )
            elif logged and actual is None:
                found.append(
                    msg(
                        "agent {agent} is not in the agents table, but the log made them "
                        "{expected} (entry {seq})",
                        agent=name,
                        expected=msg(role),
                        seq=seq,
                    )
                )
            elif actual is None or actual == role:
                continue
            elif logged:
                found.append(
                    msg(
                        "agent {agent} is {role} in the agents table, but the log made them "
                        "{expected} (entry {seq})",
                        agent=name,
                        role=msg(actual),
                        expected=msg(role),
                        seq=seq,
                    )
                )
            else:
                found.append(
                    msg(
                        "agent {agent} is {role} in the agents table, but their entries show "
                        "them as {expected} (entry {seq})",
                        agent=name,
                        role=msg(actual),
                        expected=msg(role),
                        seq=seq,
                    )
                )
        return found


def _same_instant(stored: datetime | None, logged: str | None) -> bool:
    if stored is None or logged is None:
        return stored is None and logged is None
    return stored == datetime.fromisoformat(logged)


def _decisions(conn: Connection) -> list[Message]:
    found = [
        msg(
            "entry {seq} decides claim {claim}, but no decision row records it",
            seq=seq,
            claim=ref or "?",
        )
        for seq, ref in store.unrecorded_decisions(conn)
    ]
    for row in store.decision_rows(conn):
        details = _details(row.entry_details)
        if not (
            row.same_as_entry
            and details.get("claim_version") == row.seen_version
            and _canonical(details.get("reason_codes")) == _reason_codes(row.reason_codes)
        ):
            found.append(
                msg(
                    "decision {id} of claim {claim} is not what its entry {seq} records",
                    id=row.id,
                    claim=row.claim_ref,
                    seq=row.log_seq,
                )
            )
    return found


def _reason_codes(text: str) -> str | None:
    try:
        return _canonical(json.loads(text))
    except ValueError:
        return None
