"""The convener's roster pages in the staff console, mounted at /console/estates/."""

from django.urls import path

from . import views

app_name = "roster"
urlpatterns = [
    path("", views.estate_list, name="estate_list"),
    path("new/", views.estate_create, name="estate_create"),
    path("template.xlsx", views.import_template, name="import_template"),
    path("<int:estate_id>/", views.estate_detail, name="estate_detail"),
    path("<int:estate_id>/owners/<int:owner_id>/reveal/", views.owner_reveal, name="owner_reveal"),
    path("<int:estate_id>/flats/<int:flat_id>/edit/", views.flat_edit, name="flat_edit"),
    path("<int:estate_id>/import/", views.import_upload, name="import"),
    path("<int:estate_id>/import/<int:batch_id>/", views.import_preview, name="import_preview"),
    path("<int:estate_id>/import/<int:batch_id>/errors.xlsx", views.import_errors, name="import_errors"),
    path("<int:estate_id>/import/<int:batch_id>/apply/", views.import_apply, name="import_apply"),
    path("<int:estate_id>/import/<int:batch_id>/discard/", views.import_discard, name="import_discard"),
    path("<int:estate_id>/export/", views.export, name="export"),
    path("<int:estate_id>/totals/", views.totals, name="totals"),
    path("<int:estate_id>/changes/", views.changes, name="changes"),
    path(
        "<int:estate_id>/changes/<int:change_id>/files/<int:file_id>/",
        views.change_file,
        name="change_file",
    ),
    path("<int:estate_id>/settings/", views.estate_settings, name="settings"),
]
