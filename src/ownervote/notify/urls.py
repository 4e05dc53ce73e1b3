from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("m/inbox/", views.inbox, name="inbox"),
]
