"""Objections to the result (R-TRUST-2): owner pages under /m/, the convener's list under
/console/meetings/<id>/objections/."""

from django.urls import path

from . import views

app_name = "objections"
urlpatterns = [
    path("m/objections/", views.owner_list, name="mine"),
    path("m/meetings/<int:meeting_id>/objections/new/", views.owner_new, name="new"),
    path("m/objections/<int:objection_id>/accept/", views.owner_accept, name="accept"),
    path("m/objections/<int:objection_id>/dispute/", views.owner_dispute, name="dispute"),
    path("console/meetings/<int:meeting_id>/objections/", views.console, name="console"),
]
