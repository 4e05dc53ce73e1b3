"""The console page of the city's thresholds of the signals (R-TRUST-1)."""

from django.urls import path

from . import thresholds_views

app_name = "trust_thresholds"
urlpatterns = [
    path("console/trust/thresholds/", thresholds_views.thresholds, name="thresholds"),
]
