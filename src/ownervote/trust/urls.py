"""Impersonation signals (R-TRUST-1): the street office's list and review pages under
/console/signals/."""

from django.urls import path

from . import views

app_name = "trust"
urlpatterns = [
    path("console/signals/", views.signal_list, name="list"),
    path("console/signals/<int:signal_id>/", views.detail, name="detail"),
    path("console/signals/<int:signal_id>/reveal/", views.reveal, name="reveal"),
]
