"""Elder mode (长辈版, R-SEC-8): the person's own switch, kept on the account (or, signed out, in
the session until sign-in), audited when it changes; the owner pages marked for it; the API's
preferences. The figures themselves are measured in a browser (tests/browser/test_elder_mode.py)."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Forbidden
from ownervote.identity import services
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.identity.eldermode import SESSION_KEY

from .helpers import last_code

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"
SWITCH = "/m/settings/elder-mode/"


def _owner(mobile=MOBILE):
    with transaction.atomic():
        return owner_account_for_mobile(mobile)


def _elder(html: str) -> bool:
    return 'class="ov-elder"' in html


def test_the_service_keeps_it_on_the_account_and_audits_a_change_R_SEC_8():
    user = _owner()
    assert user.elder_mode is False
    services.elder_mode_set(actor=user, on=True)
    services.elder_mode_set(actor=user, on=True)  # no change: not recorded again
    user.refresh_from_db()
    assert user.elder_mode is True
    events = AuditEvent.objects.filter(action="identity.elder_mode_set")
    assert events.count() == 1 and events.get().actor == user
    services.elder_mode_set(actor=user, on=False)
    user.refresh_from_db()
    assert user.elder_mode is False and events.count() == 2


def test_nobody_signed_out_keeps_it_on_an_account_R_SEC_8():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Forbidden):
        services.elder_mode_set(actor=AnonymousUser(), on=True)


def test_the_switch_on_the_home_marks_every_owner_page_of_that_person_R_SEC_8(client):
    user, other = _owner(), _owner("13900000002")
    client.force_login(user)
    home = client.get("/m/").content.decode()
    assert 'id="elder-switch"' in home and not _elder(home) and "开启长辈版" in home
    response = client.post(SWITCH, {"on": "1", "next": "/m/"})
    assert response.status_code == 302 and response["Location"] == "/m/"
    user.refresh_from_db()
    assert user.elder_mode is True
    for url in ("/m/", "/m/settings/", "/m/inbox/", "/m/flats/"):
        assert _elder(client.get(url).content.decode()), url
    assert "关闭长辈版" in client.get("/m/settings/").content.decode()
    client.force_login(other)
    assert not _elder(client.get("/m/").content.decode())


def test_signed_out_it_is_kept_in_the_session_then_on_the_account_R_SEC_8(client):
    response = client.post(SWITCH, {"on": "1", "next": "https://elsewhere.example/"})
    assert response.status_code == 302 and response["Location"] == "/m/settings/"  # never off-site
    assert client.session[SESSION_KEY] is True
    assert _elder(client.get("/m/login/").content.decode())
    client.post("/m/login/", {"mobile": MOBILE, "action": "send"})
    client.post("/m/login/", {"mobile": MOBILE, "code": last_code(MOBILE), "action": "sign_in"})
    user = _owner()
    assert user.elder_mode is True
    assert SESSION_KEY not in client.session


def test_the_resend_wait_is_told_as_text_R_SEC_8(client):
    html = client.post("/m/login/", {"mobile": MOBILE, "action": "send"}).content.decode()
    assert "60 秒后可重新获取验证码" in html and "setTimeout" not in html and "setInterval" not in html


def test_the_api_reads_and_changes_ones_own_preferences_R_SEC_8(client):
    user = _owner()
    client.force_login(user)
    assert client.get("/api/auth/preferences").json() == {"elder_mode": False}
    body = json.dumps({"elder_mode": True})
    response = client.put("/api/auth/preferences", body, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"elder_mode": True}
    user.refresh_from_db()
    assert user.elder_mode is True
    client.logout()
    assert client.get("/api/auth/preferences").status_code == 401
