"""Optional TOTP second factor for staff logins (django-otp's TOTP devices).

A staff user has at most one device. `start` makes an unconfirmed one (a new
secret, shown to the user); it is not required at login until `confirm` has
checked a code from the user's app, so a half-finished enrolment never locks
anyone out. `turn_off` needs a current code; an administrator's `reset` does not
(the user lost the phone). Each change is one atomic call that audits it.

Codes are checked by django-otp (`TOTPDevice.verify_token`): 30-second steps,
one step of clock drift either way, a code used once is refused again (replay),
and every failure doubles a per-device delay before the next code is even
looked at (`OTP_TOTP_THROTTLE_FACTOR`), reset by a right code. The login page
additionally counts wrong codes as failed logins for django-axes (web/views/auth.py).
"""

from __future__ import annotations

from base64 import b32encode
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accord.accounts.actor import SYSTEM, Actor
from accord.accounts.permissions import USERS, require
from accord.audit.services import record
from accord.errors import Invalid

DEVICE_NAME = "authenticator app"
WRONG = "that code is not right (or it was used already); try the next one"


def device(user: User) -> TOTPDevice | None:
    """The user's confirmed device (the one login asks a code for), or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending(user: User) -> TOTPDevice | None:
    """A device started but not confirmed yet: shown on the page, not asked at login."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def secret(dev: TOTPDevice) -> str:
    """The key as an authenticator app takes it by hand: base32, no padding."""
    return b32encode(dev.bin_key).decode().rstrip("=")


def _clean(code: str) -> str:
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        raise Invalid("code", "enter the 6 digits your authenticator app shows")
    return code


def check(dev: TOTPDevice, code: str) -> bool:
    """Whether `code` is a current code of `dev` (throttled and replay-safe by django-otp)."""
    try:
        token = _clean(code)
    except Invalid:
        return False
    return bool(dev.verify_token(token))


@transaction.atomic
def start(user: User, *, actor: Actor = SYSTEM, now: datetime | None = None) -> TOTPDevice:
    """A new unconfirmed device with a fresh secret (any earlier unconfirmed one goes)."""
    now = now or timezone.now()
    if device(user) is not None:
        raise Invalid("code", "two-step login is on already; turn it off first")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    dev = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    record(actor, "user.totp_start", user, now)
    return dev


def confirm(user: User, code: str, *, actor: Actor = SYSTEM, now: datetime | None = None) -> None:
    """Make the pending device required at login, once the app shows a matching code.

    The code is checked before the transaction, so a wrong one's throttle count
    (saved by django-otp) is kept rather than rolled back with the refusal."""
    dev = pending(user)
    if dev is None:
        raise Invalid("code", "start again: there is no key waiting to be confirmed")
    _clean(code)
    if not check(dev, code):
        raise Invalid("code", WRONG)
    _turn_on(dev, actor, now or timezone.now())


@transaction.atomic
def _turn_on(dev: TOTPDevice, actor: Actor, now: datetime) -> None:
    TOTPDevice.objects.filter(pk=dev.pk).update(confirmed=True)
    record(actor, "user.totp_on", dev.user, now)


def turn_off(user: User, code: str, *, actor: Actor = SYSTEM, now: datetime | None = None) -> None:
    """The user turns their own second factor off, proving they still hold it."""
    dev = device(user)
    if dev is None:
        raise Invalid("code", "two-step login is not on")
    _clean(code)
    if not check(dev, code):
        raise Invalid("code", WRONG)
    _remove(user, actor, now or timezone.now())


@transaction.atomic
def _remove(user: User, actor: Actor, now: datetime) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    record(actor, "user.totp_off", user, now)


@transaction.atomic
def reset(name: str, *, actor: Actor = SYSTEM, now: datetime | None = None) -> int:
    """An administrator removes a user's devices (lost phone); returns how many went.

    Needs the users permission (the CLI acts as the system, which holds it)."""
    now = now or timezone.now()
    require(actor, USERS, field="user")
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise Invalid("user", f"no user {name!r}")
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    record(actor, "user.totp_reset", user, now, devices=removed)
    return removed
