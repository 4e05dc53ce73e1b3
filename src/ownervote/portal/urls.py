from django.urls import path, re_path

from . import views

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
