"""Read-only admin views of the contract data.

Changes go through accord.contracts' services, from the desk's Administration ›
Organisations pages and the API, which audit them.
"""

from django.contrib import admin

from accord.audit.readonly import ReadOnlyAdmin, ReadOnlyInline
from accord.contracts.models import (
    Contact,
    EmailDomain,
    Entitlement,
    Installation,
    Organization,
    PerIncidentAgreement,
    Release,
    UpdateDelivery,
)


class ContactInline(ReadOnlyInline):
    model = Contact
    extra = 0
    fields = readonly_fields = ("name", "email", "phone", "role")


class EntitlementInline(ReadOnlyInline):
    model = Entitlement
    extra = 0
    fields = readonly_fields = ("kind", "starts", "ends", "paid")


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "policy", "hosting", "designated_contact"]
    list_filter = ["policy", "hosting"]
    search_fields = ["name"]
    inlines = [ContactInline, EntitlementInline]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "email", "role", "organization"]
    list_filter = ["role"]
    search_fields = ["name", "email"]


for model in (EmailDomain, PerIncidentAgreement, Release, Installation, UpdateDelivery):
    admin.site.register(model, ReadOnlyAdmin)
