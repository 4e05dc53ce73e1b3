"""Bindings of verified people to the flats they own (R-BIND-1, R-BIND-2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Binding(models.Model):
    """A verified person bound to a flat as (or for) one of its owners in the roster.

    Co-owners each have their own binding. An organisation owner's flat is bound by a member of
    its authorised staff (R-ORG-2): ``staff`` names the authorisation. A binding is never deleted:
    it ends, with the reason.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("bound")
        ENDED = "ended", _("unbound")

    class EndReason(models.TextChoices):
        BY_OWNER = "by_owner", _("ended by the owner")
        OWNERSHIP_CHANGED = "ownership_changed", _("the roster records a change of owner")
        OBJECTION_UPHELD = "objection_upheld", _("an objection was upheld: not a genuine binding")
        AUTHORISATION_ENDED = "authorisation_ended", _("the organisation's authorisation ended")

    TRANSITIONS = {Status.ACTIVE: {Status.ENDED}, Status.ENDED: set()}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bindings")
    estate = models.ForeignKey("roster.Estate", on_delete=models.PROTECT, related_name="bindings")
    flat = models.ForeignKey("roster.Flat", on_delete=models.PROTECT, related_name="bindings")
    owner = models.ForeignKey("roster.Owner", on_delete=models.PROTECT, related_name="bindings")
    staff = models.ForeignKey(
        "orgs.AuthorisedStaff", null=True, blank=True, on_delete=models.PROTECT, related_name="bindings"
    )
    verification = models.ForeignKey("verification.Verification", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    bound_at = models.DateTimeField(_("bound at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=32, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where it came from (R-TRUST-1 signals): the keyed hash of the browser's device cookie
    # (core.devices; no fingerprinting beyond it) and the client's network address.
    device_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    # Moving a city over (R-DATA-1): a binding imported from the platform the city ran before says
    # which ("platform:shenzhen-wechat") and that platform's own id for it; "" for OwnerVote's own.
    provenance = models.CharField(_("provenance"), max_length=64, blank=True, default="")
    external_ref = models.CharField(
        _("reference on the former platform"), max_length=100, blank=True, default=""
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("binding")
        ordering = ["-bound_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["active", "ended"]), name="binding_status_valid"),
            models.CheckConstraint(
                condition=Q(status="active", ended_at__isnull=True, end_reason="")
                | Q(status="ended", ended_at__isnull=False) & ~Q(end_reason=""),
                name="binding_end_has_reason",
            ),
            # One live binding per person per flat; co-owners bind the same flat separately.
            models.UniqueConstraint(
                fields=["user", "flat"], condition=Q(status="active"), name="binding_one_active_per_user_flat"
            ),
            # R-DATA-1: one binding per record of the former platform, so a re-import changes nothing.
            models.UniqueConstraint(
                fields=["provenance", "external_ref"],
                condition=~Q(provenance=""),
                name="binding_provenance_ref_unique",
            ),
            models.CheckConstraint(
                condition=Q(provenance="", external_ref="", imported_at__isnull=True)
                | ~Q(provenance="") & ~Q(external_ref="") & Q(imported_at__isnull=False),
                name="binding_provenance_complete",
            ),
        ]
        indexes = [models.Index(fields=["estate", "status"], name="binding_estate_status")]
