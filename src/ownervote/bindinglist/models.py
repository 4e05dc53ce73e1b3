"""Publication of an estate's binding list (R-BIND-3, art. 14) and owners' objections to a
binding during it (R-BIND-4, art. 15)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ownervote.core.pii import pii_fields


class Publication(models.Model):
    """The convener publishes the binding list for at least 10 days (art. 14, 29)."""

    estate = models.ForeignKey("roster.Estate", on_delete=models.PROTECT, related_name="binding_publications")
    starts_on = models.DateField(_("publicity starts"))
    ends_on = models.DateField(_("publicity ends"))
    note = models.TextField(_("note"), blank=True)
    # What was published: the number of bindings and a digest of the list as it stood.
    binding_count = models.PositiveIntegerField(default=0)
    list_digest = models.CharField(max_length=64)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    publisher_real_name = models.CharField(max_length=100)
    publisher_organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("binding list publication")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="publication_ends_after_start"
            ),
        ]


class Extension(models.Model):
    """A running publication's end moved later (R-BIND-3): the list must run at least 10 days
    counted from a meeting's publicity start, so a list already running is extended rather than
    published twice. The earlier end is kept."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="extensions")
    previous_ends_on = models.DateField(_("ended on before"))
    ends_on = models.DateField(_("publicity ends"))
    reason = models.TextField(_("reason"))
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    extender_real_name = models.CharField(max_length=100)
    extended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("binding list extension")
        ordering = ["extended_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("previous_ends_on")), name="extension_ends_later"
            ),
        ]


class Objection(models.Model):
    """An owner's written objection to a binding, and the convener's check and outcome."""

    class Status(models.TextChoices):
        FILED = "filed", pgettext_lazy("objection", "awaiting check")
        UPHELD = "upheld", pgettext_lazy("objection", "upheld")
        CORRECTED = "corrected", pgettext_lazy("objection", "data corrected")
        DISMISSED = "dismissed", pgettext_lazy("objection", "dismissed")

    TRANSITIONS = {
        Status.FILED: {Status.UPHELD, Status.CORRECTED, Status.DISMISSED},
        Status.UPHELD: set(),
        Status.CORRECTED: set(),
        Status.DISMISSED: set(),
    }

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="objections")
    binding = models.ForeignKey("bindings.Binding", on_delete=models.PROTECT, related_name="objections")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objections"
    )
    reason = models.TextField(_("reason"))
    files = models.ManyToManyField("core.StoredFile", blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.FILED)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    check_note = models.TextField(_("what was checked"), blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decider_real_name = models.CharField(max_length=100, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Art. 15 "在系统中更改相关信息": the data the list shows for the binding, corrected by the
    # outcome (status CORRECTED). Encrypted; the list shows only the masked forms.
    corrected_name_enc, corrected_name_masked, corrected_name_hash = pii_fields(_("corrected name"))
    corrected_mobile_enc, corrected_mobile_masked, corrected_mobile_hash = pii_fields(_("corrected mobile"))
    # R-SEC-7: when the retention job emptied the reason, the corrected data and the files
    # (bindinglist.retention); the row stays for the publication's record.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["filed", "upheld", "corrected", "dismissed"]),
                name="objection_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="corrected")
                | ~Q(corrected_name_masked="", corrected_mobile_masked="")
                | Q(erased_at__isnull=False),
                name="objection_correction_has_data",
            ),
            models.CheckConstraint(
                condition=Q(status="filed") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="objection_decision_named",
            ),
        ]
