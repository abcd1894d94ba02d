"""The desk's releases page: late updates, unsupported installations, adding a release."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.utils import timezone

from accord.contracts import releases as lifecycle
from accord.contracts import services as contracts
from accord.contracts.models import Release
from accord.web.views.releases import installations_section
from accord.worker.tasks import release_lifecycle


def onprem(lead, name="Onprem"):
    """An on-premises capella customer on 7.0 of 7.0-7.5, with 7.5 delivered in June."""
    org = contracts.create_organization(lead, name=name, policy="capella", hosting="on_premises")
    rels = [
        lifecycle.add_release(
            lead, product="Capella System", version=f"7.{i}", released_on=date(2026, 1 + i, 1)
        )
        for i in range(6)
    ]
    inst = lifecycle.set_installation(lead, organization=org.pk, release=rels[0].pk)
    lifecycle.record_delivery(
        lead, installation=inst.pk, release=rels[5].pk, received_on=date(2026, 6, 10)
    )
    return org, rels


def test_it_lists_late_and_unsupported_installations(desk, agent_client):
    org, _ = onprem(desk.lead)
    release_lifecycle(now=timezone.now())
    page = agent_client.get("/releases/").content.decode()
    assert 'data-delivery="' in page and "Onprem" in page
    assert "Capella System 7.0" in page and "7.5, 7.4, 7.3, 7.2" in page
    section = installations_section(org, timezone.now())
    (row,) = section["installations"]
    assert row["unsupported"] is not None and row["deliveries"][0].is_late


def test_it_adds_a_release_and_names_the_field_on_bad_input(desk, agent_client):
    refused = agent_client.post(
        "/releases/", {"product": "Capella System", "version": "8.0", "available": "2027-01-05"}
    )
    assert refused.status_code in (403, 422) and not Release.objects.filter(version="8.0")
    client = Client()
    client.force_login(desk.lead.user)  # releases are contracts, an admin's (docs/roles.md)
    ok = client.post(
        "/releases/", {"product": "Capella System", "version": "8.0", "available": "2027-01-05"}
    )
    assert ok.status_code == 302
    page = client.get("/releases/").content.decode()
    assert 'data-version="8.0"' in page and "Announced" in page
    dup = client.post(
        "/releases/", {"product": "Capella System", "version": "8.0", "available": "2027-01-05"}
    )
    assert dup.status_code == 422 and "already exists" in dup.content.decode()
    bad = client.post(
        "/releases/", {"product": "Capella System", "version": "8.1", "available": "soon"}
    )
    assert bad.status_code == 422 and "Enter a valid date" in bad.content.decode()
