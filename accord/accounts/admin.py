"""Read-only admin views of users, agents, teams and tokens.

Changes: `accord user ...`, `accord token ...` and the Users page under /manage/.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User

from accord.accounts.models import Agent, ApiToken, Team
from accord.audit.readonly import ReadOnlyAdmin


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name"]


@admin.register(Agent)
class AgentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "team"]
    list_filter = ["role", "team"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "user", "contact", "created", "last_used", "revoked"]
    exclude = ["key_hash"]


class ReadOnlyUserAdmin(ReadOnlyAdmin, UserAdmin):  # type: ignore[misc]
    pass


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.register(User, ReadOnlyUserAdmin)
