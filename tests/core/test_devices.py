"""The device cookie (R-TRUST-1, core/devices.py): one random id per browser, set once and kept for
two years, HttpOnly and SameSite=Lax, never on a response a shared cache may keep; only its keyed
hash is ever stored."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from ownervote.core import devices
from ownervote.core.crypto import lookup_hash
from ownervote.core.devices import COOKIE, DeviceCookieMiddleware, device_hash, traces
from ownervote.core.views import download

pytestmark = pytest.mark.django_db

PAGE = "/m/login/"


def test_r_trust_1_a_first_visit_gets_a_device_cookie_once_and_keeps_it():
    client = Client()
    first = client.get(PAGE)
    assert first.status_code == 200
    cookie = first.cookies[COOKIE]
    assert len(cookie.value) == 43  # 32 random bytes, URL-safe
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # plain HTTP (development): a Secure cookie would never come back
    assert 700 * 24 * 3600 < int(cookie["max-age"]) <= 2 * 366 * 24 * 3600  # about two years
    assert "private" in first["Cache-Control"]  # no shared cache may hand this id to another browser
    again = client.get(PAGE)
    assert COOKIE not in again.cookies  # not set again: the browser keeps the one it has
    assert client.cookies[COOKIE].value == cookie.value


def test_r_trust_1_the_cookie_is_secure_over_https():
    response = Client().get(PAGE, secure=True)
    assert response.cookies[COOKIE]["secure"] is True


def test_r_trust_1_two_browsers_get_different_ids():
    a, b = Client(), Client()
    a.get(PAGE)
    b.get(PAGE)
    assert a.cookies[COOKIE].value != b.cookies[COOKIE].value


def test_r_trust_1_a_value_we_never_issue_is_replaced_and_counts_as_no_device():
    client = Client()
    client.cookies[COOKIE] = "x" * 5000
    response = client.get(PAGE)
    fresh = response.cookies[COOKIE].value
    assert fresh != "x" * 5000 and len(fresh) == 43
    request = RequestFactory().get(PAGE)
    request.COOKIES[COOKIE] = "not-ours"
    assert device_hash(request) == ""


def test_r_trust_1_only_the_keyed_hash_of_the_id_leaves_the_request():
    raw = devices.new_id()
    request = RequestFactory().get(PAGE, REMOTE_ADDR="203.0.113.7")
    request.COOKIES[COOKIE] = raw
    stored = device_hash(request)
    assert stored == lookup_hash("device", raw) and len(stored) == 64 and raw not in stored
    assert stored != lookup_hash("mobile", raw)  # its own kind: never equal to another hash
    assert traces(request) == {"device_hash": stored, "client_ip": "203.0.113.7"}
    bare = RequestFactory().get(PAGE, REMOTE_ADDR="198.51.100.2")
    assert traces(bare) == {"device_hash": "", "client_ip": "198.51.100.2"}  # no cookie: no device


@pytest.mark.parametrize(
    "cache_control",
    ["public, max-age=300", "no-cache", "max-age=60", "s-maxage=600", "public"],
)
def test_r_trust_1_no_cookie_on_a_response_a_shared_cache_may_keep(cache_control):
    """A cache would hand one id to every browser reading the page: they would all look like one
    device using many owners' flats, the very signal this cookie feeds."""

    def view(request):
        response = HttpResponse("public")
        response["Cache-Control"] = cache_control
        return response

    response = DeviceCookieMiddleware(view)(RequestFactory().get("/p/anything/"))
    assert COOKIE not in response.cookies and response["Cache-Control"] == cache_control


@pytest.mark.parametrize(
    ("cache_control", "after"),
    [
        ("no-store, private", "no-store, private"),
        ("max-age=0, no-cache, no-store, must-revalidate, private", None),
        ("private, max-age=60", "private, max-age=60"),
        ("", "private"),
    ],
)
def test_r_trust_1_private_responses_carry_the_cookie(cache_control, after):
    def view(request):
        response = HttpResponse("mine")
        if cache_control:
            response["Cache-Control"] = cache_control
        return response

    response = DeviceCookieMiddleware(view)(RequestFactory().get("/m/"))
    assert COOKIE in response.cookies
    assert response["Cache-Control"] == (after or cache_control)


def test_r_trust_1_the_sites_public_downloads_set_no_cookie_its_private_ones_do():
    """``core.views.download``: a public file (a meeting's notice, the public result PDF) may be
    cached for five minutes, so it carries no cookie; a private one (a roster export) does."""

    def public(request):
        return download(b"%PDF", "notice.pdf", "application/pdf", private=False)

    def private(request):
        return download(b"x", "roster.xlsx", "", private=True)

    response = DeviceCookieMiddleware(public)(RequestFactory().get("/p/meetings/1/notice.pdf"))
    assert response["Cache-Control"] == "public, max-age=300" and COOKIE not in response.cookies
    response = DeviceCookieMiddleware(private)(RequestFactory().get("/console/estates/1/roster.xlsx"))
    assert response["Cache-Control"] == "no-store, private" and COOKIE in response.cookies
