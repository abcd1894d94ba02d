"""The people and contracts the desk tests share, built through the services.

Two policies side by side: capella (Pacific/Auckland, 09:00-17:00) and
capsure (America/New_York, 08:30-17:30). Instants are written in local time
of the policy they concern, so each can be checked by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from accord.accounts import services as accounts
from accord.accounts.actor import SYSTEM, Actor, staff
from accord.contracts import services as contracts
from accord.contracts.models import Contact, Organization

NZ = ZoneInfo("Pacific/Auckland")
NY = ZoneInfo("America/New_York")


def nz(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=NZ)


def ny(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=NY)


@dataclass
class Desk:
    lead: Actor  # admin with the import permission
    agent: Actor  # plain agent, server clock only
    lead_token: str
    agent_token: str
    kiwi: Organization  # capella, hosted, current support agreement
    mere: Contact  # kiwi's administrator (designated contact elsewhere n/a)
    mere_token: str
    lapsed: Organization  # capella, agreement ended
    lapsed_contact: Contact
    gate: Organization  # capsure, hosted, current agreement
    sam: Contact  # gate's authorised administrator
    gil: Contact  # gate's guard: an end user, supported per incident
    other: Organization  # capella, another customer, for isolation tests
    olga: Contact
    olga_token: str


def build_desk(now: datetime) -> Desk:
    lead_user = accounts.create_user("lead", role="admin", can_import=True, now=now)
    agent_user = accounts.create_user("agent", role="agent", team="tier1", now=now)
    lead, agent = staff(lead_user), staff(agent_user)
    kiwi = contracts.create_organization(
        lead, name="Kiwi Ltd", policy="capella", hosting="hosted", now=now
    )
    mere = contracts.create_contact(
        lead,
        organization=kiwi.pk,
        name="Mere",
        role="administrator",
        email="mere@kiwi.example",
        phone="+64 4 555 0101",
        now=now,
    )
    contracts.create_entitlement(
        lead,
        organization=kiwi.pk,
        kind="support_agreement",
        starts=date(2026, 1, 1),
        ends=date(2027, 12, 31),
        now=now,
    )
    lapsed = contracts.create_organization(
        lead, name="Lapsed Ltd", policy="capella", hosting="hosted", now=now
    )
    lapsed_contact = contracts.create_contact(
        lead,
        organization=lapsed.pk,
        name="Lou",
        role="administrator",
        email="lou@lapsed.example",
        phone="+64 4 555 0102",
        now=now,
    )
    contracts.create_entitlement(
        lead,
        organization=lapsed.pk,
        kind="support_agreement",
        starts=date(2025, 1, 1),
        ends=date(2026, 10, 31),
        now=now,
    )
    gate = contracts.create_organization(
        lead, name="Gatehouse HOA", policy="capsure", hosting="hosted", now=now
    )
    sam = contracts.create_contact(
        lead,
        organization=gate.pk,
        name="Sam",
        role="administrator",
        email="sam@gate.example",
        phone="+1 212 555 0100",
        now=now,
    )
    gil = contracts.create_contact(
        lead,
        organization=gate.pk,
        name="Gil",
        role="guard",
        email="gil@gate.example",
        now=now,
    )
    contracts.create_entitlement(
        lead,
        organization=gate.pk,
        kind="support_agreement",
        starts=date(2026, 1, 1),
        ends=None,
        now=now,
    )
    other = contracts.create_organization(
        lead, name="Other Ltd", policy="capella", hosting="hosted", now=now
    )
    olga = contracts.create_contact(
        lead,
        organization=other.pk,
        name="Olga",
        role="administrator",
        email="olga@other.example",
        phone="+64 4 555 0199",
        now=now,
    )
    contracts.create_entitlement(
        lead,
        organization=other.pk,
        kind="subscription",
        starts=date(2026, 1, 1),
        ends=None,
        now=now,
    )
    return Desk(
        lead=lead,
        agent=agent,
        lead_token=accounts.create_token(user="lead", now=now),
        agent_token=accounts.create_token(user="agent", now=now),
        kiwi=kiwi,
        mere=mere,
        mere_token=accounts.create_token(contact=mere.pk, now=now),
        lapsed=lapsed,
        lapsed_contact=lapsed_contact,
        gate=gate,
        sam=sam,
        gil=gil,
        other=other,
        olga=olga,
        olga_token=accounts.create_token(contact=olga.pk, now=now),
    )


__all__ = ["SYSTEM", "Desk", "build_desk", "nz", "ny", "NZ", "NY"]
