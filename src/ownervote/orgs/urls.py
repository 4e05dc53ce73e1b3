from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

app_name = "console"
urlpatterns = [
    path("", TemplateView.as_view(template_name="console/home.html"), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/", TemplateView.as_view(template_name="console/home.html"), name="2fa"),
]
