"""Messages to people: an inbox on the owner pages, and an SMS copy where it matters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    # Indexed by notification_user_unread, which leads with the user: a second index on user alone
    # would only cost every cast's receipt one more index entry.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=64)  # "objection.filed", "binding.ended", ...
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(max_length=300, blank=True)  # a path on this site
    estate = models.ForeignKey(
        "roster.Estate", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]


class OutboxMessage(models.Model):
    """One message to one person on one channel, written in the transaction of the event that
    causes it and delivered by the worker (``notify.tasks.deliver``). ``(event, channel, user)``
    is unique: the same event never reaches the same person twice on one channel.

    Life of a message: ``pending`` (due at ``next_attempt_at``) -> ``sending`` (a worker holds it
    until ``lease_until``; ``attempts`` counts the tries) -> ``sent``, or back to ``pending`` with
    a back-off after a failed try, or ``failed`` after the last try. ``cancelled`` ones never
    left. A worker that dies while ``sending`` leaves a lease that runs out; the sweep then asks
    the provider whether the message arrived before it tries again (``maybe_sent`` marks the ones
    nobody could tell, which are not sent again)."""

    class Channel(models.TextChoices):
        INBOX = "inbox", pgettext_lazy("outbox", "inbox")
        SMS = "sms", pgettext_lazy("outbox", "text message")
        WECHAT = "wechat", pgettext_lazy("outbox", "WeChat")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("outbox", "waiting")
        SENDING = "sending", pgettext_lazy("outbox", "sending")
        SENT = "sent", pgettext_lazy("outbox", "sent")
        FAILED = "failed", pgettext_lazy("outbox", "failed")
        CANCELLED = "cancelled", pgettext_lazy("outbox", "cancelled")

    class Delivery(models.TextChoices):
        # What the provider's delivery report says of a sent SMS or WeChat message (R-MTG-10):
        # ``accepted`` once the provider took it, then ``delivered`` or ``failed`` from its report.
        ACCEPTED = "accepted", pgettext_lazy("outbox", "accepted by the provider")
        DELIVERED = "delivered", pgettext_lazy("outbox", "delivered")
        FAILED = "failed", pgettext_lazy("outbox", "not delivered")

    event = models.CharField(max_length=200)  # "meeting.invitation:42"; generated when the caller gives none
    channel = models.CharField(max_length=16, choices=Channel.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox")
    kind = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(max_length=300, blank=True)
    estate = models.ForeignKey(
        "roster.Estate", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    not_before = models.DateTimeField(_("not before"))  # the earliest time it may leave
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField()  # when a pending message is due (not_before, then back-off)
    lease_until = models.DateTimeField(null=True, blank=True)  # while sending: the worker's claim runs out
    claim = models.CharField(max_length=32, blank=True)  # the token of the worker holding the lease
    attempt_started_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    maybe_sent = models.BooleanField(default=False)  # a dead worker's send that nobody could confirm
    provider_ref = models.CharField(max_length=100, blank=True)  # SMS BizId, WeChat msgid
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)  # the provider's time of its report
    delivery_code = models.CharField(max_length=64, blank=True)  # the provider's code: DELIVERED, ...
    sms = models.ForeignKey(  # the SentSms row of the latest SMS try (its id is the provider's OutId)
        "identity.SentSms", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notification = models.OneToOneField(  # the inbox row this message became
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox"
    )
    task_id = models.CharField(max_length=64, blank=True)  # the queued deliver task that carries it
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "user"], name="outbox_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(channel__in=["inbox", "sms", "wechat"]), name="outbox_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "sent", "failed", "cancelled"]),
                name="outbox_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery__in=["", "accepted"], delivered_at__isnull=True)
                | models.Q(delivery__in=["delivered", "failed"], delivered_at__isnull=False),
                name="outbox_delivery_valid",
            ),
        ]
        # An event's messages are found through outbox_once_per_event, which leads with the event.
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_until"], name="outbox_lease"),
            models.Index(fields=["channel", "provider_ref"], name="outbox_provider_ref"),
            models.Index(fields=["channel", "delivery", "sent_at"], name="outbox_delivery"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.channel} -> {self.user_id}: {self.status}"


class DeliveryAttempt(models.Model):
    """One try of an outbox message: when, what came of it, and when the next one is due."""

    class Result(models.TextChoices):
        # ``error``: the provider refused or could not be reached. The other three end a try whose
        # worker died: the provider confirmed it has the message, never got it, or nobody can tell.
        SENT = "sent", pgettext_lazy("outbox", "sent")
        ERROR = "error", pgettext_lazy("outbox", "error")
        CONFIRMED = "confirmed", pgettext_lazy("outbox", "confirmed")
        NOT_RECEIVED = "not_received", pgettext_lazy("outbox", "not received")
        UNKNOWN = "unknown", pgettext_lazy("outbox", "unknown")

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    result = models.CharField(max_length=16, choices=Result.choices)
    error = models.TextField(blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)  # the back-off chosen after an error

    class Meta:
        verbose_name = _("delivery attempt")
        ordering = ["message", "number", "id"]
