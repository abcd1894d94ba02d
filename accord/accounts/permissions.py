"""Who may do what: the desk's roles and permissions in one table.

docs/roles.md shows the same table with every API operation and desk page
that checks it; tests/desk/test_role_table.py walks it through the API.

Roles are cumulative: a manager may do everything an agent may, an admin
everything a manager may. Customers (contact tokens) hold none of these
permissions; what they may do on their own organisation's requests is checked
by the services themselves. The system (mail intake, the worker, the demo)
acts with every permission. The import permission (past and rehearsed
instants) is not here: it is granted to a user explicitly, never by a role.
"""

from __future__ import annotations

from accord.accounts.actor import Actor
from accord.errors import Forbidden

WORK = "work requests"  # open, reply, status, level, assign, calls, scope, split, merge
REPORTS = "reports"  # the manager report, request billing summaries
BILLING = "billing"  # billing records of a request as a whole
CONTRACTS = "contracts"  # organisations, contacts, entitlements, releases, installations
USERS = "users"  # staff users
TOKENS = "tokens"  # API tokens, customer tokens included
CONFIGURATION = "configuration"  # the admin site: support addresses, IMAP, policies
REPAIR = "repair"  # void a wrong event of a request's log (tickets/void.py)

ROLES: dict[str, frozenset[str]] = {
    "agent": frozenset({WORK}),
    "manager": frozenset({WORK, REPORTS, BILLING}),
    "admin": frozenset({WORK, REPORTS, BILLING, CONTRACTS, USERS, TOKENS, CONFIGURATION, REPAIR}),
}
PERMISSIONS: tuple[str, ...] = (
    WORK,
    REPORTS,
    BILLING,
    CONTRACTS,
    USERS,
    TOKENS,
    CONFIGURATION,
    REPAIR,
)


def may(actor: Actor, permission: str) -> bool:
    """Whether the actor holds `permission` (the system always does)."""
    if actor.user is None and actor.contact is None:
        return True
    return role_may(actor.role, permission)


def role_may(role: str | None, permission: str) -> bool:
    """Whether a desk role holds `permission` (None: no desk role, nothing)."""
    return role is not None and permission in ROLES.get(role, frozenset())


def require(actor: Actor, permission: str, field: str = "token") -> None:
    """Raise Forbidden naming the permission unless the actor holds it."""
    if may(actor, permission):
        return
    if actor.is_customer:
        raise Forbidden(field, "only staff may do this")
    if actor.role is None:
        raise Forbidden(field, "this login has no desk role (agent, manager or admin)")
    holders = ", ".join(r for r, perms in ROLES.items() if permission in perms)
    raise Forbidden(field, f"needs the {permission} permission ({holders}); you are {actor.role}")


def require_party(actor: Actor) -> None:
    """A customer (the services check it is their own organisation) or staff who work
    requests: the rule for opening a request and writing on one."""
    if not actor.is_customer:
        require(actor, WORK)
