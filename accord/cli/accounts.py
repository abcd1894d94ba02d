"""`accord user` and `accord token`: staff logins and API tokens.

Handlers parse arguments and call accord.accounts.services; a refused value
prints one line naming the field and exits 1. Passwords are read from the first
line of standard input (`--password-stdin`), never from the command line, where
other users of the machine could read them in the process list.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from accord.cli.desk import _guarded

ROLES = ["agent", "manager", "admin"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    user = sub.add_parser("user", help="manage staff users")
    cmds = user.add_subparsers(dest="user_command", required=True, metavar="SUBCOMMAND")
    create = cmds.add_parser("create", help="create a staff user")
    create.add_argument("name")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument(
        "--import",
        dest="can_import",
        action="store_true",
        help="may give past instants through the API (migrating history)",
    )
    create.add_argument("--team", help="team name (created if new)")
    create.add_argument("--email", help="where password-reset links go")
    _password_stdin(create, "read a password for the web desk from the first line of stdin")
    create.set_defaults(handler=_guarded(run_user_create))

    listing = cmds.add_parser("list", help="list users with role, team, state and last login")
    listing.set_defaults(handler=_guarded(run_user_list))

    role = cmds.add_parser("set-role", help="change a user's role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(handler=_guarded(run_user_set_role))

    password = cmds.add_parser("set-password", help="set a user's password (read from stdin)")
    password.add_argument("name")
    password.set_defaults(handler=_guarded(run_user_set_password), password_stdin=True)

    email = cmds.add_parser("set-email", help="set the address password-reset links go to")
    email.add_argument("name")
    email.add_argument("email")
    email.set_defaults(handler=_guarded(run_user_set_email))

    edit = cmds.add_parser("set", help="change a staff user's alert address")
    edit.add_argument("name")
    edit.add_argument("--email", required=True, help='the new address ("" removes it)')
    edit.set_defaults(handler=_guarded(run_user_set))
    alerts = cmds.add_parser("alerts", help="show or choose a staff user's alert mail")
    alerts.add_argument("name")
    alerts.add_argument(
        "--events",
        help="comma-separated alert events to mail (empty: none; 'all': every one)",
    )
    alerts.add_argument(
        "--digest",
        choices=["on", "off"],
        help="on: one mail per period (ACCORD_ALERT_DIGEST_MINUTES) instead of one per alert",
    )
    alerts.set_defaults(handler=_guarded(run_user_alerts))

    for verb, active in (("deactivate", False), ("activate", True)):
        cmd = cmds.add_parser(
            verb,
            help="stop a login and its tokens (never deleted)" if not active else "undo deactivate",
        )
        cmd.add_argument("name")
        cmd.set_defaults(handler=_guarded(run_user_set_active), active=active)

    unlock = cmds.add_parser("unlock", help="lift a login lockout (failed-login throttling)")
    target = unlock.add_mutually_exclusive_group(required=True)
    target.add_argument("name", nargs="?")
    target.add_argument("--address", help="a source IP address instead of a user")
    unlock.set_defaults(handler=_guarded(run_user_unlock))

    set_totp = cmds.add_parser(
        "set-totp", help="turn a user's two-step login (TOTP) off, e.g. after a lost phone"
    )
    set_totp.add_argument("name")
    set_totp.add_argument(
        "--off", action="store_true", required=True, help="remove the user's devices"
    )
    set_totp.set_defaults(handler=_guarded(run_user_set_totp))

    token = sub.add_parser("token", help="manage API tokens")
    tcmds = token.add_subparsers(dest="token_command", required=True, metavar="SUBCOMMAND")
    tcreate = tcmds.add_parser("create", help="create a token and print it (shown only once)")
    owner = tcreate.add_mutually_exclusive_group(required=True)
    owner.add_argument("--user", help="a staff user's name")
    owner.add_argument("--contact", type=int, help="a customer contact's id (customer-scoped)")
    tcreate.set_defaults(handler=_guarded(run_token_create))
    tlist = tcmds.add_parser("list", help="list tokens: id, prefix, owner, created, last used")
    tlist.add_argument("--all", action="store_true", help="include revoked tokens")
    tlist.set_defaults(handler=_guarded(run_token_list))
    revoke = tcmds.add_parser("revoke", help="stop a token from working")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(handler=_guarded(run_token_revoke))


def _password_stdin(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--password-stdin", action="store_true", help=text)


def _read_password() -> str | None:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("accord: --password-stdin: the first line of input is empty", file=sys.stderr)
        return None
    return password


def _when(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC") if t else "-"


def run_user_create(args: argparse.Namespace) -> int:
    from accord.accounts.services import create_user, set_email

    password = None
    if args.password_stdin:
        password = _read_password()
        if password is None:
            return 1
    user = create_user(
        args.name, role=args.role, can_import=args.can_import, team=args.team, password=password
    )
    if args.email:
        set_email(user.get_username(), args.email)
    extra = ", may import history" if args.can_import else ""
    print(f"created {args.role} {user.get_username()}{extra}")
    return 0


def run_user_list(args: argparse.Namespace) -> int:
    from accord.accounts.services import list_users

    print(f"{'NAME':<20} {'ROLE':<8} {'TEAM':<14} {'STATE':<8} {'LAST LOGIN':<21} EMAIL")
    for u in list_users():
        state = "active" if u.active else "inactive"
        print(
            f"{u.name:<20} {u.role or '-':<8} {u.team or '-':<14} {state:<8} "
            f"{_when(u.last_login):<21} {u.email or '-'}"
        )
    return 0


def run_user_set_role(args: argparse.Namespace) -> int:
    from accord.accounts.services import set_role

    set_role(args.name, args.role)
    print(f"{args.name} is now {args.role}")
    return 0


def run_user_set_password(args: argparse.Namespace) -> int:
    from accord.accounts.services import set_password

    password = _read_password()
    if password is None:
        return 1
    set_password(args.name, password)
    print(f"password of {args.name} changed")
    return 0


def run_user_set_email(args: argparse.Namespace) -> int:
    from accord.accounts.services import set_email

    set_email(args.name, args.email)
    print(f"email of {args.name} is now {args.email}")
    return 0


def run_user_set(args: argparse.Namespace) -> int:
    from accord.accounts.services import set_email

    user = set_email(args.name, args.email)
    print(f"{user.get_username()}: alerts go to {user.email or '(no address: none are mailed)'}")
    return 0


def run_user_alerts(args: argparse.Namespace) -> int:
    from accord.notify.preferences import (
        alert_digest,
        alert_events,
        set_alert_digest,
        set_alert_events,
    )

    if args.events is not None:
        set_alert_events(args.name, args.events)
    if args.digest is not None:
        set_alert_digest(args.name, args.digest == "on")
    mode = " (in a digest)" if alert_digest(args.name) else ""
    print(f"{args.name}: {', '.join(alert_events(args.name)) or '(no alert mail)'}{mode}")
    return 0


def run_user_set_active(args: argparse.Namespace) -> int:
    from accord.accounts.services import set_active

    set_active(args.name, args.active)
    print(f"{args.name} {'activated' if args.active else 'deactivated'}")
    return 0


def run_user_unlock(args: argparse.Namespace) -> int:
    from accord.accounts.services import unlock

    cleared = unlock(args.name, address=args.address)
    print(f"{args.name or args.address}: {cleared} failed-login record(s) cleared")
    return 0


def run_user_set_totp(args: argparse.Namespace) -> int:
    from accord.accounts.totp import reset

    removed = reset(args.name)
    state = "turned off" if removed else "was not set up; nothing to turn off"
    print(f"{args.name}: two-step login {state}")
    return 0


def run_token_create(args: argparse.Namespace) -> int:
    from accord.accounts.services import create_token

    print(create_token(user=args.user, contact=args.contact))
    return 0


def run_token_list(args: argparse.Namespace) -> int:
    from accord.accounts.services import list_tokens

    print(f"{'ID':>5} {'PREFIX':<12} {'OWNER':<24} {'CREATED':<21} {'LAST USED':<21} REVOKED")
    for t in list_tokens(include_revoked=args.all):
        print(
            f"{t.id:>5} {t.prefix:<12} {t.owner:<24} {_when(t.created):<21} "
            f"{_when(t.last_used):<21} {_when(t.revoked)}"
        )
    return 0


def run_token_revoke(args: argparse.Namespace) -> int:
    from accord.accounts.services import revoke_token

    token = revoke_token(args.id)
    print(f"token {token.pk} ({token.prefix}…) revoked")
    return 0
