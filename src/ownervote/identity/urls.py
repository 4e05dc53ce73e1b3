from django.urls import path

from . import views

app_name = "identity"
urlpatterns = [
    path("m/login/", views.login, name="login"),
    path("m/logout/", views.logout, name="logout"),
    path("m/wechat/start/", views.wechat_start, name="wechat_start"),
    path("m/wechat/callback/", views.wechat_callback, name="wechat_callback"),
    path("m/wechat/link/", views.wechat_link, name="wechat_link"),
    path("m/settings/", views.settings_page, name="settings"),
    path("m/settings/elder-mode/", views.elder_mode, name="elder_mode"),
]
