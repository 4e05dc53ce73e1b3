from django.urls import path, re_path

from . import anchor_views, views

app_name = "portal"
urlpatterns = [
    path("m/", views.home, name="home"),
    path("m/e/<int:estate_id>/", views.estate, name="estate"),
    path("console/estates/<int:estate_id>/poster/", views.poster, name="poster"),
    re_path(
        r"^console/estates/(?P<estate_id>[0-9]+)/poster/qr\.(?P<fmt>svg|png)$",
        views.poster_qr,
        name="poster_qr",
    ),
]

# R-SEC-5: the public anchors of the audit chain heads (anchor_views.py), no sign-in.
urlpatterns += [
    path("p/audit/", anchor_views.index, name="anchors"),
    path("p/audit/anchors.json", anchor_views.day_json, name="anchors_day_json"),
    path("p/audit/global/", anchor_views.global_chain, name="anchors_global"),
    path("p/audit/global/anchors.json", anchor_views.global_json, name="anchors_global_json"),
    path("p/audit/estates/<int:estate_id>/", anchor_views.estate, name="anchors_estate"),
    path(
        "p/audit/estates/<int:estate_id>/anchors.json", anchor_views.estate_json, name="anchors_estate_json"
    ),
]
