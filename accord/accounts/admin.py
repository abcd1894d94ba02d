"""Admin views of agents and teams (tokens are created with `accord token create`)."""

from django.contrib import admin

from accord.accounts.models import Agent, ApiToken, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name"]


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "role", "team"]
    list_filter = ["role", "team"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["prefix", "user", "contact", "created", "revoked"]
    readonly_fields = ["key_hash", "prefix", "user", "contact", "created"]
