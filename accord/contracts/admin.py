"""Read-mostly admin views of the contract data; changes go through the API's services."""

from django.contrib import admin

from accord.contracts.models import (
    Contact,
    Entitlement,
    Installation,
    Organization,
    PerIncidentAgreement,
    Release,
    UpdateDelivery,
)


class ContactInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Contact
    extra = 0
    fields = readonly_fields = ("name", "email", "phone", "role")


class EntitlementInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Entitlement
    extra = 0
    fields = readonly_fields = ("kind", "starts", "ends", "paid")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "policy", "hosting", "designated_contact"]
    list_filter = ["policy", "hosting"]
    search_fields = ["name"]
    inlines = [ContactInline, EntitlementInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "email", "role", "organization"]
    list_filter = ["role"]
    search_fields = ["name", "email"]


admin.site.register(PerIncidentAgreement)
admin.site.register(Release)
admin.site.register(Installation)
admin.site.register(UpdateDelivery)
