"""The monthly SLA statement: opt-in, recipients, each breach explained, sent to a real SMTP sink."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import random
from typing import Any

import pytest
from desk.conftest import FrozenClock
from desk.personas import Desk, nz
from django.contrib.auth.models import User
from django.test import Client
from intake.support import mail_settings
from mail.conftest import smtp_server

from accord.accounts import services as accounts
from accord.accounts.actor import staff
from accord.contracts import services as contracts
from accord.errors import Conflict, Forbidden, Invalid
from accord.intake.config import SmtpSettings
from accord.reports import figures, periods, statement
from accord.reports.models import Statement
from accord.sla import load_policy

from .generate import history

__all__ = ["mail_settings", "smtp_server"]
ZONE = load_policy("capella").zone
PASSWORD = "correct horse battery staple"


@pytest.fixture
def smtp(settings: Any, mail_settings: Any, smtp_server: Any) -> Any:
    smtp = SmtpSettings(
        host=smtp_server.host, port=smtp_server.port, username=None, password=None,
        security="plain",
    )  # fmt: skip
    settings.ACCORD_MAIL = dataclasses.replace(settings.ACCORD_MAIL, smtp=smtp)
    return smtp_server


@pytest.fixture
def mia(desk: Desk, clock: FrozenClock) -> User:
    return accounts.create_user("mia", role="manager", password=PASSWORD, now=clock.at)


@pytest.fixture
def october(desk: Desk, clock: FrozenClock) -> periods.Period:
    history(
        random.Random(5), desk.lead, desk.mere, count=20,
        first=nz(2026, 10, 1, 0), last=nz(2026, 10, 31, 12), now=clock.at,
    )  # fmt: skip
    return periods.parse("2026-10", ZONE)


def mails(server: Any) -> list[tuple[list[str], Any]]:
    return [
        (rcpts, email.message_from_bytes(data, policy=email.policy.default))
        for _, rcpts, data in server.messages
    ]


def test_it_mails_the_administrators_each_breach_explained(
    desk: Desk, clock: FrozenClock, mia: User, smtp: Any, october: periods.Period
) -> None:
    ana = contracts.create_contact(
        desk.lead, organization=desk.kiwi.pk, name="Ana", role="administrator",
        email="ana@kiwi.example", now=clock.at,
    )  # fmt: skip
    contracts.create_contact(
        desk.lead, organization=desk.kiwi.pk, name="Ed", role="user",
        email="ed@kiwi.example", now=clock.at,
    )  # fmt: skip
    manager = staff(mia)
    statement.set_subscription(manager, desk.kiwi, enabled=True, now=clock.at)
    rows = statement.send_statement(manager, desk.kiwi, october, now=clock.at)
    assert [r.to_email for r in rows] == [ana.email, desk.mere.email]  # not the end user
    assert all(r.state == "sent" for r in rows)
    assert Statement.objects.count() == 2
    got = mails(smtp)
    assert sorted(r for rcpts, _ in got for r in rcpts) == sorted([ana.email, desk.mere.email])
    _, mail = got[0]
    assert mail["Subject"] == "Capella Customer Support: SLA statement for Kiwi Ltd, October 2026"
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    report = figures.build(desk.kiwi, october, clock.at)
    assert report.breaches, "the generated month has breaches to explain"
    for b in report.breaches:
        assert b.display_number in html and b.display_number in text
    assert "clause" in text and "on the business clock" in text  # the engine's derivation
    for line in report.lines:
        assert f"(clause {line.clause})" in text


def test_it_needs_an_opt_in_a_manager_and_a_recipient(
    desk: Desk, clock: FrozenClock, mia: User, smtp: Any, october: periods.Period
) -> None:
    manager = staff(mia)
    with pytest.raises(Conflict) as err:
        statement.send_statement(manager, desk.kiwi, october, now=clock.at)
    assert err.value.field == "organization" and "not opted in" in err.value.message
    with pytest.raises(Forbidden):
        statement.set_subscription(desk.agent, desk.kiwi, enabled=True, now=clock.at)
    statement.set_subscription(manager, desk.kiwi, enabled=True, now=clock.at)
    with pytest.raises(Forbidden):
        statement.send_statement(desk.agent, desk.kiwi, october, now=clock.at)
    statement.set_subscription(manager, desk.gate, enabled=True, now=clock.at)
    desk.sam.email = ""
    desk.sam.save()
    with pytest.raises(Invalid) as bad:
        statement.send_statement(manager, desk.gate, october, now=clock.at)
    assert "no administrator with an email" in bad.value.message
    assert not smtp.messages and not Statement.objects.exists()


def test_a_refused_recipient_is_recorded_as_failed(
    desk: Desk, clock: FrozenClock, mia: User, october: periods.Period
) -> None:
    from accord.notify.transport import PermanentError

    class Refusing:
        def send(self, row: Any) -> None:
            raise PermanentError("550 no such mailbox")

    manager = staff(mia)
    statement.set_subscription(manager, desk.kiwi, enabled=True, now=clock.at)
    (row,) = statement.send_statement(
        manager, desk.kiwi, october, now=clock.at, transport=Refusing()
    )
    assert (row.state, row.reason) == ("failed", "550 no such mailbox")


def test_a_manager_sends_it_from_the_desk(
    desk: Desk, clock: FrozenClock, mia: User, smtp: Any, october: periods.Period
) -> None:
    client = Client()
    client.force_login(mia)
    url = f"/reports/organizations/{desk.kiwi.pk}/"
    page = client.get(url, {"period": "2026-10"}).content.decode()
    assert "not opted in" in page and "Send the statement" not in page
    res = client.post(url + "statement/subscription/", {"enabled": "1", "period": "2026-10"})
    assert res.status_code == 302
    page = client.get(url, {"period": "2026-10"}).content.decode()
    assert "Send the statement for October 2026" in page
    preview = client.get(url + "statement/preview/", {"period": "2026-10"}).content.decode()
    assert "SLA statement: Kiwi Ltd" in preview
    res = client.post(url + "statement/", {"period": "2026-10"})
    assert res.status_code == 302 and res["Location"].endswith("?period=2026-10#statement")
    assert len(smtp.messages) == 1
    page = client.get(url, {"period": "2026-10"}).content.decode()
    assert 'class="report sent-statements"' in page and "mere@kiwi.example" in page
    bad = client.post(url + "statement/", {"period": "2026-14"})
    assert bad.status_code == 400 and "period: no such date" in bad.content.decode()


def test_without_smtp_the_desk_says_so(
    desk: Desk, clock: FrozenClock, mia: User, mail_settings: Any, october: periods.Period
) -> None:
    statement.set_subscription(staff(mia), desk.kiwi, enabled=True, now=clock.at)
    client = Client()
    client.force_login(mia)
    res = client.post(f"/reports/organizations/{desk.kiwi.pk}/statement/", {"period": "2026-10"})
    assert res.status_code == 409
    assert "smtp: no outgoing mail server is configured" in res.content.decode()


def statements(server: Any) -> list[tuple[list[str], Any]]:
    return [(r, m) for r, m in mails(server) if "SLA statement" in m["Subject"]]


# The worker's pass ends by closing the connection, as after a web request: a
# transactional database, as for every test that runs the worker in process.
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_last_months_statement_on_the_first_once(
    desk: Desk, clock: FrozenClock, mia: User, smtp: Any, october: periods.Period
) -> None:
    from accord.worker.loop import run

    manager = staff(mia)
    statement.set_subscription(manager, desk.kiwi, enabled=True, now=nz(2026, 10, 15, 9))
    clock.set(nz(2026, 10, 31, 23))  # October is not over in Auckland
    assert run(until_idle=True).statements == 0
    clock.set(nz(2026, 11, 2, 8))  # the first day is the manager's; the second from 09:00
    assert run(until_idle=True).statements == 0
    clock.set(nz(2026, 11, 2, 9, 5))
    assert run(until_idle=True).statements == 1
    (row,) = Statement.objects.all()
    assert (row.period, row.to_email, row.state) == ("2026-10", desk.mere.email, "sent")
    # (The worker also sends the generated requests' acknowledgements.)
    ((rcpts, mail),) = statements(smtp)
    assert rcpts == [desk.mere.email]
    assert mail["Subject"] == "Capella Customer Support: SLA statement for Kiwi Ltd, October 2026"
    clock.set(nz(2026, 11, 3, 7))
    assert run(until_idle=True).statements == 0
    assert len(statements(smtp)) == 1


# The worker's pass ends by closing the connection, as after a web request: a
# transactional database, as for every test that runs the worker in process.
@pytest.mark.django_db(transaction=True)
def test_the_worker_leaves_a_month_a_manager_already_sent(
    desk: Desk, clock: FrozenClock, mia: User, smtp: Any, october: periods.Period
) -> None:
    from accord.worker.loop import run

    manager = staff(mia)
    statement.set_subscription(manager, desk.kiwi, enabled=True, now=nz(2026, 10, 15, 9))
    clock.set(nz(2026, 11, 1, 10))
    statement.send_statement(manager, desk.kiwi, october, now=clock.at)
    clock.set(nz(2026, 11, 2, 10))
    assert run(until_idle=True).statements == 0
    assert len(statements(smtp)) == 1


# The worker's pass ends by closing the connection, as after a web request: a
# transactional database, as for every test that runs the worker in process.
@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_for_a_month_that_ended_after_the_opt_in(
    desk: Desk, clock: FrozenClock, mia: User, smtp: Any, october: periods.Period
) -> None:
    from accord.worker.loop import run

    statement.set_subscription(staff(mia), desk.kiwi, enabled=True, now=nz(2026, 11, 20, 9))
    clock.set(nz(2026, 11, 21, 9))
    assert run(until_idle=True).statements == 0  # October ended before Kiwi opted in
    assert not statements(smtp)
    clock.set(nz(2026, 12, 2, 10))
    assert run(until_idle=True).statements == 1
    assert Statement.objects.get().period == "2026-11"
