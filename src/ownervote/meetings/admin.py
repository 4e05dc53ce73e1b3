"""Read-only admin pages (mounted only with DEBUG) for looking at meetings while developing.
Every change goes through ``meetings.services``, which checks, locks and writes the audit log, so
the admin can add, change and delete nothing."""

from __future__ import annotations

from django.contrib import admin

from .models import CalendarYear, Eligibility, Guidance, Meeting, MeetingDocument, MeetingVersion, Publicity


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ("id", "title", "estate", "kind", "status", "starts_at", "version")
    list_filter = ("status", "kind", "method")
    search_fields = ("title", "estate__name")


@admin.register(MeetingVersion)
class MeetingVersionAdmin(ReadOnly):
    list_display = ("meeting", "number", "digest", "created_at")


@admin.register(Publicity)
class PublicityAdmin(ReadOnly):
    list_display = ("meeting", "version", "starts_on", "ends_on", "superseded_at")


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(ReadOnly):
    list_display = ("meeting", "kind", "title", "uploaded_at", "removed_at")


@admin.register(Guidance)
class GuidanceAdmin(ReadOnly):
    list_display = ("meeting", "organisation", "author_real_name", "version", "created_at")


@admin.register(Eligibility)
class EligibilityAdmin(ReadOnly):
    list_display = ("meeting", "flat", "user", "mode", "reason")
    list_filter = ("mode", "reason")


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnly):
    list_display = ("year", "source", "updated_at")
