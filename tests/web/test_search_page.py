"""The search page behind the top bar's box (the query function is tested in tests/desk)."""

from __future__ import annotations

from desk.personas import Desk
from django.test import Client

from accord.tickets import actions

from .conftest import OpenRequest


def test_the_top_bar_has_the_search_box(agent_client: Client) -> None:
    html = agent_client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html


def test_it_lists_ranked_hits_with_marked_passages(
    agent_client: Client, open_req: OpenRequest, desk: Desk
) -> None:
    pay = open_req(subject="Payments page is down")
    vpn = open_req(subject="VPN drops", description="Tunnel resets.")
    actions.post_message(desk.lead, vpn.number, body="Payments are unaffected by the VPN.")
    res = agent_client.get("/search/", {"q": "payments"})
    assert res.status_code == 200
    html = res.content.decode()
    assert html.index(f'data-number="{pay.display_number}"') < html.index(
        f'data-number="{vpn.display_number}"'
    )
    assert "<mark>Payments</mark>" in html
    assert 'value="payments"' in html  # the box keeps the query


def test_it_pages_results(agent_client: Client, open_req: OpenRequest) -> None:
    made = [open_req(subject=f"Printer {i} jammed") for i in range(27)]
    first = agent_client.get("/search/", {"q": "printer"}).content.decode()
    assert first.count('class="hit"') == 25 and 'rel="next"' in first
    second = agent_client.get("/search/", {"q": "printer", "page": "2"}).content.decode()
    assert second.count('class="hit"') == 2 and 'rel="prev"' in second
    shown = {n.display_number for n in made if n.display_number in first + second}
    assert len(shown) == 27


def test_no_match_and_bad_input(agent_client: Client, open_req: OpenRequest) -> None:
    open_req()
    assert "No request matches" in agent_client.get("/search/", {"q": "zzzz"}).content.decode()
    res = agent_client.get("/search/", {"q": "x" * 201})
    assert res.status_code == 400 and "q: at most 200 characters" in res.content.decode()
    res = agent_client.get("/search/", {"q": "pay", "page": "0"})
    assert res.status_code == 400 and "page: expected a page number" in res.content.decode()


def test_search_needs_a_login(client: Client) -> None:
    res = client.get("/search/", {"q": "x"})
    assert res.status_code == 302 and res["Location"].startswith("/login/")
