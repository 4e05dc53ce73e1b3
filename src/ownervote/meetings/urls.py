"""Meetings: console pages under /console/, the public notice under /p/meetings/ (no sign-in)."""

from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    # console
    path("console/meetings/", views.index, name="index"),
    path("console/estates/<int:estate_id>/meetings/", views.estate_meetings, name="estate_meetings"),
    path("console/estates/<int:estate_id>/meetings/new/", views.create, name="create"),
    path("console/estates/<int:estate_id>/meetings/preview/", views.preview, name="preview"),
    path("console/meetings/<int:meeting_id>/", views.detail, name="detail"),
    path("console/meetings/<int:meeting_id>/edit/", views.edit, name="edit"),
    path("console/meetings/<int:meeting_id>/preview/", views.change_preview, name="change_preview"),
    path("console/meetings/<int:meeting_id>/submit/", views.submit, name="submit"),
    path("console/meetings/<int:meeting_id>/publish/", views.publish, name="publish"),
    path("console/meetings/<int:meeting_id>/cancel/", views.cancel, name="cancel"),
    path("console/meetings/<int:meeting_id>/documents/", views.document_add, name="document_add"),
    path(
        "console/meetings/<int:meeting_id>/documents/<int:document_id>/",
        views.document_download,
        name="document",
    ),
    path(
        "console/meetings/<int:meeting_id>/documents/<int:document_id>/remove/",
        views.document_remove,
        name="document_remove",
    ),
    path("console/meetings/<int:meeting_id>/notice.pdf", views.notice_pdf, name="print_pdf"),
    path("console/meetings/<int:meeting_id>/versions/", views.compare, name="compare"),
    path("console/meetings/<int:meeting_id>/guidance/", views.guidance, name="guidance"),
    path("console/guidance/", views.to_guide, name="to_guide"),
    path("console/calendar/", views.calendar, name="calendar"),
    # public
    path("p/meetings/<int:meeting_id>/", views.public, name="notice"),
    path("p/meetings/<int:meeting_id>/notice.pdf", views.public_pdf, name="notice_pdf"),
    path(
        "p/meetings/<int:meeting_id>/documents/<int:document_id>/",
        views.public_document,
        name="notice_document",
    ),
]
