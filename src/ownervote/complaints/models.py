"""Owners' complaints to the street office about the voting (R-SEC-4, rules art. 5(5)), and how
the handling office took them up and concluded them within the time limits of the
《信访工作条例》 (``rules.complaints``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ownervote.core.pii import pii_fields


class Complaint(models.Model):
    class Subject(models.TextChoices):
        MEETING = "meeting", pgettext_lazy("complaint subject", "a meeting")
        BINDING = "binding", pgettext_lazy("complaint subject", "a flat binding")
        BALLOT = "ballot", pgettext_lazy("complaint subject", "a ballot")
        COUNT = "count", pgettext_lazy("complaint subject", "the count")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("complaint", "awaiting acceptance")
        ACCEPTED = "accepted", pgettext_lazy("complaint", "accepted, being investigated")
        DECLINED = "declined", pgettext_lazy("complaint", "not accepted")
        CONCLUDED = "concluded", pgettext_lazy("complaint", "concluded")

    TRANSITIONS = {
        Status.SUBMITTED: {Status.ACCEPTED, Status.DECLINED},
        Status.ACCEPTED: {Status.CONCLUDED},
        Status.DECLINED: set(),
        Status.CONCLUDED: set(),
    }
    # Subjects that concern one meeting: the complaint names it.
    MEETING_SUBJECTS = {Subject.MEETING, Subject.BALLOT, Subject.COUNT}

    estate = models.ForeignKey("roster.Estate", on_delete=models.PROTECT, related_name="complaints")
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    text = models.TextField(_("what happened"))
    files = models.ManyToManyField("core.StoredFile", blank=True, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints"
    )
    # Opened by the handling office itself (e.g. from an impersonation signal, R-TRUST-1):
    # ``filed_by`` is the staff member who opened it; no owner is told of its steps.
    on_own_initiative = models.BooleanField(_("opened by the office on its own initiative"), default=False)
    # Who complained, as known at filing (sealed; shown only to the handling office).
    name_enc, name_masked, name_hash = pii_fields(_("name"))
    mobile_enc, mobile_masked, mobile_hash = pii_fields(_("mobile"))
    # The handling body, fixed at filing (orgs.scoping.supervisor_of): the street office of the
    # estate's street, or its district bureau where the street office convened.
    handler_kind = models.CharField(max_length=32)
    handler_division = models.ForeignKey("orgs.Division", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    filed_on = models.DateField()  # Beijing date of receipt: the uncounted first day
    accept_by = models.DateField(_("decide on acceptance by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decider_real_name = models.CharField(max_length=100, blank=True)
    handling_organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(_("reason for not accepting"), blank=True)
    accept_note = models.TextField(_("note on acceptance"), blank=True)
    conclude_by = models.DateField(_("conclude by"), null=True, blank=True)
    # The one extension of the time limit to conclude (《信访工作条例》: at most 30 days, the
    # complainant told why).
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    investigation = models.TextField(_("what was investigated"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    concluder_real_name = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("complaint")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["handler_kind", "handler_division", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "accepted", "declined", "concluded"]),
                name="complaint_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(subject__in=["meeting", "binding", "ballot", "count"]),
                name="complaint_subject_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="complaint_decision_named",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(conclude_by__isnull=False),
                name="complaint_accepted_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(extended_at__isnull=True)
                | (Q(extended_by__isnull=False, conclude_by__isnull=False) & ~Q(extension_reason="")),
                name="complaint_extension_named",
            ),
            models.CheckConstraint(
                condition=~Q(status="concluded")
                | Q(concluded_by__isnull=False, concluded_at__isnull=False, conclude_by__isnull=False),
                name="complaint_conclusion_named",
            ),
        ]

    def __str__(self) -> str:
        return f"complaint {self.pk}"

    def deadline(self):
        """The last day of the step awaited now, or None when nothing is awaited."""
        if self.status == self.Status.SUBMITTED:
            return self.accept_by
        if self.status == self.Status.ACCEPTED:
            return self.conclude_by
        return None

    def overdue_on(self, today) -> bool:
        last = self.deadline()
        return last is not None and today > last


def overdue_q(today) -> Q:
    """Complaints whose awaited step is past its last day on ``today``."""
    return Q(status=Complaint.Status.SUBMITTED, accept_by__lt=today) | Q(
        status=Complaint.Status.ACCEPTED, conclude_by__lt=today
    )


def open_q() -> Q:
    return Q(status__in=[Complaint.Status.SUBMITTED, Complaint.Status.ACCEPTED])
