from django.urls import path

from . import views

app_name = "demo"
urlpatterns = [
    path("demo/", views.index, name="index"),
    path("demo/<slug:key>/", views.go, name="go"),
]
