"""Anonymous staff registration (R-ORG-1) never tells whether a username exists, and is throttled
(issue 19): the page and the API answer the same for a free and a taken username; the applicant
learns the outcome by a text message to the mobile they entered; too many attempts from one address
(or naming one mobile) are refused with 429 and a Chinese message."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.audit.models import AuditEvent
from ownervote.orgs.models import Association, User
from tests.identity.helpers import last_sms

pytestmark = pytest.mark.django_db

PASSWORD = "Jindi-garden-2026"


def page_form(estate_id: int, username: str, mobile: str) -> dict:
    return {
        "username": username,
        "password": PASSWORD,
        "password2": PASSWORD,
        "real_name": "林晓梅",
        "mobile": mobile,
        "organisation_kind": "preparatory_group",
        "organisation_name": "金地花园业主大会筹备组",
        "estate": estate_id,
        "division": "",
    }


def api_body(estate_id: int, username: str, mobile: str) -> dict:
    return {
        "username": username,
        "password": PASSWORD,
        "real_name": "林晓梅",
        "mobile": mobile,
        "organisation_kind": "preparatory_group",
        "organisation_name": "金地花园业主大会筹备组",
        "estate_id": estate_id,
    }


def page_answer(client, data) -> tuple[int, str, str]:
    response = client.post(reverse("console:register"), data, follow=True)
    first = response.redirect_chain[0] if response.redirect_chain else (None, response.status_code)
    text = " ".join(str(m) for m in response.context["messages"])
    return first[1], first[0], text


def test_the_page_answers_the_same_for_a_taken_username(staff, estates):  # R-ORG-1 R-SEC-1
    taken = staff["convener"].username
    before = User.objects.get(username=taken).password
    free = page_answer(Client(), page_form(estates["b"].pk, "lin.xiaomei", "13912345678"))
    again = page_answer(Client(), page_form(estates["b"].pk, taken, "13912345679"))
    assert free[:2] == again[:2] == (302, reverse("console:login"))
    assert free[2].replace("5678", "####") == again[2].replace("5679", "####")
    assert "短信" in free[2]

    # The free name is registered; the taken one changed nothing, and was audited.
    assert Association.objects.filter(organisation__memberships__user__username="lin.xiaomei").exists()
    assert User.objects.get(username=taken).password == before
    assert User.objects.filter(username__iexact=taken).count() == 1
    refused = AuditEvent.objects.get(action="account.registration_refused")
    assert refused.summary["username"] == taken and refused.summary["mobile"] == "139****5679"

    # Out of band: each mobile is told its own outcome.
    assert "已创建" in last_sms("13912345678").params()["title"]
    assert "不可使用" in last_sms("13912345679").params()["title"]


def test_the_api_answers_the_same_for_a_taken_username(staff, estates):  # R-ORG-1 R-SEC-1
    client = Client()
    post = lambda body: client.post("/api/orgs/register", body, content_type="application/json")  # noqa: E731
    free = post(api_body(estates["b"].pk, "lin.xiaomei", "13912345678"))
    taken = post(api_body(estates["b"].pk, staff["street"].username.upper(), "13912345678"))
    assert free.status_code == taken.status_code == 202
    assert free.json() == taken.json()
    assert free.json()["received"] is True and "139****5678" in free.json()["message"]


def test_registration_is_throttled_per_address(staff, estates, settings):  # R-ORG-1
    settings.OWNERVOTE_REGISTER_PER_IP_PER_HOUR = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    post = lambda n: client.post(  # noqa: E731
        "/api/orgs/register",
        api_body(estates["b"].pk, f"applicant-{n}", f"1391234000{n}"),
        content_type="application/json",
    )
    assert [post(n).status_code for n in range(3)] == [202, 202, 202]
    refused = post(3)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "account.register_too_many"
    assert "注册尝试过于频繁" in error["message"] and error["details"]["retry_after"] > 0
    assert not User.objects.filter(username="applicant-3").exists()

    # The page too, from the same address; another address is not held up.
    page = Client(REMOTE_ADDR="203.0.113.7").post(
        reverse("console:register"), page_form(estates["b"].pk, "applicant-4", "13912340004")
    )
    assert page.status_code == 429 and "注册尝试过于频繁" in page.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.2").post(
        "/api/orgs/register",
        api_body(estates["b"].pk, "applicant-5", "13912340005"),
        content_type="application/json",
    )
    assert other.status_code == 202


def test_registration_is_throttled_per_mobile(staff, estates, settings):  # R-ORG-1
    """Each answer is a text message to the mobile named: at most a few a day for one number."""
    settings.OWNERVOTE_REGISTER_PER_MOBILE_PER_DAY = 2
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n}")
        .post(
            "/api/orgs/register",
            api_body(estates["b"].pk, f"applicant-{n}", "13912345678"),
            content_type="application/json",
        )
        .status_code
        for n in range(3)
    ]
    assert statuses == [202, 202, 429]
