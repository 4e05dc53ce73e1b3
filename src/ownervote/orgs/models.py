"""Organisations, their staff and the hierarchy city > district > street > community > estate."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ownervote.core.pii import pii_fields


class User(AbstractUser):
    """A person who signs in: staff of an organisation (password + optional TOTP) or, later,
    an owner (mobile + SMS code)."""

    real_name = models.CharField(_("real name"), max_length=100, blank=True)
    mobile_enc, mobile_masked, mobile_hash = pii_fields(_("mobile"))
    # R-SEC-8: the owner pages in elder mode (长辈版): larger text and targets, one ballot item per
    # screen. The person's own choice, kept with the account (identity.services.elder_mode_set).
    # db_default: accounts inserted in bulk by raw SQL (bindings.importing) are created without it.
    elder_mode = models.BooleanField(_("elder mode"), default=False, db_default=False)

    class Meta:
        verbose_name = _("user")

    def display_name(self) -> str:
        return self.real_name or self.username


class Division(models.Model):
    """Administrative geography: Shenzhen, its districts, their streets, their communities."""

    class Kind(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        STREET = "street", _("street")
        COMMUNITY = "community", _("community")

    PARENT_KIND = {Kind.DISTRICT: Kind.CITY, Kind.STREET: Kind.DISTRICT, Kind.COMMUNITY: Kind.STREET}

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of ancestor ids ("/1/4/37/"): scoping is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("division")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["city", "district", "street", "community"]), name="division_kind_valid"
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="division_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        path = f"{parent_path}{self.pk}/"
        if path != self.path:  # known only once the row has its id
            self.path = path
            Division.objects.filter(pk=self.pk).update(path=path)

    def ancestor(self, kind: str) -> Division | None:
        node: Division | None = self
        while node is not None and node.kind != kind:
            node = node.parent
        return node


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CITY_OPERATOR = "city_operator", _("city housing and construction bureau")
        DISTRICT_BUREAU = "district_bureau", _("district housing and construction bureau")
        STREET_OFFICE = "street_office", _("street office")
        COMMUNITY_COMMITTEE = "community_committee", _("community residents' committee")
        OWNERS_COMMITTEE = "owners_committee", _("owners' committee")
        PREPARATORY_GROUP = "preparatory_group", _("preparatory group")
        REELECTION_GROUP = "reelection_group", _("re-election group")
        OWNER_ORGANISATION = "owner_organisation", _("organisation owner")

    GOVERNMENT = {Kind.CITY_OPERATOR, Kind.DISTRICT_BUREAU, Kind.STREET_OFFICE, Kind.COMMUNITY_COMMITTEE}
    CONVENER_GROUPS = {Kind.OWNERS_COMMITTEE, Kind.PREPARATORY_GROUP, Kind.REELECTION_GROUP}
    # Which division an organisation of a kind is associated with.
    DIVISION_KIND = {
        Kind.CITY_OPERATOR: Division.Kind.CITY,
        Kind.DISTRICT_BUREAU: Division.Kind.DISTRICT,
        Kind.STREET_OFFICE: Division.Kind.STREET,
        Kind.COMMUNITY_COMMITTEE: Division.Kind.COMMUNITY,
    }

    # How a government body convening an estate is named on every record that names the convener
    # (R-ORG-3, R-ORG-4): a street office convening the assembly (regulation art. 28) in the
    # convener's stead (rules art. 33); a community committee acting for the owners' assembly and
    # committee (regulation art. 124) as the convener (rules art. 34).
    CONVENER_CAPACITY = {
        Kind.STREET_OFFICE: _(
            "the street office acts as the convener under art. 28 of the Shenzhen property "
            "management regulation (rules art. 33)"
        ),
        Kind.COMMUNITY_COMMITTEE: _(
            "the community residents' committee acts for the owners' assembly and committee under "
            "art. 124 of the Shenzhen property management regulation (rules art. 34)"
        ),
    }

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # Unified social credit code (统一社会信用代码): public, not personal data.
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "city_operator",
                        "district_bureau",
                        "street_office",
                        "community_committee",
                        "owners_committee",
                        "preparatory_group",
                        "reelection_group",
                        "owner_organisation",
                    ]
                ),
                name="organisation_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def convener_capacity(self) -> str:
        """Why a government body convenes (``CONVENER_CAPACITY``), in the active language; "" for a
        convener of its own kind (an owners' committee, a preparatory or re-election group)."""
        capacity = self.CONVENER_CAPACITY.get(self.kind)
        return str(capacity) if capacity else ""

    @property
    def convener_label(self) -> str:
        """The name as the convener of a meeting: with its capacity where a government body
        convenes ("沙头街道办事处（街道办事处依照…第二十八条代行召集人职责…）")."""
        return convener_label(self.name, self.convener_capacity)


def convener_label(name: str, capacity: str) -> str:
    """A convener's name with the capacity it convenes in, if any (R-ORG-3, R-ORG-4)."""
    return str(_("%(name)s (%(capacity)s)") % {"name": name, "capacity": capacity}) if capacity else name


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        MEMBER = "member", _("member")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=["admin", "member"]), name="membership_role_valid"),
        ]


class Association(models.Model):
    """An organisation's application to act for a division or an estate (R-ORG-1, art. 4-6).

    Conveners and community committees are approved by the street office; street offices by
    their district bureau; district bureaus by the city operator. A street office (art. 33) or a
    community committee (art. 34) may also convene an estate of its street or community: approved by
    its district bureau, resp. its street office, and handed over to the owners' committee once one
    is approved for the estate (R-ORG-3, R-ORG-4).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        REVOKED = "revoked", _("revoked")
        # A street office or community committee convening an estate hands over to the owners'
        # committee approved there (R-ORG-3, R-ORG-4): the row stays, as the history of who convened.
        HANDED_OVER = "handed_over", _("handed over")

    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.REFUSED},
        Status.APPROVED: {Status.REVOKED, Status.HANDED_OVER},
        Status.REFUSED: set(),
        Status.REVOKED: set(),
        Status.HANDED_OVER: set(),
    }

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="associations")
    division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    estate = models.ForeignKey(
        "roster.Estate", null=True, blank=True, on_delete=models.PROTECT, related_name="associations"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    note = models.TextField(_("note"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("association")
        ordering = ["-applied_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(division__isnull=False, estate__isnull=True)
                    | Q(division__isnull=True, estate__isnull=False)
                ),
                name="association_one_target",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "refused", "revoked", "handed_over"]),
                name="association_status_valid",
            ),
            models.UniqueConstraint(
                fields=["organisation", "division"],
                condition=Q(status__in=["pending", "approved"], division__isnull=False),
                name="association_one_live_per_division",
            ),
            models.UniqueConstraint(
                fields=["organisation", "estate"],
                condition=Q(status__in=["pending", "approved"], estate__isnull=False),
                name="association_one_live_per_estate",
            ),
        ]

    def target(self):
        return self.estate if self.estate_id else self.division


class ApiToken(models.Model):
    """A bearer token for API clients other than the browser. Only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class AuthorisedStaff(models.Model):
    """A named person an organisation owner authorises to act and vote for it (R-ORG-2, art. 31)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="authorised_staff")
    name_enc, name_masked, name_hash = pii_fields(_("name"))
    id_number_enc, id_number_masked, id_number_hash = pii_fields(_("ID number"))
    mobile_enc, mobile_masked, mobile_hash = pii_fields(_("mobile"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("authorised staff")
        ordering = ["-created_at"]


class EnrolmentCode(models.Model):
    """A one-time code that lets a staff account set up its TOTP second factor: the password alone
    never enrols a device. Issued by whoever may manage the account (its approver, an administrator
    of its organisation, the city operator), shown once to the issuer, stored only as a salted hash,
    valid until ``expires_at`` and for one use; issuing a new code or resetting the second factor
    revokes the account's unused codes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    code_hash = models.CharField(max_length=128, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_by_label = models.CharField(max_length=150, blank=True)  # "admin:<name>" from a command
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("enrolment code")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")), name="enrolment_code_expires"
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="enrolment_code_used_or_revoked",
            ),
        ]

    def is_live(self, now) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
