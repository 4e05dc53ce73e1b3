from django.urls import path

from . import views

app_name = "bindings"
urlpatterns = [
    path("m/estates/", views.search, name="search"),
    path("m/estates/<int:estate_id>/", views.estate, name="estate"),
    path("m/flats/", views.mine, name="mine"),
    path("m/flats/<int:binding_id>/end/", views.end, name="end"),
    path("console/bindings/import/", views.import_page, name="import"),
]
