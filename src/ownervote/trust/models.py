"""Impersonation signals (冒投, R-TRUST-1): patterns in what the system already records (bindings,
verifications, proxies, electronic ballots) that suggest votes cast in someone else's name.

A signal never blocks anyone by itself. It is shown to the office that supervises the estate
(``orgs.scoping.supervisor_of``: the street office, or the district bureau where the street office
convenes) with its evidence, personal data masked; revealing a masked value is logged
(``SignalReveal`` and an audit event). The review's outcome is recorded (``SignalReview``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    SHARED_MOBILE = "shared_mobile", _("one mobile number binds or votes many flats of different owners")
    SHARED_DEVICE = "shared_device", _("one device binds or votes many flats of different owners")
    BINDING_BURST = "binding_burst", _("a burst of bindings before a meeting")
    VERIFICATION_BURST = "verification_burst", _("a burst of verifications before a meeting")
    ONSITE_LATE = "onsite_late", _("one person's on-site verifications concentrated just before voting")
    PROXY_CONCENTRATION = "proxy_concentration", _("proxies concentrated on one holder")
    ADDRESS_BALLOTS = "address_ballots", _("ballots for many flats from one network address within minutes")
    DISOWNED_BALLOT = (
        "disowned_ballot",
        _("an owner says they never voted, but a ballot is recorded for their flat"),
    )


class Signal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("signal", "open")
        DISMISSED = "dismissed", pgettext_lazy("signal", "dismissed")
        REFERRED = "referred", pgettext_lazy("signal", "referred to the convener as an objection")
        COMPLAINT = "complaint", pgettext_lazy("signal", "became a complaint")

    # A dismissed signal opens again when its evidence grows beyond what was reviewed.
    TRANSITIONS = {
        Status.OPEN: {Status.DISMISSED, Status.REFERRED, Status.COMPLAINT},
        Status.DISMISSED: {Status.OPEN},
        Status.REFERRED: set(),
        Status.COMPLAINT: set(),
    }

    estate = models.ForeignKey("roster.Estate", on_delete=models.PROTECT, related_name="+")
    # The meeting the pattern concerns (bursts before it, its ballots, its proxies); none for
    # bindings that concern no meeting yet.
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # What makes one signal the same signal when detection runs again: a keyed hash of the mobile,
    # the device id's hash, the holder, the address and minute window, the day... Detection is
    # idempotent: it updates the evidence of the signal with the same (estate, meeting, kind, key).
    key = models.CharField(max_length=128)
    # The measure against the threshold in force when it was detected, e.g.
    # {"flats": 5, "owners": 5, "threshold": {"flats": 3}}.
    measure = models.JSONField(default=dict)
    # The evidence, personal data masked: [{"type": "binding", "id": 12, "flat": "3-1-101",
    # "owner": "张*", "mobile": "138****0000", "at": "2026-12-01T08:00:00+00:00"}, ...].
    evidence = models.JSONField(default=list)
    evidence_count = models.PositiveIntegerField(default=0)
    # The supervising body, fixed when first detected (orgs.scoping.supervisor_of).
    handler_kind = models.CharField(max_length=32)
    handler_division = models.ForeignKey("orgs.Division", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    first_seen_at = models.DateTimeField(_("first detected at"))
    last_seen_at = models.DateTimeField(_("last detected at"))
    # The evidence count when last reviewed: more than this reopens a dismissed signal.
    reviewed_count = models.PositiveIntegerField(default=0)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("impersonation signal")
        ordering = ["-last_seen_at", "-id"]
        indexes = [models.Index(fields=["handler_kind", "handler_division", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "meeting", "kind", "key"],
                name="signal_one_per_key",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "dismissed", "referred", "complaint"]),
                name="signal_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "shared_mobile",
                        "shared_device",
                        "binding_burst",
                        "verification_burst",
                        "onsite_late",
                        "proxy_concentration",
                        "address_ballots",
                        "disowned_ballot",
                    ]
                ),
                name="signal_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="signal_review_named",
            ),
            models.CheckConstraint(
                condition=~Q(status="complaint") | Q(complaint__isnull=False),
                name="signal_complaint_named",
            ),
        ]

    def __str__(self) -> str:
        return f"signal {self.pk} ({self.kind})"


class SignalReview(models.Model):
    """One review of a signal, kept for the record: its outcome and why."""

    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="reviews")
    outcome = models.CharField(max_length=16, choices=Signal.Status.choices)
    note = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer_real_name = models.CharField(max_length=100)
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    evidence_count = models.PositiveIntegerField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["dismissed", "referred", "complaint"]),
                name="signalreview_outcome_valid",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="signalreview_note_given"),
        ]


class SignalReveal(models.Model):
    """A reviewer saw one masked value of a signal's evidence in clear: who, when, which, why."""

    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="reveals")
    # Which evidence item (its index in ``Signal.evidence``) and which field of it.
    item = models.PositiveIntegerField()
    field = models.CharField(max_length=32)
    reason = models.TextField(_("why it must be seen"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="signalreveal_reason_given")]


class CityThresholds(models.Model):
    """A city's own thresholds for the signals (``rules.trust.Thresholds``): one row per city
    division, set by the city operator. An empty field keeps the platform's default."""

    city = models.OneToOneField("orgs.Division", on_delete=models.PROTECT, related_name="+")
    shared_flats = models.PositiveIntegerField(_("flats from one mobile or device"), null=True, blank=True)
    shared_owners = models.PositiveIntegerField(_("different owners of those flats"), null=True, blank=True)
    burst_min = models.PositiveIntegerField(
        _("bindings or verifications in the burst"), null=True, blank=True
    )
    burst_days = models.PositiveIntegerField(_("days before voting opens (burst)"), null=True, blank=True)
    burst_factor = models.PositiveIntegerField(_("times the usual daily rate"), null=True, blank=True)
    baseline_days = models.PositiveIntegerField(_("days that give the usual rate"), null=True, blank=True)
    onsite_min = models.PositiveIntegerField(
        _("late on-site verifications by one person"), null=True, blank=True
    )
    onsite_share = models.PositiveIntegerField(_("percentage of theirs that are late"), null=True, blank=True)
    onsite_days = models.PositiveIntegerField(
        _("last days before voting opens (on site)"), null=True, blank=True
    )
    proxy_flats = models.PositiveIntegerField(_("flats one proxy holder holds"), null=True, blank=True)
    proxy_owners = models.PositiveIntegerField(
        _("different owners of those flats (proxies)"), null=True, blank=True
    )
    address_ballots = models.PositiveIntegerField(
        _("ballots of different owners from one address"), null=True, blank=True
    )
    address_minutes = models.PositiveIntegerField(_("within minutes"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    FIELDS = (
        "shared_flats",
        "shared_owners",
        "burst_min",
        "burst_days",
        "burst_factor",
        "baseline_days",
        "onsite_min",
        "onsite_share",
        "onsite_days",
        "proxy_flats",
        "proxy_owners",
        "address_ballots",
        "address_minutes",
    )

    class Meta:
        verbose_name = _("city thresholds of the signals")
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1}),
                    name=f"citythresholds_{name}_positive",
                )
                for name in (
                    "shared_flats",
                    "shared_owners",
                    "burst_min",
                    "burst_days",
                    "burst_factor",
                    "baseline_days",
                    "onsite_min",
                    "onsite_days",
                    "proxy_flats",
                    "proxy_owners",
                    "address_ballots",
                    "address_minutes",
                )
            ),
            models.CheckConstraint(
                condition=Q(onsite_share__isnull=True) | Q(onsite_share__gte=1, onsite_share__lte=100),
                name="citythresholds_onsite_share_percent",
            ),
        ]

    def values(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in self.FIELDS}
