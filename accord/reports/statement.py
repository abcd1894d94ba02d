"""The monthly SLA statement: how the contract was kept, mailed to the customer.

For one organisation and one period (usually last month), the statement lists
the contract's clauses and targets with how each was kept (the report's
figures, `accord.reports.figures`), then every breach with the engine's own
derivation of its due instant (`accord.sla.explain.explain_target`), so the
customer can check each one against the contract.

It goes to the organisation's authorised administrators (contacts with the
`administrator` role and an email address) and its designated contact, only
for organisations that opted in (`StatementSubscription`, off by default):
sent from the desk by a manager or admin, and by the worker on the second day
of each month for the month before unless a manager sent it already
(`send_monthly_statements`). The mail is sent at once through
the desk's SMTP transport; each recipient's mail is kept as a `Statement`
row with what the server answered (sent, or failed with the reason), so a
failure is visible on the report page and can be sent again. The outbox is
not used: its rows belong to a request, and a statement belongs to none.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accord.accounts.actor import SYSTEM, Actor, is_manager
from accord.audit.services import record
from accord.contracts.models import ContactRole, Organization
from accord.errors import Conflict, Forbidden, Invalid
from accord.intake.identity import mail_config
from accord.notify.models import Outbox
from accord.notify.transport import PermanentError, TemporaryError, Transport, default_transport
from accord.reports import figures
from accord.reports.models import Statement, StatementSubscription
from accord.reports.periods import Period, month
from accord.sla import load_policy
from accord.sla.explain import explain_target
from accord.tickets.models import Request
from accord.tickets.targets import evaluate_request, policy_of


@dataclass(frozen=True)
class ExplainedBreach:
    breach: figures.Breach
    lines: list[str]


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


def subscribed(org: Organization) -> bool:
    return StatementSubscription.objects.filter(organization=org, enabled=True).exists()


@transaction.atomic
def set_subscription(
    actor: Actor, organization: Organization, *, enabled: bool, now: datetime | None = None
) -> StatementSubscription:
    """Opt the organisation in to (or out of) the monthly statement."""
    if not is_manager(actor):
        raise Forbidden("enabled", "only managers and admins change statement settings")
    now = now or timezone.now()
    sub, _ = StatementSubscription.objects.update_or_create(
        organization=organization,
        defaults={"enabled": enabled, "changed_at": now, "changed_by": actor.label},
    )
    record(actor, "statement.subscription", organization, now, enabled=enabled)
    return sub


def recipients(org: Organization) -> list[str]:
    """Administrators' and the designated contact's addresses, each once, in name order."""
    people = list(org.contacts.filter(role=ContactRole.ADMINISTRATOR).exclude(email=""))
    designated = org.designated_contact
    if designated is not None and designated.email and designated not in people:
        people.append(designated)
    return [c.email for c in sorted(people, key=lambda c: (c.name, c.pk))]


def explained(report: figures.Report, now: datetime) -> list[ExplainedBreach]:
    """Each breach with the engine's derivation of its due instant, as of `now`."""
    numbers = {b.number for b in report.breaches}
    requests = {r.number: r for r in Request.objects.filter(number__in=numbers)}
    out = []
    for b in report.breaches:
        req = requests[b.number]
        state = evaluate_request(req, now).targets[b.kind]
        out.append(ExplainedBreach(b, explain_target(policy_of(req), b.kind_label, state)))
    return out


def compose(org: Organization, period: Period, now: datetime) -> Composed:
    policy = load_policy(org.policy)
    report = figures.build(org, period, now)
    context = {
        "org": org,
        "policy": policy.spec.policy,
        "period": report.period,
        "report": report,
        "fr": report.line_total("first_response"),
        "res": report.line_total("resolution"),
        "breaches": explained(report, now),
        "as_of": now.astimezone(policy.zone),
    }
    subject = f"{policy.spec.policy.name}: SLA statement for {org.name}, {report.period.label}"
    with timezone.override(policy.zone):  # instants as the contract reads them
        return Composed(
            subject,
            render_to_string("reports/statement.txt", context),
            render_to_string("reports/statement.html", context),
        )


def send_statement(
    actor: Actor,
    organization: Organization,
    period: Period,
    *,
    now: datetime | None = None,
    transport: Transport | None = None,
) -> list[Statement]:
    """Mail the period's statement to each recipient; returns one row per recipient."""
    if not is_manager(actor):
        raise Forbidden("organization", "only managers and admins send statements")
    if not subscribed(organization):
        raise Conflict(
            "organization", f"{organization.name} has not opted in to the monthly statement"
        )
    to = recipients(organization)
    if not to:
        raise Invalid("organization", f"{organization.name} has no administrator with an email")
    transport = transport or default_transport()
    if transport is None:
        raise Conflict("smtp", "no outgoing mail server is configured (ACCORD_SMTP_URL)")
    return _deliver(actor, organization, period, to, now or timezone.now(), transport)


def _deliver(
    actor: Actor,
    organization: Organization,
    period: Period,
    to: list[str],
    now: datetime,
    transport: Transport,
) -> list[Statement]:
    mail = compose(organization, period, now)
    config = mail_config()
    rows = []
    for address in to:
        row = Statement(
            organization=organization,
            period=period.key,
            to_email=address,
            subject=mail.subject,
            message_id=f"statement-{uuid.uuid4().hex}@{config.domain}",
            body_text=mail.text,
            body_html=mail.html,
            sent_by=actor.label,
            created=now,
        )
        row.state, row.reason = _send(transport, row, config.default_from)
        rows.append(row)
    with transaction.atomic():
        Statement.objects.bulk_create(rows)
        record(
            actor,
            "statement.send",
            organization,
            now,
            period=period.key,
            to=to,
            failed=[r.to_email for r in rows if r.state == Statement.State.FAILED],
        )
    return rows


def _send(transport: Transport, row: Statement, sender: str) -> tuple[str, str]:
    # The SMTP transport takes the outbox's shape; an unsaved row carries this mail.
    mail = Outbox(
        kind=Outbox.Kind.NOTICE,
        automated=False,  # sent by a person from the desk, not an automatic reply
        from_email=sender,
        to_email=row.to_email,
        subject=row.subject,
        message_id=row.message_id,
        body_text=row.body_text,
        body_html=row.body_html,
        created=row.created,
    )
    try:
        transport.send(mail)
    except (TemporaryError, PermanentError) as exc:
        return Statement.State.FAILED, str(exc)
    return Statement.State.SENT, ""


# The worker sends last month's statement from 09:00 on the second day of the month in
# the zone of the organisation's policy (the contract's own calendar month): the first
# day is the manager's, to look at the month (the preview) and send it themselves.
MONTHLY_DAY = 2
MONTHLY_FROM_HOUR = 9


def send_monthly_statements(now: datetime | None = None, transport: Transport | None = None) -> int:
    """Last month's statement to every opted-in organisation, once; returns how many
    organisations were mailed (the worker calls it on every pass).

    A month is sent from 09:00 on the second day of the next month in the policy's
    zone, only if the organisation had opted in before that month ended, and only if
    no statement of that month exists yet (a manager may already have sent it from the
    desk; a failed send is resent from the desk, not retried here). The subscription
    row is locked while sending, so two workers send it once.
    """
    now = now or timezone.now()
    transport = transport or default_transport()
    if transport is None:
        return 0
    mailed = 0
    # On every worker pass: one query for the policies in use, then one per policy
    # whose sending time has come, for the organisations still owed last month's.
    enabled = StatementSubscription.objects.filter(enabled=True)
    for name in enabled.values_list("organization__policy", flat=True).distinct():
        zone = load_policy(name).zone
        local = now.astimezone(zone)
        if local.day < MONTHLY_DAY or (local.day == MONTHLY_DAY and local.hour < MONTHLY_FROM_HOUR):
            continue
        period = month(local.date(), zone).previous()
        owed = (
            enabled.filter(organization__policy=name, changed_at__lt=period.end)
            .exclude(organization__statements__period=period.key)
            .select_related("organization")
        )
        for sub in owed:
            with transaction.atomic():
                locked = StatementSubscription.objects.select_for_update().get(pk=sub.pk)
                if (
                    not locked.enabled
                    or Statement.objects.filter(
                        organization=sub.organization, period=period.key
                    ).exists()
                ):
                    continue  # another worker sent it meanwhile
                to = recipients(sub.organization)
                if not to:
                    continue
                _deliver(SYSTEM, sub.organization, period, to, now, transport)
            mailed += 1
    return mailed
