from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ownervote.core.appendonly import AppendOnlyModel


class AuditHead(models.Model):
    """The tip of one hash chain: the last link the chainer (``audit.chainer``) wrote. Only the
    chainer locks and moves it, in the worker (never in the transaction of the change an event
    records), and before an anchor is taken."""

    stream = models.CharField(max_length=64, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.stream}@{self.seq}"


class AuditEvent(AppendOnlyModel):
    """One state change: who, what, which object, when, and a before/after summary.

    Rows are append-only (database triggers refuse UPDATE and DELETE). An event is written in the
    transaction of the change it records, its order given by its id (a sequence) and nothing else:
    no row every event of an estate writes. Its place in its stream's hash chain (seq, prev_hash,
    hash) is the ``AuditLink`` the chainer appends a moment later, so ``verify_audit`` can prove
    the log untampered.
    """

    stream = models.CharField(max_length=64)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    estate_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("audit event")
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["action"])]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.stream}#{self.pk} {self.action}"

    def _link(self) -> AuditLink | None:
        try:
            return self.link
        except AuditLink.DoesNotExist:
            return None

    @property
    def seq(self) -> int | None:
        """The event's number in its chain; None until the chainer has linked it."""
        link = self._link()
        return link.seq if link else None

    @property
    def prev_hash(self) -> str | None:
        link = self._link()
        return link.prev_hash if link else None

    @property
    def hash(self) -> str | None:
        link = self._link()
        return link.hash if link else None


class AuditLink(AppendOnlyModel):
    """An event's place in its stream's hash chain (R-SEC-2), appended once by the chainer:
    ``hash`` covers the event's content, its ``seq`` and the previous link's hash. Append-only like
    the events (triggers on PostgreSQL), one per event and one per (stream, seq)."""

    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, primary_key=True, related_name="link")
    stream = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain link")
        ordering = ["stream", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_link_stream_seq_unique"),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_link_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq}"


class AuditPending(models.Model):
    """An event not chained yet: the chainer's queue (written with the event, deleted when it is
    linked). Losing a row here cannot hide an event: ``verify_audit`` counts every event without
    a link, this table only spares the chainer from looking for them."""

    event = models.OneToOneField(AuditEvent, on_delete=models.CASCADE, primary_key=True, related_name="+")
    stream = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event to chain")
        indexes = [models.Index(fields=["stream", "event"], name="audit_pending_stream_event")]

    def __str__(self) -> str:
        return f"{self.stream}: {self.event_id}"


class AuditAnchor(AppendOnlyModel):
    """A chain head (stream, seq, hash) as it was at a moment, kept so that the log can later be
    shown to still extend it (R-SEC-5, ``anchors``). ``daily``: taken once a day for every stream
    and listed on the public page /p/audit/; ``result`` and ``archive``: the heads a result version
    or an exported archive carries (``ref`` is ``result:<id>``). People keep copies of these outside
    the database (the public page, its JSON, the result page, the archive); a rewritten or truncated
    log no longer extends them."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("daily anchor")
        RESULT = "result", _("result version")
        ARCHIVE = "archive", _("archive export")

    stream = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    day = models.DateField()  # the day (Beijing time) it was taken
    ref = models.CharField(max_length=64, blank=True)
    estate_id = models.BigIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("audit anchor")
        ordering = ["stream", "seq", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "day"], condition=models.Q(kind="daily"), name="audit_anchor_daily_once"
            ),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_anchor_seq_positive"),
        ]
        indexes = [
            models.Index(fields=["estate_id", "kind", "day"], name="audit_anchor_estate_day"),
            models.Index(fields=["kind", "day"], name="audit_anchor_kind_day"),
            models.Index(fields=["stream", "seq"], name="audit_anchor_stream_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.stream}@{self.seq} ({self.day})"
