"""Meetings: console pages under /console/, the public notice under /p/meetings/ (no sign-in)."""

from django.urls import path

from .views import calendar, console, editor, guidance, public, service

app_name = "meetings"
urlpatterns = [
    # console
    path("console/meetings/", console.index, name="index"),
    path("console/estates/<int:estate_id>/meetings/", console.estate_meetings, name="estate_meetings"),
    path("console/estates/<int:estate_id>/meetings/new/", editor.create, name="create"),
    path("console/estates/<int:estate_id>/meetings/preview/", editor.preview, name="preview"),
    path("console/meetings/<int:meeting_id>/", console.detail, name="detail"),
    path("console/meetings/<int:meeting_id>/edit/", editor.edit, name="edit"),
    path("console/meetings/<int:meeting_id>/preview/", editor.change_preview, name="change_preview"),
    path("console/meetings/<int:meeting_id>/submit/", console.submit, name="submit"),
    path("console/meetings/<int:meeting_id>/publish/", console.publish, name="publish"),
    path("console/meetings/<int:meeting_id>/cancel/", console.cancel, name="cancel"),
    path("console/meetings/<int:meeting_id>/documents/", console.document_add, name="document_add"),
    path(
        "console/meetings/<int:meeting_id>/documents/<int:document_id>/",
        console.document_download,
        name="document",
    ),
    path(
        "console/meetings/<int:meeting_id>/documents/<int:document_id>/remove/",
        console.document_remove,
        name="document_remove",
    ),
    path("console/meetings/<int:meeting_id>/notice.pdf", console.notice_pdf, name="print_pdf"),
    path("console/meetings/<int:meeting_id>/versions/", console.compare, name="compare"),
    path("console/meetings/<int:meeting_id>/service/", service.service, name="service"),
    path("console/meetings/<int:meeting_id>/guidance/", guidance.guidance, name="guidance"),
    path("console/guidance/", guidance.to_guide, name="to_guide"),
    path("console/calendar/", calendar.calendar, name="calendar"),
    # public
    path("p/meetings/<int:meeting_id>/", public.public, name="notice"),
    path("p/meetings/<int:meeting_id>/notice.pdf", public.public_pdf, name="notice_pdf"),
    path(
        "p/meetings/<int:meeting_id>/documents/<int:document_id>/",
        public.public_document,
        name="notice_document",
    ),
]
