"""The binding list (R-BIND-3) and objections (R-BIND-4): console pages under /console/estates/,
owner pages under /m/."""

from django.urls import path

from . import views

app_name = "bindinglist"
urlpatterns = [
    # console
    path("console/estates/<int:estate_id>/binding-list/", views.console, name="console"),
    path(
        "console/estates/<int:estate_id>/binding-list/publications/<int:publication_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path("console/estates/<int:estate_id>/binding-list/list.pdf", views.list_pdf, name="pdf"),
    path("console/estates/<int:estate_id>/binding-list/list.xlsx", views.list_xlsx, name="xlsx"),
    path("console/estates/<int:estate_id>/objections/", views.objections, name="objections"),
    path("console/objections/overdue/", views.overdue, name="overdue"),
    path(
        "console/estates/<int:estate_id>/objections/<int:objection_id>/",
        views.objection_detail,
        name="objection_detail",
    ),
    path(
        "console/estates/<int:estate_id>/objections/<int:objection_id>/files/<int:file_id>/",
        views.objection_file,
        name="objection_file",
    ),
    # owner pages
    path("m/estates/<int:estate_id>/binding-list/", views.owner, name="owner"),
    path("m/estates/<int:estate_id>/binding-list/list.pdf", views.owner_list_pdf, name="owner_pdf"),
    path("m/estates/<int:estate_id>/binding-list/list.xlsx", views.owner_list_xlsx, name="owner_xlsx"),
    path("m/bindings/<int:binding_id>/objection/", views.objection_new, name="objection_new"),
]
