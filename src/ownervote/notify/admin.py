"""The outbox in Django's admin (mounted with DEBUG only): what left, what waits, what failed and
why, each try with its back-off. ``manage.py outbox`` shows the same on a production server."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import tasks
from .models import DeliveryAttempt, OutboxMessage


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "finished_at", "result", "error", "retry_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "event",
        "channel",
        "user",
        "status",
        "attempts",
        "not_before",
        "sent_at",
        "delivery",
        "delivered_at",
        "maybe_sent",
    )
    list_filter = ("status", "channel", "delivery", "maybe_sent", "kind")
    list_select_related = ("user",)
    search_fields = ("event", "kind", "title")
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
    actions = ["send_again"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def send_again(self, request, queryset):
        count = tasks.retry_failed(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            _("%(count)d message(s) queued again (those that may already have arrived were left alone).")
            % {"count": count},
            messages.SUCCESS,
        )
