"""Importing another desk's history: `import_batch`, the one service `accord import` calls.

A batch of records (`accord.tickets.history_format`) becomes requests with
their messages, event log, stored targets and audit rows, in one transaction
and a fixed number of statements whatever the batch size (no query in a loop):

- idempotent by source id: records whose `(source, id)` is already stored are
  skipped (a unique constraint backs this), so importing a file twice, or
  resuming after a crash, gives the same desk;
- every request's targets are replayed by the engine's batch path
  (`accord.sla.batch.evaluate_many`) as of the import, stored, and marked
  `imported`: their verdicts took effect before this desk knew the request, so
  no alert is ever sent for them;
- numbers come as one block from the counter (`next_numbers`);
- no acknowledgement is sent and no `request_opened` signal fires: history is
  recorded, not replayed to customers.

Imported requests are in scope ("imported from SOURCE"): the other desk
already decided what it worked on. Their contacts are found by email in the
named organisation and created (role `user`) when missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from accord.accounts.actor import Actor
from accord.audit.models import AuditEntry
from accord.contracts.models import Contact, ContactRole, Organization
from accord.contracts.policy_versions import versions_in_force
from accord.errors import Invalid
from accord.sla import Policy, load_policy
from accord.sla.batch import Case, evaluate_many
from accord.sla.clock import Evaluation, Event
from accord.sla.errors import SlaInputError
from accord.tickets import bulk
from accord.tickets.history_format import MESSAGE_TYPES, HistoryEvent, HistoryRecord
from accord.tickets.intake import as_html
from accord.tickets.models import Event as LogEvent
from accord.tickets.models import Message, Request, Scope, SlaTarget
from accord.tickets.numbering import next_numbers
from accord.tickets.targets import next_due, row_values


@dataclass
class BatchResult:
    imported: int = 0
    skipped: int = 0  # already imported earlier (same source and id)
    vector: int = 0  # replayed on the engine's array path (the rest: scalar engine)


@dataclass
class Importer:
    """Caches what batches share: organisations by name and policy versions by notice day."""

    actor: Actor
    source: str
    now: datetime
    _orgs: dict[str, Organization] = field(default_factory=dict)
    _versions: dict[str, Callable[[datetime], tuple[Policy, str]]] = field(default_factory=dict)

    def import_batch(self, records: Sequence[HistoryRecord]) -> BatchResult:
        with transaction.atomic():
            return self._batch(records)

    # -- the steps -----------------------------------------------------------

    def _batch(self, records: Sequence[HistoryRecord]) -> BatchResult:
        result = BatchResult()
        stored = set(
            Request.objects.filter(
                source=self.source, source_id__in=[r.id for r in records]
            ).values_list("source_id", flat=True)
        )
        fresh: list[HistoryRecord] = []
        for r in records:
            if r.id in stored:
                result.skipped += 1
            else:
                stored.add(r.id)  # a repeated id later in the same batch is skipped too
                fresh.append(r)
        if not fresh:
            return result
        orgs = self._organizations(fresh)
        contacts = self._contacts(fresh, orgs)
        versions = [self._version(orgs[r.organization], r) for r in fresh]
        evaluations, result.vector = self._replay(fresh, versions)
        requests = self._requests(fresh, orgs, contacts, versions, evaluations)
        self._logs(fresh, requests, contacts)
        self._targets(requests, evaluations)
        bulk.insert(
            [
                AuditEntry(
                    at=self.now,
                    actor=self.actor.label,
                    action="request.import",
                    object_type=Request._meta.label_lower,
                    object_id=str(req.pk),
                    data={"number": req.number, "source": self.source, "source_id": req.source_id},
                )
                for req in requests
            ]
        )
        result.imported = len(fresh)
        return result

    def _organizations(self, records: Sequence[HistoryRecord]) -> dict[str, Organization]:
        missing = {r.organization for r in records} - set(self._orgs)
        if missing:
            for org in Organization.objects.filter(name__in=missing):
                self._orgs.setdefault(org.name, org)
        for r in records:
            if r.organization not in self._orgs:
                raise Invalid(
                    f"line {r.line}: organization", f"no organisation named {r.organization!r}"
                )
        return self._orgs

    def _contacts(
        self, records: Sequence[HistoryRecord], orgs: dict[str, Organization]
    ) -> dict[tuple[int, str], Contact]:
        wanted = {(orgs[r.organization].pk, r.contact_email): r for r in records}
        found = {
            (c.organization_id, c.email.lower()): c
            for c in Contact.objects.filter(
                organization_id__in={k[0] for k in wanted},
                email__in={k[1] for k in wanted},
            )
        }
        new = [
            Contact(
                organization_id=org_id,
                name=r.contact_name,
                email=email,
                role=ContactRole.USER,
                created=self.now,
            )
            for (org_id, email), r in wanted.items()
            if (org_id, email) not in found
        ]
        for c in Contact.objects.bulk_create(new):
            found[(c.organization_id, c.email)] = c
        return found

    def _version(self, org: Organization, r: HistoryRecord) -> tuple[Policy, str]:
        """The policy version in force at the record's notice (semantics 5)."""
        shipped = load_policy(org.policy)
        if r.level not in shipped.level_ids:
            raise Invalid(
                f"line {r.line}: level",
                f"unknown level {r.level!r} for policy {org.policy} "
                f"(one of {', '.join(shipped.level_ids)})",
            )
        in_force = self._versions.get(org.policy)
        if in_force is None:
            in_force = self._versions[org.policy] = versions_in_force(org.policy, self.now)
        return in_force(shipped.notice_for(r.channel, r.received))

    def _replay(
        self, records: Sequence[HistoryRecord], versions: Sequence[tuple[Policy, str]]
    ) -> tuple[list[Evaluation], int]:
        """Every record's targets as of the import, one `evaluate_many` per policy version."""
        groups: dict[int, list[int]] = defaultdict(list)
        policies: dict[int, Policy] = {}
        for i, (policy, _) in enumerate(versions):
            groups[id(policy)].append(i)
            policies[id(policy)] = policy
        out: list[Evaluation | None] = [None] * len(records)
        vector = 0
        for key, indexes in groups.items():
            cases = [_case(records[i]) for i in indexes]
            try:
                batch = evaluate_many(policies[key], cases, self.now)
            except SlaInputError as exc:  # names cases[k].field
                k, _, rest = exc.field.removeprefix("cases[").partition("].")
                raise Invalid(
                    f"line {records[indexes[int(k)]].line}: {rest}", exc.message
                ) from None
            vector += batch.vector
            for i, ev in zip(indexes, batch.evaluations, strict=True):
                out[i] = ev
        return [e for e in out if e is not None], vector

    def _requests(
        self,
        records: Sequence[HistoryRecord],
        orgs: dict[str, Organization],
        contacts: dict[tuple[int, str], Contact],
        versions: Sequence[tuple[Policy, str]],
        evaluations: Sequence[Evaluation],
    ) -> list[Request]:
        numbers = next_numbers(len(records))
        requests = []
        for r, number, (policy, version), ev in zip(
            records, numbers, versions, evaluations, strict=True
        ):
            org = orgs[r.organization]
            rows = [
                SlaTarget(**row_values(s, self.now)) for s in ev.targets.values() if s is not None
            ]
            requests.append(
                Request(
                    number=number,
                    organization=org,
                    contact=contacts[(org.pk, r.contact_email)],
                    channel=r.channel,
                    received=r.received,
                    notice=ev.notice,
                    level=ev.level,
                    initial_level=r.level,
                    status=r.status,
                    policy=policy.id,
                    policy_version=version,
                    subject=r.subject,
                    description=r.description,
                    scope=Scope.IN_SCOPE,
                    scope_reason=f"imported from {self.source}",
                    scope_clause="",
                    created=self.now,
                    updated=self.now,
                    next_due=next_due(rows),
                    source=self.source,
                    source_id=r.id,
                )
            )
        return list(bulk.insert(requests, need_ids=True))

    def _logs(
        self,
        records: Sequence[HistoryRecord],
        requests: Sequence[Request],
        contacts: dict[tuple[int, str], Contact],
    ) -> None:
        """Messages first (events point at them), then every request's whole log."""
        messages: list[Message] = []
        for r, req in zip(records, requests, strict=True):
            contact = contacts[(req.organization_id, r.contact_email)]
            for ev in r.events:
                if ev.type in MESSAGE_TYPES:
                    messages.append(_message(req, contact, ev))
        bulk.insert(messages, need_ids=True)
        it = iter(messages)
        events: list[LogEvent] = []
        actor = f"import:{self.source}"
        for r, req in zip(records, requests, strict=True):
            events.append(self._event(req, 1, r.received, "opened", actor, r.level))
            events.append(
                self._event(req, 2, r.received, "scope", actor, Scope.IN_SCOPE, req.scope_reason)
            )
            for seq, ev in enumerate(r.events, start=3):
                row = self._event(req, seq, ev.at, ev.type, ev.author or actor, ev.to or "")
                if ev.type in MESSAGE_TYPES:
                    row.message = next(it)
                events.append(row)
        bulk.insert(events)

    def _event(
        self, req: Request, seq: int, at: datetime, kind: str, actor: str, to: str, reason: str = ""
    ) -> LogEvent:
        data = {"reason": reason, "clause": ""} if kind == "scope" else {}
        if kind == "opened":
            data = {"channel": req.channel, "source": self.source, "source_id": req.source_id}
        return LogEvent(
            request=req,
            seq=seq,
            at=at,
            kind=kind,
            to=to,
            actor=actor[:200],
            data=data,
            recorded=self.now,
        )

    def _targets(self, requests: Sequence[Request], evaluations: Sequence[Evaluation]) -> None:
        bulk.insert(
            [
                SlaTarget(request=req, kind=kind, imported=True, **row_values(state, self.now))
                for req, ev in zip(requests, evaluations, strict=True)
                for kind, state in ev.targets.items()
                if state is not None
            ]
        )


def _case(r: HistoryRecord) -> Case:
    return Case(r.level, r.channel, r.received, [Event(e.at, e.type, e.to) for e in r.events])


def _message(req: Request, contact: Contact, ev: HistoryEvent) -> Message:
    inbound = ev.type == "customer_reply"
    return Message(
        request=req,
        direction=Message.Direction.INBOUND if inbound else Message.Direction.OUTBOUND,
        public=ev.type != "internal_note",
        automated=ev.type == "auto_reply",
        channel=req.channel,
        author_contact=contact if inbound else None,
        body_text=ev.body,
        body_html=as_html(ev.body),
        at=ev.at,
    )
