"""Who gets in: staff with a desk profile; the report is for managers and admins."""

from __future__ import annotations

import pytest
from desk.personas import Desk
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from .conftest import PASSWORD, OpenRequest, login


@pytest.mark.parametrize("path", ["/", "/queue/rows/", "/report/", "/requests/SR-1001/"])
def test_it_sends_anonymous_visitors_to_the_login_page(desk: Desk, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_it_refuses_an_anonymous_action_and_stores_nothing(
    desk: Desk, open_req: OpenRequest
) -> None:
    req = open_req()
    before = req.events.count()
    response = Client().post(f"/requests/{req.display_number}/reply/", {"reply-body": "hi"})
    assert response.status_code == 302
    assert req.events.count() == before


def test_it_logs_in_with_a_password_and_lands_on_the_queue(manager: User) -> None:
    client = Client()
    page = client.get("/login/")
    assert page.status_code == 200
    assert b'name="password"' in page.content
    response = client.post("/login/", {"username": "mia", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert b"Due next" in response.content
    assert b"mia" in response.content


def test_it_refuses_a_wrong_password_with_a_message(manager: User) -> None:
    response = Client().post("/login/", {"username": "mia", "password": "wrong"})
    assert response.status_code == 200  # Django's LoginView re-renders the form
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in Client().session


def test_it_refuses_a_login_without_a_desk_profile(desk: Desk) -> None:
    outsider = get_user_model().objects.create_user(username="outsider", password=PASSWORD)
    response = login(outsider).get("/")
    assert response.status_code == 403


def test_it_shows_the_report_only_to_managers_and_admins(
    agent_client: Client, manager_client: Client, desk: Desk
) -> None:
    assert agent_client.get("/report/").status_code == 403
    assert b'href="/reports/"' not in agent_client.get("/").content
    assert agent_client.get("/reports/").status_code == 403
    assert manager_client.get("/report/").status_code == 200
    assert b'href="/reports/"' in manager_client.get("/").content
    assert desk.lead.user is not None
    assert login(desk.lead.user).get("/report/").status_code == 200


def test_it_logs_out_with_a_post(agent_client: Client) -> None:
    response = agent_client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert agent_client.get("/").status_code == 302


def test_it_answers_404_for_an_unknown_request(agent_client: Client) -> None:
    assert agent_client.get("/requests/SR-999999/").status_code == 404
    assert agent_client.get("/requests/not-a-number/").status_code == 404


def test_it_answers_404_for_an_unknown_action(agent_client: Client, open_req: OpenRequest) -> None:
    req = open_req()
    before = req.events.count()
    response = agent_client.post(f"/requests/{req.display_number}/explode/", {})
    assert response.status_code == 404
    assert req.events.count() == before


def test_it_refuses_a_post_without_the_csrf_token(desk: Desk, open_req: OpenRequest) -> None:
    req = open_req()
    before = req.events.count()
    client = Client(enforce_csrf_checks=True)
    assert desk.agent.user is not None
    client.force_login(desk.agent.user)
    response = client.post(f"/requests/{req.display_number}/reply/", {"reply-body": "hi"})
    assert response.status_code == 403
    assert req.events.count() == before
