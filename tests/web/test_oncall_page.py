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
