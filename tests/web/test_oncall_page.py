"""The On call page's forms as each role: agents see the rota and acknowledge, managers
change it; a refusal names the field and stores nothing."""

from __future__ import annotations

from typing import Any

from accord.notify.models import OnCallShift


def test_an_agent_sees_the_rota_but_cannot_change_it(agent_client: Any) -> None:
    page = agent_client.get("/oncall/")
    assert page.status_code == 200 and b'id="add-shift"' not in page.content
    form = {"user": "agent", "starts": "2026-11-19 18:00", "ends": "2026-11-20 08:00"}
    refused = agent_client.post("/oncall/shifts/", form)
    assert refused.status_code == 403 and b"only managers and administrators" in refused.content
    assert not OnCallShift.objects.exists()


def test_a_manager_adds_a_rotation_and_bad_input_names_its_field(manager_client: Any) -> None:
    form = {"name": "nights", "members": "agent, nobody", "starts": "2026-11-23 09:00",
            "weeks": "2", "policy": "capsure", "team": ""}  # fmt: skip
    refused = manager_client.post("/oncall/rotations/", form)
    assert refused.status_code == 422 and b'data-field="members"' in refused.content
    assert not OnCallShift.objects.exists()
    made = manager_client.post("/oncall/rotations/", {**form, "members": "agent, mia"})
    assert made.status_code == 302
    assert [s.user.username for s in OnCallShift.objects.order_by("starts")] == ["agent", "mia"]
    shift = OnCallShift.objects.order_by("starts").first()
    assert shift is not None
    assert manager_client.post(f"/oncall/shifts/{shift.pk}/remove/").status_code == 302
    assert manager_client.post("/oncall/shifts/99999/remove/").status_code == 404
    assert manager_client.post("/pages/99999/ack/").status_code == 404


def test_the_report_shows_pages_that_found_nobody_on_call(
    desk: Any, manager_client: Any, clock: Any
) -> None:
    from accord.tickets import intake
    from accord.worker.tasks import alert

    intake.open_request(
        desk.lead, contact=desk.sam.pk, channel="phone", level="sev1", subject="Gate down",
        description="Nothing opens.",
    )  # fmt: skip
    alert(clock.at)  # Thursday 22:30 in New York, nobody on call: the managers are paged
    report = manager_client.get("/reports/")
    assert report.status_code == 200
    assert b'data-nobody="1"' in report.content and b"found nobody on call" in report.content
