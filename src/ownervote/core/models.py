from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StoredFile(models.Model):
    """A private file (roster upload, supporting document, photo): encrypted in the database,
    never served by a public URL. Read it through ``ownervote.core.files.read``."""

    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data_enc = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # R-SEC-7: when the retention job erased its content and name (``files.erase``); the row,
    # its size and SHA-256 stay, so what referred to it still says a file was there.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("stored file")

    def __str__(self) -> str:
        return self.name


class BackgroundJob(models.Model):
    """Long work a person asked for, done by the worker (``core.jobs``): what (``kind``), on what
    (``target_type``, ``target_id``), who asked, how far it got (``done`` of ``total``) and how it
    ended (``outcome``, or ``error`` in the site's language). At most one job of a kind is queued or
    running on one object (``core_job_one_active``): a second click gets the same job back."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job", "queued")
        RUNNING = "running", pgettext_lazy("job", "running")
        DONE = "done", pgettext_lazy("job", "done")
        FAILED = "failed", pgettext_lazy("job", "failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60)  # the target model's label, "meetings.meeting"
    target_id = models.PositiveBigIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life of the worker running it (each progress report): see jobs.reap_stale.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    retries = models.PositiveIntegerField(default=0)  # how often a failed run was resumed (jobs.retry)

    class Meta:
        verbose_name = _("background job")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id"],
                condition=models.Q(status__in=["queued", "running"]),
                name="core_job_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]),
                name="core_job_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="core_job_done_le_total"
            ),
        ]
        indexes = [models.Index(fields=["target_type", "target_id", "kind"], name="core_job_target")]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_type}:{self.target_id} ({self.status})"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
