"""The portal never records a channel or an instant the customer claims (issue 7, trust)."""

from __future__ import annotations

from datetime import timedelta

from desk.personas import Desk
from django.utils import timezone

from accord.tickets.models import Request

from .conftest import SignedIn
from .test_portal_http import submit


def test_a_portal_submission_claiming_voicemail_last_night_is_a_portal_request_now(
    desk: Desk, portal: SignedIn
) -> None:
    last_night = (timezone.now() - timedelta(hours=10)).isoformat()
    before = timezone.now()
    resp = submit(portal(desk.mere), channel="voicemail", received=last_night)
    assert resp.status_code == 302, resp.content[:500]
    req = Request.objects.get()
    assert req.channel == "portal"
    assert req.received >= before  # the server's clock, not the claim
