"""A merge keeps the earliest notice: a 22:00 voicemail merged into the morning's email."""

from __future__ import annotations

from .personas import ny


def open_(api, contact: int, channel: str, received, subject: str) -> str:
    r = api.post(
        "/requests",
        {
            "contact": contact,
            "channel": channel,
            "level": "sev2",
            "subject": subject,
            "description": "The gate controller is down.",
            "received": received.isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    return r.json()["number"]


def test_the_morning_email_takes_the_notice_of_last_nights_voicemail(desk, api_as, clock):
    lead = api_as(desk.lead_token)
    sam = desk.sam.pk
    clock.set(ny(2026, 11, 19, 22, 30))
    voicemail = open_(lead, sam, "voicemail", ny(2026, 11, 19, 22, 0), "Voicemail from Sam")
    clock.set(ny(2026, 11, 20, 9, 30))
    email = open_(lead, sam, "email", ny(2026, 11, 20, 9, 0), "Gate controller down")
    before = lead.get(f"/requests/{email}").json()
    assert before["notice"] == ny(2026, 11, 20, 9, 0).isoformat() and before["in_hours"]

    merged = lead.post(f"/requests/{voicemail}/merge", {"into": email})
    assert merged.status_code == 200, merged.content
    after = lead.get(f"/requests/{email}").json()
    assert after["notice"] == ny(2026, 11, 19, 22, 0).isoformat()
    assert after["in_hours"] is False and after["channel"] == "voicemail"
    # CapSure sev2 after hours: 8 hours elapsed from 22:00, so due 06:00 and broken.
    first = after["targets"]["first_response"]
    assert first["due"] == ny(2026, 11, 20, 6, 0).isoformat()
    assert first["state"] == "breached"
    event = next(e for e in after["events"] if e["kind"] == "merged_from")
    assert event["to"] == voicemail.removeprefix("SR-")


def test_merging_a_later_duplicate_leaves_the_earlier_notice_alone(desk, api_as, clock):
    lead = api_as(desk.lead_token)
    sam = desk.sam.pk
    clock.set(ny(2026, 11, 20, 9, 30))
    first = open_(lead, sam, "phone", ny(2026, 11, 20, 8, 45), "Gate down")
    later = open_(lead, sam, "email", ny(2026, 11, 20, 9, 10), "Re: Gate down")
    assert lead.post(f"/requests/{later}/merge", {"into": first}).status_code == 200
    after = lead.get(f"/requests/{first}").json()
    assert after["notice"] == ny(2026, 11, 20, 8, 45).isoformat() and after["channel"] == "phone"
