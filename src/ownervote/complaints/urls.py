"""Complaints (R-SEC-4): owner pages under /m/complaints/, the handling office's queue and the
oversight figures under /console/complaints/."""

from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    # owner pages
    path("m/complaints/", views.owner_list, name="mine"),
    path("m/complaints/new/", views.owner_new, name="new"),
    path("m/complaints/<int:complaint_id>/", views.owner_detail, name="owner_detail"),
    path("m/complaints/<int:complaint_id>/files/<int:file_id>/", views.owner_file, name="owner_file"),
    # console
    path("console/complaints/", views.queue, name="queue"),
    path("console/complaints/oversight/", views.oversight, name="oversight"),
    path("console/complaints/<int:complaint_id>/", views.detail, name="detail"),
    path("console/complaints/<int:complaint_id>/contact/", views.contact, name="contact"),
    path("console/complaints/<int:complaint_id>/files/<int:file_id>/", views.file, name="file"),
]
