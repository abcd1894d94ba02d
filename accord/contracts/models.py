"""Customers and what their contract entitles them to.

An organisation runs under one policy (`capsure`, `capella`, ...), chosen per
organisation so several policies live side by side in one install.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from accord.sla.policy_spec import CONTACT_ROLES


class Hosting(models.TextChoices):
    HOSTED = "hosted", "Hosted"
    ON_PREMISES = "on_premises", "On premises"


class ContactRole(models.TextChoices):
    ADMINISTRATOR = "administrator", "Authorised administrator"
    GUARD = "guard", "Guard"
    RESIDENT = "resident", "Resident"
    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"
    ORGANIZATION = "organization", "Organisation"
    VENDOR = "vendor", "Vendor"
    USER = "user", "End user"


assert set(ContactRole.values) == set(CONTACT_ROLES), "roles must match the policy format"


class EntitlementKind(models.TextChoices):
    SUPPORT_AGREEMENT = "support_agreement", "Support agreement"
    SUBSCRIPTION = "subscription", "Paid subscription"
    TRIAL = "trial", "Trial (evaluation period)"


class Organization(models.Model):
    name = models.CharField(max_length=200)
    policy = models.CharField(max_length=50, help_text="id of the policy file, e.g. capella")
    hosting = models.CharField(max_length=12, choices=Hosting.choices, default=Hosting.HOSTED)
    designated_contact = models.ForeignKey(
        "Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="capella 4.3: communications should go through this contact",
    )
    created = models.DateTimeField()
    # Deactivated, never deleted: requests, invoices and the audit trail point here.
    deactivated = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organization_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.deactivated is None


class EmailDomain(models.Model):
    """A mail domain of one customer: unknown senders from it are matched to it, unverified."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="email_domains"
    )
    domain = models.CharField(max_length=253, unique=True, help_text="lower case, e.g. kiwi.nz")
    created = models.DateTimeField()

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Contact(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    phone_e164 = models.CharField(
        max_length=20,
        blank=True,
        help_text="`phone` as E.164 (accord.contracts.phones), how callers are matched",
    )
    role = models.CharField(max_length=20, choices=ContactRole.choices)
    created = models.DateTimeField()
    # A deactivated contact keeps its requests; it is no longer matched by mail,
    # its tokens stop working, and no new request is opened for it.
    deactivated = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["phone_e164"], name="contact_phone_e164", condition=~models.Q(phone_e164="")
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=~models.Q(email=""),
                name="contact_email_unique_per_organization",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name

    @property
    def active(self) -> bool:
        return self.deactivated is None and self.organization.deactivated is None


class Entitlement(models.Model):
    """A right to support between two local dates of the policy's zone, both included."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="entitlements"
    )
    kind = models.CharField(max_length=20, choices=EntitlementKind.choices)
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True, help_text="empty: open-ended")
    paid = models.BooleanField(
        default=True, help_text="capella 5.1: a subscription counts only when fully paid up"
    )
    note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField()
    # Withdrawn (entered by mistake, or cancelled): no longer counts for new scope
    # decisions; decisions already recorded keep the reason they were given.
    deactivated = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts}..{self.ends or ''}"


class PerIncidentAgreement(models.Model):
    """capsure: an end user accepted the hourly charge for one incident."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="agreements")
    request = models.OneToOneField(
        "tickets.Request",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="per_incident_agreement",
    )
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    accepted_by = models.CharField(max_length=200, help_text="who accepted the charge")
    accepted_at = models.DateTimeField()
    channel = models.CharField(
        max_length=20, blank=True, help_text="how it was accepted: phone, email, portal, ..."
    )
    clause = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.contact} {self.currency} {self.hourly_rate}/h"


class Product(models.Model):
    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class ReleaseStatus(models.TextChoices):
    ANNOUNCED = "announced", "Announced"
    GENERALLY_AVAILABLE = "ga", "Generally available"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Release(models.Model):
    """A version of a product; `released_on` is its general-availability date.

    Only generally available releases count as supported (capella 4.5); an
    announced release becomes generally available on its date (the worker's
    sweep), a withdrawn one never counts again. See accord/contracts/releases.py.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="releases")
    version = models.CharField(max_length=40)
    released_on = models.DateField(help_text="general-availability date")
    status = models.CharField(
        max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.GENERALLY_AVAILABLE
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "version"], name="release_unique_version")
        ]
        ordering = ["-released_on", "-id"]
        indexes = [
            models.Index(
                fields=["released_on"],
                name="release_announced_due",
                condition=models.Q(status="announced"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.version}"


class Installation(models.Model):
    """An on-premises installation: which release an organisation runs."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="installations"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    release = models.ForeignKey(Release, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "product"], name="installation_one_per_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.release}"


class UpdateDelivery(models.Model):
    """capella 4.4: an update received by a customer, to be installed within 30 days."""

    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="deliveries"
    )
    release = models.ForeignKey(Release, on_delete=models.PROTECT)
    received_on = models.DateField()
    installed_on = models.DateField(null=True, blank=True)
    remind_on = models.DateField(null=True, blank=True, help_text="when the reminder is due")
    reminded_at = models.DateTimeField(null=True, blank=True)
    late_on = models.DateField(null=True, blank=True, help_text="first day it counts as late")
    late_since = models.DateField(null=True, blank=True, help_text="flagged late by the sweep")

    class Meta:
        indexes = [
            models.Index(
                fields=["remind_on"],
                name="delivery_reminder_due",
                condition=models.Q(installed_on__isnull=True, reminded_at__isnull=True),
            ),
            models.Index(
                fields=["late_on"],
                name="delivery_late_due",
                condition=models.Q(installed_on__isnull=True, late_since__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.release} received {self.received_on}"

    @property
    def is_late(self) -> bool:
        return self.installed_on is None and self.late_since is not None


class InstallationChange(models.Model):
    """One line of an installation's history: which release it ran from when."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="history")
    release = models.ForeignKey(Release, on_delete=models.PROTECT)
    since = models.DateField()
    delivery = models.ForeignKey(
        UpdateDelivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded = models.DateTimeField()

    class Meta:
        ordering = ["since", "id"]

    def __str__(self) -> str:
        return f"{self.installation}: {self.release.version} since {self.since}"


class PolicyVersion(models.Model):
    """A version of a policy file that requests have run under (semantics 5).

    The text is kept so that a later edit of the shipped file never changes the
    contract an older request runs under. `digest` is the sha256 of `text`.
    """

    policy = models.CharField(max_length=50)
    version = models.CharField(max_length=50)
    effective = models.DateField()
    text = models.TextField()
    digest = models.CharField(max_length=64)
    recorded = models.DateTimeField()
    corrected = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "version"], name="policy_version_unique")
        ]
        ordering = ["policy", "-effective"]

    def __str__(self) -> str:
        return f"{self.policy} {self.version}"
