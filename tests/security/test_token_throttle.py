"""A storm of wrong bearer tokens from one source is slowed down with 429."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from accord.accounts import services as accounts
from accord.accounts.models import ApiToken
from accord.accounts.throttle import TOKEN_FAILURES


def _get(token: str, ip: str = "203.0.113.7"):
    return Client().get(
        "/api/v1/requests", headers={"Authorization": f"Bearer {token}"}, REMOTE_ADDR=ip
    )


def test_it_answers_429_after_too_many_wrong_tokens_from_one_source(ana: User) -> None:
    good = accounts.create_token(user="ana")
    for i in range(TOKEN_FAILURES):
        answer = _get(f"acc_guess{i}")
        assert answer.status_code == 401, i
        assert answer.json()["field"] == "Authorization"
    throttled = _get("acc_guess-more")
    assert throttled.status_code == 429
    assert throttled.json()["field"] == "Authorization"
    assert 0 < int(throttled["Retry-After"]) <= 60
    # The source is slowed down whatever it sends, even a good token...
    assert _get(good).status_code == 429
    # ...while another source with the good token is served.
    assert _get(good, ip="198.51.100.9").status_code == 200


def test_it_records_when_a_token_was_last_used(ana: User) -> None:
    secret = accounts.create_token(user="ana")
    assert ApiToken.objects.get().last_used is None
    assert _get(secret).status_code == 200
    used = ApiToken.objects.get().last_used
    assert used is not None
    assert _get(secret).status_code == 200
    assert ApiToken.objects.get().last_used == used  # refreshed at most once a minute
