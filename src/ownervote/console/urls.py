"""The staff console (namespace ``console``). The roster pages are mounted at /console/estates/."""

from django.urls import path

from . import accounts, inbox, views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("2fa/", views.two_factor, name="2fa"),
    path("register/", views.register, name="register"),
    path("associations/", views.associations, name="associations"),
    path("associations/apply/", views.association_apply, name="association_apply"),
    path("associations/<int:pk>/decide/", views.association_decide, name="association_decide"),
    path("messages/", inbox.inbox, name="inbox"),
    path("messages/read/", inbox.inbox_read_all, name="inbox_read_all"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("accounts/", accounts.accounts, name="accounts"),
    path("accounts/<int:pk>/code/", accounts.account_code, name="account_code"),
    path("accounts/<int:pk>/reset/", accounts.account_reset, name="account_reset"),
    path("accounts/<int:pk>/unlock/", accounts.account_unlock, name="account_unlock"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:org_id>/<int:pk>/revoke/", views.staff_revoke, name="staff_revoke"),
]
