"""Objections to a publicised result (询异, R-TRUST-2, ``rules.objections``).

``ResultObjection``: an owner questions one flat's ballot during the result's publicity (or the
street office refers an impersonation signal to the convener as one); the convener answers by the
publicity's last day (``answer_by``); the owner accepts or disputes the answer. A disputed answer
becomes a complaint to the street office at once (status ``disputed``), an objection unanswered
past ``answer_by`` becomes one by the hourly sweep (status ``complaint``): both name it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ownervote.rules import objections as rules


class ResultObjection(models.Model):
    class Kind(models.TextChoices):
        NEVER_VOTED = rules.NEVER_VOTED, _("I never voted, but a ballot is recorded for my flat")
        WRONG_CHOICE = rules.WRONG_CHOICE, _("My ballot's recorded choices differ from mine")
        DOUBT_OTHER = rules.DOUBT_OTHER, _("I doubt another flat's ballot")
        REFERRED = rules.REFERRED, _("Referred by the street office")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("objection", "awaiting the convener's answer")
        ANSWERED = "answered", pgettext_lazy("objection", "answered")
        ACCEPTED = "accepted", pgettext_lazy("objection", "answer accepted")
        DISPUTED = "disputed", pgettext_lazy("objection", "answer disputed, sent to the street office")
        COMPLAINT = "complaint", pgettext_lazy("objection", "not answered in time, sent to the street office")

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="objections")
    estate = models.ForeignKey("roster.Estate", on_delete=models.PROTECT, related_name="objections")
    result = models.ForeignKey(
        "results.Result", null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    # The flat whose ballot is questioned (a referred signal may name none).
    flat = models.ForeignKey("roster.Flat", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("objection"))
    receipt = models.CharField(_("receipt code"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(_("raised at"))
    answer_by = models.DateField(_("answer by"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # accepted, disputed or escalated
    complaint = models.OneToOneField(
        "complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT, related_name="objection"
    )

    class Meta:
        verbose_name = _("objection to the result")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["meeting", "status"], name="result_objection_meeting")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "answered", "accepted", "disputed", "complaint"]),
                name="result_objection_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=list(rules.KINDS)), name="result_objection_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=rules.REFERRED) | Q(flat__isnull=False),
                name="result_objection_owner_names_flat",
            ),
            # answered (and what follows an answer) needs the answer, who gave it and when
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "accepted", "disputed"])
                | (Q(answered_by__isnull=False, answered_at__isnull=False) & ~Q(answer="")),
                name="result_objection_answered_has_answer",
            ),
            # sent to the street office exactly when it names the complaint
            models.CheckConstraint(
                condition=(Q(status__in=["disputed", "complaint"]) & Q(complaint__isnull=False))
                | (~Q(status__in=["disputed", "complaint"]) & Q(complaint__isnull=True)),
                name="result_objection_complaint_named",
            ),
        ]

    def __str__(self) -> str:
        return f"objection {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def overdue_on(self, today) -> bool:
        return self.is_open and rules.overdue(today, self.answer_by)


def awaiting_answer_q() -> Q:
    return Q(status=ResultObjection.Status.OPEN)
