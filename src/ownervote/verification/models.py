"""Identity verification of owners (R-ID-1 self-service with face recognition and SMS code,
R-ID-2 on site by the convener) and the methods the city operator enables (R-ID-3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ownervote.core.pii import pii_fields


class Method(models.TextChoices):
    SELF_SERVICE = "self_service", _("self-service (face recognition and SMS code)")
    ON_SITE = "on_site", _("on site, by the convener")


# R-DATA-1: a verification the city's former platform recorded, imported with the person's
# bindings (``bindings.importing``). Not a method the city offers (``Method``): nobody starts one.
IMPORTED = "imported"
METHOD_CHOICES = [*Method.choices, (IMPORTED, _("imported from the former platform"))]


class Verification(models.Model):
    """One attempt to verify a person. Self-service attempts go started -> passed, failed or
    expired (30 minutes); on-site ones are created passed by the convener who is accountable for them."""

    class Status(models.TextChoices):
        STARTED = "started", _("started")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    TRANSITIONS = {
        Status.STARTED: {Status.PASSED, Status.FAILED, Status.EXPIRED},
        Status.PASSED: set(),
        Status.FAILED: set(),
        Status.EXPIRED: set(),
    }

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verifications")
    method = models.CharField(_("method"), max_length=16, choices=METHOD_CHOICES)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    name_enc, name_masked, name_hash = pii_fields(_("name"))
    id_number_enc, id_number_masked, id_number_hash = pii_fields(_("ID number"))
    mobile_enc, mobile_masked, mobile_hash = pii_fields(_("mobile"))
    # Self-service: the face provider's reference for this attempt and its answer.
    provider = models.CharField(max_length=100, blank=True)
    provider_ref = models.CharField(max_length=100, blank=True, db_index=True)
    provider_result = models.JSONField(default=dict, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    # R-SEC-7: the owner's consent to face recognition this attempt started under.
    face_consent = models.ForeignKey(
        "verification.FaceConsent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # On site (R-ID-2): who checked, for which estate and flat, and the two photos.
    estate = models.ForeignKey(
        "roster.Estate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flat = models.ForeignKey("roster.Flat", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checker_real_name = models.CharField(_("verified by (real name)"), max_length=100, blank=True)
    checker_organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ownership_proof_checked = models.BooleanField(default=False)
    id_document_checked = models.BooleanField(default=False)
    id_photo = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holding_photo = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Where it came from (R-TRUST-1 signals): the keyed hash of the browser's device cookie
    # (core.devices; no fingerprinting beyond it) and the client's network address.
    device_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    # R-DATA-1: imported from the former platform: which (``provenance``), its id for the record,
    # the method and the day it recorded (face, bank, onsite, sms, other), when and by whom imported.
    provenance = models.CharField(_("provenance"), max_length=64, blank=True, default="")
    external_ref = models.CharField(
        _("reference on the former platform"), max_length=100, blank=True, default=""
    )
    external_method = models.CharField(
        _("method on the former platform"), max_length=16, blank=True, default=""
    )
    external_verified_on = models.DateField(_("verified on (former platform)"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # R-SEC-7: when the retention job emptied its personal columns and photos (verification.retention).
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("identity verification")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=["self_service", "on_site", IMPORTED]),
                name="verification_method_valid",
            ),
            # R-DATA-1: exactly the imported verifications carry a provenance, with all of it.
            models.CheckConstraint(
                condition=Q(method=IMPORTED)
                & ~Q(provenance="")
                & ~Q(external_ref="")
                & ~Q(external_method="")
                & Q(external_verified_on__isnull=False, imported_at__isnull=False)
                | ~Q(method=IMPORTED) & Q(provenance="", external_ref="", imported_at__isnull=True),
                name="verification_provenance_complete",
            ),
            models.UniqueConstraint(
                fields=["provenance", "external_ref"],
                condition=~Q(provenance=""),
                name="verification_provenance_ref_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["started", "passed", "failed", "expired"]),
                name="verification_status_valid",
            ),
            # R-ID-2: an on-site verification always names who checked it and carries both photos.
            models.CheckConstraint(
                condition=Q(method__in=["self_service", IMPORTED])
                | Q(checked_by__isnull=False, id_photo__isnull=False, holding_photo__isnull=False),
                name="verification_on_site_accountable",
            ),
            # One attempt per provider session: a callback names exactly one attempt.
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                condition=~Q(provider_ref=""),
                name="verification_provider_ref_unique",
            ),
        ]


class VerifiedIdentity(models.Model):
    """Who a user has been verified to be. Binding a flat matches ``id_number_hash`` against the
    roster's owners (R-BIND-1). Re-verifying replaces it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verified_identity"
    )
    name_enc, name_masked, name_hash = pii_fields(_("name"))
    id_number_enc, id_number_masked, id_number_hash = pii_fields(_("ID number"))
    method = models.CharField(_("method"), max_length=16, choices=METHOD_CHOICES)
    verification = models.ForeignKey(Verification, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField()

    class Meta:
        verbose_name = _("verified identity")


class CallbackNonce(models.Model):
    """Nonces of face-provider callbacks already accepted: a replayed callback is refused."""

    provider = models.CharField(max_length=100)
    nonce = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "nonce"], name="callback_nonce_unique")]


class MethodNotice(models.Model):
    """The public announcement of a change of verification methods, with its reason (art. 9).

    The notices are also the state: a method is enabled on a day unless the latest notice
    effective on or before that day disables it (``selectors.method_enabled``)."""

    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    enabled = models.BooleanField(_("enabled"))
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason"))
    effective_on = models.DateField(_("effective from"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    publisher_real_name = models.CharField(max_length=100)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("verification method notice")
        ordering = ["-published_at", "-id"]


class DevFaceSession(models.Model):
    """The development face provider's own record of a session (it plays the provider's side:
    what a real provider keeps on its servers). Only ``face.DevFaceProvider`` uses it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("waiting")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    ref = models.CharField(max_length=64, unique=True)
    name_masked = models.CharField(max_length=64)
    return_url = models.CharField(max_length=500)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["pending", "passed", "failed"]), name="devface_outcome_valid"
            )
        ]


class FaceConsent(models.Model):
    """An owner's decision on the separate consent to face recognition (R-SEC-7; PIPL art. 29),
    with the version and SHA-256 of the text shown (``consent.FACE_CONSENT_VERSION``). The newest
    decision counts: a refusal withdraws an earlier consent. Refusing costs nothing: the on-site
    verification stays open (R-ID-2)."""

    class Decision(models.TextChoices):
        GIVEN = "given", _("consented")
        REFUSED = "refused", pgettext_lazy("face consent", "refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="face_consents")
    text_version = models.CharField(_("text version"), max_length=32)
    text_sha256 = models.CharField(_("text SHA-256"), max_length=64)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    decided_at = models.DateTimeField(_("decided at"))
    # Where it was decided, as for verifications (core.devices.traces).
    device_hash = models.CharField(max_length=64, blank=True, default="")
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("face recognition consent")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["given", "refused"]), name="face_consent_decision_valid"
            )
        ]
