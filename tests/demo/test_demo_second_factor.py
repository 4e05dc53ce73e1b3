"""The demo requires the second factor as production does, and a reviewer can still walk as every
role (R-SEC-1): the demo staff accounts have TOTP devices and the 2FA page shows the current code
(demo settings only); ``community`` has none and ``seed_demo`` prints an enrolment code for it."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from ownervote.demo.accounts import ACCOUNTS
from ownervote.orgs.models import Organisation
from ownervote.roster import demo

HINT = re.compile(r"演示环境：当前动态码 (\d{6})")


def _pass_second_factor(client: Client, page: str) -> None:
    code = HINT.search(page).group(1)
    assert client.post("/console/2fa/", {"token": code, "next": "/console/"}).status_code == 302


@pytest.mark.django_db
def test_every_demo_role_signs_in_with_the_shown_code_and_community_enrols_r_sec_1(settings):
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = set(Organisation.Kind.values)
    settings.OWNERVOTE_DEMO_TOTP_HINT = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    enrolment = re.search(r"enrolment code ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", out.getvalue()).group(1)
    for username, *_ in ACCOUNTS:
        client = Client()
        signed_in = client.post("/console/login/", {"username": username, "password": demo.DEMO_PASSWORD})
        assert signed_in.status_code == 302, username
        home = client.get("/console/")
        if home.status_code == 302:  # approved staff: the second factor first
            assert home["Location"].startswith("/console/2fa/"), username
            page = client.get(home["Location"]).content.decode()
            if username == "community":
                assert "启用码" in page and not HINT.search(page)
                assert client.post("/console/2fa/", {"code": enrolment}).status_code == 302
                page = client.get("/console/2fa/").content.decode()
                assert "<svg" in page  # the QR code to scan
            _pass_second_factor(client, page)
        assert client.get("/console/").status_code == 200, username
    assert TOTPDevice.objects.filter(user__username="community", confirmed=True).exists()
    # Once enrolled, no code is printed any more.
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "enrolment code" not in out.getvalue()


def test_the_hint_is_only_in_the_dev_settings():
    from ownervote.settings import base, dev

    assert dev.OWNERVOTE_DEMO_TOTP_HINT is True and base.OWNERVOTE_DEMO_TOTP_HINT is False
    assert set(Organisation.Kind.values) == dev.OWNERVOTE_REQUIRE_2FA_KINDS
