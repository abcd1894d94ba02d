"""Demo data: a living desk with both policies side by side.

Everything is created through the services, with the demo administrator's
import permission giving the history its past instants. Loading is
idempotent: a second run finds the data and only prints the login again.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accord.accounts import services as accounts
from accord.accounts.actor import Actor, staff
from accord.contracts import releases as lifecycle
from accord.contracts import services as contracts
from accord.contracts.models import Contact, Organization
from accord.tickets import actions, intake, restructure
from accord.tickets import split as splitting
from accord.tickets.models import Request

ADMIN = "demo-admin"
MARKER = "Aroha Health"  # the first organisation the demo creates
# The demo's support addresses, one per policy, so that mail piped to `accord mail
# ingest` (or fetched over IMAP) is routed with no setup step; capella's is the default.
ADDRESSES = [
    ("support@capella.demo.example", "Capella Support (demo)", "capella", "medium", True),
    ("help@capsure.demo.example", "CapSure Help (demo)", "capsure", "sev3", False),
]


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    token: str


def _login() -> Login:
    """The demo admin's password (kept in the data dir) and a fresh API token."""
    path = settings.DATA_DIR / "demo-login"
    user = get_user_model().objects.get(username=ADMIN)
    if path.exists():
        password = path.read_text().strip()
    else:
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save(update_fields=["password"])
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(password + "\n")
    return Login(ADMIN, password, accounts.create_token(user=ADMIN))


def load_demo(now: datetime | None = None) -> Login:
    # Whole minutes: the demo's instants are read by people.
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    if not Organization.objects.filter(name=MARKER).exists():
        _load(now)
    _addresses(now)
    return _login()


def _addresses(now: datetime) -> None:
    """The demo's support addresses (also added to a demo loaded before they existed)."""
    from accord.intake.addresses import save_address
    from accord.intake.models import SupportAddress

    actor = staff(get_user_model().objects.get(username=ADMIN))
    for email, name, policy, level, default in ADDRESSES:
        if not SupportAddress.objects.filter(email=email).exists():
            save_address(
                email,
                name=name,
                policy=policy,
                level=level,
                team="Tier 1",
                is_default=default,
                actor=actor,
                now=now,
            )


class _Builder:
    def __init__(self, actor: Actor, now: datetime) -> None:
        self.actor, self.now = actor, now

    def ago(self, days: float = 0, hours: float = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours)

    def org(self, name: str, policy: str, hosting: str = "hosted") -> Organization:
        return contracts.create_organization(
            self.actor, name=name, policy=policy, hosting=hosting, now=self.now
        )

    def contact(self, org: Organization, name: str, role: str, phone: str = "") -> Contact:
        email = f"{name.lower()}@{org.name.split()[0].lower()}.example"
        return contracts.create_contact(
            self.actor,
            organization=org.pk,
            name=name,
            role=role,
            email=email,
            phone=phone,
            now=self.now,
        )

    def entitle(self, org: Organization, kind: str, starts: date, ends: date | None) -> None:
        contracts.create_entitlement(
            self.actor, organization=org.pk, kind=kind, starts=starts, ends=ends, now=self.now
        )

    def request(
        self,
        who: Contact,
        level: str,
        channel: str,
        received: datetime,
        subject: str,
        description: str,
        request_type: str = "",
    ) -> Request:
        return intake.open_request(
            self.actor,
            contact=who.pk,
            channel=channel,
            level=level,
            subject=subject,
            description=description,
            received=received,
            request_type=request_type,
            now=self.now,
        )

    def reply(self, r: Request, at: datetime, body: str, public: bool = True) -> None:
        actions.post_message(self.actor, r.number, body=body, public=public, at=at, now=self.now)

    def status(self, r: Request, at: datetime, to: str) -> None:
        actions.change_status(self.actor, r.number, to=to, at=at, now=self.now)


@transaction.atomic
def _load(now: datetime) -> None:
    accounts.create_user(ADMIN, role="admin", can_import=True, now=now)
    accounts.create_user("aroha", role="agent", team="Tier 1", now=now)
    accounts.create_user("mika", role="manager", team="Tier 1", now=now)
    b = _Builder(staff(get_user_model().objects.get(username=ADMIN)), now)
    today = now.date()
    year_ago, in_a_year = today - timedelta(days=365), today + timedelta(days=365)

    # capella, hosted: a current agreement, a trial, a lapsed agreement.
    aroha = b.org(MARKER, "capella")
    hana = b.contact(aroha, "Hana", "administrator", "+64 4 555 0100")
    b.entitle(aroha, "support_agreement", year_ago, in_a_year)
    kea = b.org("Kea Trial Co", "capella")
    kiri = b.contact(kea, "Kiri", "administrator", "+64 4 555 0110")
    b.entitle(kea, "trial", today - timedelta(days=10), today + timedelta(days=20))
    moa = b.org("Moa Retail", "capella")
    manu = b.contact(moa, "Manu", "administrator", "+64 4 555 0120")
    b.entitle(moa, "support_agreement", year_ago - timedelta(days=365), year_ago)

    # capella, on premises: releases, designated contacts, a late update, an old release.
    releases = [
        lifecycle.add_release(
            b.actor,
            product="Capella System",
            version=f"5.{i}",
            released_on=today - timedelta(days=60 * (6 - i) + 50),
            now=now,
        )
        for i in range(7)
    ]
    tui = b.org("Tui Logistics", "capella", "on_premises")
    tama = b.contact(tui, "Tama", "administrator", "+64 9 555 0130")
    wiremu = b.contact(tui, "Wiremu", "user", "+64 9 555 0131")
    b.entitle(tui, "subscription", year_ago, None)
    contracts.set_designated_contact(b.actor, organization=tui.pk, contact=tama.pk, now=now)
    inst = lifecycle.set_installation(b.actor, organization=tui.pk, release=releases[5].pk, now=now)
    lifecycle.record_delivery(
        b.actor,
        installation=inst.pk,
        release=releases[6].pk,
        received_on=today - timedelta(days=45),
        now=now,
    )
    weta = b.org("Weta Works", "capella", "on_premises")
    wai = b.contact(weta, "Wai", "administrator", "+64 3 555 0140")
    b.entitle(weta, "support_agreement", year_ago, in_a_year)
    contracts.set_designated_contact(b.actor, organization=weta.pk, contact=wai.pk, now=now)
    lifecycle.set_installation(b.actor, organization=weta.pk, release=releases[1].pk, now=now)

    # capsure: administrators with an agreement, end users per incident, a lapsed customer.
    harbor = b.org("Harbor Point HOA", "capsure")
    dana = b.contact(harbor, "Dana", "administrator", "+1 212 555 0150")
    gus = b.contact(harbor, "Gus", "guard", "+1 212 555 0151")
    rita = b.contact(harbor, "Rita", "resident", "+1 212 555 0152")
    b.entitle(harbor, "support_agreement", year_ago, in_a_year)
    cedar = b.org("Cedar Gate Estates", "capsure")
    cole = b.contact(cedar, "Cole", "administrator", "+1 305 555 0160")
    b.entitle(cedar, "support_agreement", year_ago - timedelta(days=365), year_ago)

    # Requests in every state.
    b.request(
        hana,
        "urgent",
        "email",
        b.ago(hours=2),
        "Invoices screen hangs",
        "Opening Invoices freezes the app for every user since this morning.",
    )
    waiting = b.request(
        hana,
        "high",
        "portal",
        b.ago(days=3),
        "Export drops rows",
        "CSV export of the ledger misses the last rows.",
    )
    b.reply(waiting, b.ago(days=2, hours=23), "Could you send us the export settings you use?")
    b.status(waiting, b.ago(days=2, hours=23), "waiting_on_customer")
    worked = b.request(
        hana,
        "medium",
        "email",
        b.ago(days=6),
        "Totals off by a cent",
        "Rounding in the monthly totals differs from the detail lines.",
    )
    b.reply(worked, b.ago(days=5, hours=20), "Thanks, we can reproduce it.")
    b.reply(worked, b.ago(days=5, hours=19), "Rounding is configured per ledger.", public=False)
    b.status(worked, b.ago(days=4), "workaround_provided")
    done = b.request(
        hana,
        "low",
        "portal",
        b.ago(days=12),
        "Typo on the login page",
        "The login page says 'pasword'.",
    )
    b.reply(done, b.ago(days=11), "Fixed in the next release, thank you.")
    b.status(done, b.ago(days=10), "resolved")
    b.status(done, b.ago(days=9), "closed")
    b.request(
        hana,
        "urgent",
        "email",
        b.ago(days=5),
        "Sync stopped",
        "Branch sync has not run since the weekend.",
    )
    b.request(
        hana,
        "medium",
        "portal",
        b.ago(days=1),
        "Please reset my password",
        "I forgot my password and cannot log in.",
        request_type="password_reset",  # chosen in the portal: excluded at once
    )
    b.request(  # read from the text: a suggestion on the Triage page, targets running
        hana,
        "medium",
        "email",
        b.ago(hours=5),
        "New label printer",
        "Hi, we bought a new label printer for the warehouse. Can you help us set it up?",
    )
    several = b.request(
        hana,
        "medium",
        "email",
        b.ago(days=1, hours=3),
        "Two problems",
        "Reports are slow, and the logo is blurry on invoices.",
    )
    splitting.split(
        b.actor,
        several.number,
        parts=[
            splitting.Part(
                "Logo blurry on invoices", "The logo is blurry on printed invoices.", "low"
            )
        ],
        now=now,
    )
    duplicate = b.request(
        hana,
        "urgent",
        "phone",
        b.ago(hours=1),
        "Invoices hang (call)",
        "Called about the Invoices screen freezing.",
    )
    restructure.merge(b.actor, duplicate.number, into=several.number, now=now)
    b.request(
        kiri,
        "medium",
        "portal",
        b.ago(days=2),
        "How do I add users?",
        "During the trial we want to add three more users.",
    )
    b.request(
        manu,
        "high",
        "email",
        b.ago(days=1),
        "Stock counts wrong",
        "Stock counts do not match after the last import.",
    )
    b.request(
        wiremu, "high", "email", b.ago(days=1), "Slow search", "Searching shipments takes a minute."
    )
    b.request(
        wai,
        "urgent",
        "phone",
        b.ago(hours=5),
        "Crash on start",
        "The server crashes on start after a power cut.",
    )

    b.request(
        dana,
        "sev1",
        "phone",
        b.ago(hours=1),
        "All gates offline",
        "No client can open the gates; the whole site is affected.",
    )
    sev3 = b.request(
        dana,
        "sev3",
        "email",
        b.ago(days=4),
        "Report header misaligned",
        "The visitor report header is shifted.",
    )
    b.reply(sev3, b.ago(days=3, hours=20), "Thanks Dana, scheduled for the next release.")
    b.status(sev3, b.ago(days=1), "resolved")
    b.request(
        gus,
        "sev2",
        "phone",
        b.ago(hours=3),
        "Guard tablet cannot log in",
        "The guard tablet at the north gate rejects every login.",
    )
    paid = b.request(
        rita,
        "sev3",
        "email",
        b.ago(days=2),
        "Visitor pass not received",
        "My visitor never received the pass.",
    )
    restructure.accept_per_incident(
        b.actor, paid.number, accepted_by="Rita by phone", at=b.ago(days=1, hours=23), now=now
    )
    b.request(
        cole,
        "sev2",
        "phone",
        b.ago(hours=6),
        "Plate reader down",
        "The licence plate reader stopped reading plates.",
    )
