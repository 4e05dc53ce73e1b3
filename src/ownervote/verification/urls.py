"""Verification pages. Owner pages under /m/, console pages under /console/, and the development
face provider's page under /dev/face/ (a 404 unless that provider is configured)."""

from django.urls import path

from . import views

app_name = "verification"
urlpatterns = [
    path("m/verify/", views.self_service, name="self_service"),
    path("m/verify/consent/", views.face_consent, name="face_consent"),
    path("m/verify/on-site/", views.onsite_path, name="onsite_path"),
    path("m/verify/face/callback/", views.face_callback, name="face_callback"),
    path("m/verify/<int:verification_id>/", views.result, name="result"),
    path("m/notices/", views.notices, name="notices"),
    path("dev/face/<slug:ref>/", views.dev_face, name="dev_face"),
    path("console/estates/<int:estate_id>/onsite/", views.onsite, name="onsite"),
    path(
        "console/estates/<int:estate_id>/onsite/<int:verification_id>/",
        views.onsite_detail,
        name="onsite_detail",
    ),
    path(
        "console/estates/<int:estate_id>/onsite/<int:verification_id>/photos/<slug:which>/",
        views.onsite_photo,
        name="onsite_photo",
    ),
    path("console/verification-methods/", views.methods, name="methods"),
]
