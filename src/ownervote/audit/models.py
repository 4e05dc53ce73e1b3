from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ownervote.core.appendonly import AppendOnlyModel


class AuditHead(models.Model):
    """The tip of one hash chain. Locked while an event is appended to the chain."""

    stream = models.CharField(max_length=64, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.stream}@{self.seq}"


class AuditEvent(AppendOnlyModel):
    """One state change: who, what, which object, when, and a before/after summary.

    Rows are append-only (database triggers refuse UPDATE and DELETE) and each holds the hash of
    the previous row of its stream, so ``verify_audit`` can prove the log untampered.
    """

    stream = models.CharField(max_length=64)
    seq = models.BigIntegerField()
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
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event")
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique")]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["action"])]
        ordering = ["stream", "seq"]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.action}"
