"""Results of an owners' assembly (Shenzhen rules art. 25-27; SPEC R-RES-1..4, R-TALLY-1..9).

- ``Result``: one generated version of a meeting's result, frozen: ``content`` (the meeting, its
  items, the tally of ``rules.tally`` and the per-flat table) and its SHA-256 ``digest``. Nothing in
  ``content`` ever changes; a correction generates a new version with its reason, and the previous
  one is marked superseded. The printable tables (PDF, .xlsx) are rendered from ``content``, so
  every copy of a version says the same and carries its digest.
- ``ResultGuidance``: the street office's guidance opinion on a submitted result, within 3 days of
  the submission (art. 25, R-RES-2), counted as the Civil Code counts periods (R-MTG-8,
  ``rules.results``).
- The scans (``result_scan``, ``flats_scan``): the result table and the per-flat table as printed,
  sealed and signed by the scrutineers, uploaded with the submission (art. 25, R-RES-2), stored
  encrypted (``core.StoredFile``) and their SHA-256 kept on the version. A submitted version has
  both (a database constraint), except one submitted before scans were captured
  (``submitted_before_scans``, set by the migration that introduced them).
- ``ResultPublicity``: the result posted for at least 10 days, starting within 3 days of the
  resolution (art. 26, R-RES-3); a later start is allowed only with the reason recorded.
- ``ResultCorrection``: a correction of a publicised result (R-SEC-6): once a version is publicised
  its ballots are sealed (``voting.BallotSeal``); the convener opens a correction with its reason,
  which lets late paper ballots in, and completes it by generating the next version, which is
  marked as correcting the publicised one (with the reason) wherever owners see it, and goes
  through submission, guidance and publicity again (art. 25, 26).
- ``ResultDocument``: a printable table of a version (``documents.py``), rendered once per kind,
  format and language and kept encrypted (``core.files``): a version never changes, so neither do
  its tables, and the per-flat table shows how every flat voted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Result(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="results")
    number = models.PositiveIntegerField(_("version"))
    reason = models.TextField(_("reason for the new version"), blank=True)  # required from version 2
    content = models.JSONField()
    digest = models.CharField(_("result hash"), max_length=64)
    merkle_root = models.CharField(_("Merkle root of the ballots"), max_length=64)
    follow_majority = models.BooleanField(default=False)  # R-TALLY-7: computed with 随多数
    # The day the assembly's resolution was made: the first version's generation day, kept by
    # later versions; the 3 days of art. 26 count from it.
    resolved_on = models.DateField(_("resolution made on"))
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted to the street office"), null=True, blank=True)
    guidance_ends_on = models.DateField(_("guidance window ends"), null=True, blank=True)
    # The signed, sealed tables submitted to the street office (art. 25): scans, with their SHA-256.
    result_scan = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result_scan_sha256 = models.CharField(_("SHA-256 of the signed result table"), max_length=64, blank=True)
    flats_scan = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flats_scan_sha256 = models.CharField(_("SHA-256 of the signed per-flat table"), max_length=64, blank=True)
    submitted_before_scans = models.BooleanField(default=False)  # submitted before scans were captured
    # Copied from ``content`` so that oversight across thousands of estates never reads the JSON.
    total_area = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    total_owners = models.PositiveIntegerField(default=0)
    voted_area = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    voted_owners = models.PositiveIntegerField(default=0)
    items_passed = models.PositiveIntegerField(default=0)  # questions passed and elections filling a seat
    items_failed = models.PositiveIntegerField(default=0)  # quorum met, not carried
    items_no_quorum = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("result")
        ordering = ["meeting", "number"]
        indexes = [models.Index(fields=["superseded_at", "generated_at"], name="result_current_generated")]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="result_number_unique"),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(superseded_at__isnull=True), name="result_one_current"
            ),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="result_reason_from_v2"),
            # R-RES-2: a version is submitted with both signed tables, and only then has them.
            models.CheckConstraint(
                condition=Q(submitted_before_scans=True)
                | Q(submitted_at__isnull=True, result_scan__isnull=True, flats_scan__isnull=True)
                | Q(
                    submitted_at__isnull=False,
                    result_scan__isnull=False,
                    flats_scan__isnull=False,
                )
                & ~Q(result_scan_sha256="")
                & ~Q(flats_scan_sha256=""),
                name="result_submitted_with_scans",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} v{self.number}"


class ResultGuidance(models.Model):
    """The street office's guidance opinion (指导意见) on a submitted result (art. 25)."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="guidance")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_real_name = models.CharField(max_length=100)
    text = models.TextField(_("guidance opinion"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class ResultPublicity(models.Model):
    """The result's publicity (结果公示, art. 26, 29): from ``starts_on`` to ``ends_on``, at least 10
    counted days, on the public result page and posted in the estate."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="result_publicities"
    )
    result = models.OneToOneField(Result, on_delete=models.PROTECT, related_name="publicity")
    starts_on = models.DateField(_("publicity starts"))
    ends_on = models.DateField(_("publicity ends"))
    late_reason = models.TextField(_("why the publicity starts late"), blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "published_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="result_publicity_ends_after_start"
            ),
        ]


class ResultDocument(models.Model):
    """A printable table of a version as it was rendered (``documents.kept``): ``kind`` is
    ``result`` (投票结果统计表) or ``flats`` (分户结果统计表), ``fmt`` ``pdf`` or ``xlsx``, ``language``
    the language it was rendered in. The bytes are a ``core.StoredFile``, encrypted at rest. Every
    later download of the same table serves these bytes; the per-flat PDF of a large roll is
    rendered in the background when the version is generated (``tasks.prerender``)."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=10, choices=[("result", "result"), ("flats", "flats")])
    fmt = models.CharField(max_length=4, choices=[("pdf", "pdf"), ("xlsx", "xlsx")])
    language = models.CharField(max_length=15)
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["result", "kind", "fmt", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "kind", "fmt", "language"], name="result_document_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result} {self.kind}.{self.fmt} ({self.language})"


class ResultCorrection(models.Model):
    """A correction of a publicised result (R-SEC-6): ``corrects`` is the publicised version it
    corrects, ``reason`` why (required), ``result`` the new version that completed it (empty while
    the correction is open: then, and only then, the meeting's ballots are unsealed). At most one
    correction of a meeting is open at a time."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="result_corrections"
    )
    corrects = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="corrections")
    reason = models.TextField(_("reason for the correction"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    result = models.OneToOneField(
        Result, null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(result__isnull=True), name="result_one_open_correction"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="result_correction_reason"),
            models.CheckConstraint(
                condition=Q(result__isnull=True, completed_at__isnull=True)
                | Q(result__isnull=False, completed_at__isnull=False),
                name="result_correction_completed_with_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} correction of v{self.corrects_id}"
