"""R-TRUST-1: a verification records where it was made from, for the impersonation signals: the
keyed hash of the browser's device cookie and its address; on site, the convener's phone (the
binding the on-site verification creates copies them). Never the cookie's value itself."""

from __future__ import annotations

import pytest

from ownervote.bindings.models import Binding
from ownervote.core.devices import COOKIE
from ownervote.verification.models import Method, Verification
from tests.traces import assert_raw_id_stored_nowhere, browser, hash_of, verify_through_pages

from .conftest import send_code
from .test_onsite import form_data, onsite_url
from .test_self_service import NEWCOMER_MOBILE, details

pytestmark = pytest.mark.django_db


def test_r_trust_1_self_service_through_the_pages_records_the_browser(world):
    phone = browser(world["newcomer"], address="203.0.113.10")
    verify_through_pages(phone, **details())
    v = Verification.objects.get(user=world["newcomer"])
    assert v.status == Verification.Status.PASSED
    assert (v.device_hash, v.client_ip) == (hash_of(phone), "203.0.113.10")
    assert_raw_id_stored_nowhere(phone)


def test_r_trust_1_self_service_through_the_api_records_the_client(world):
    phone = browser(world["newcomer"], address="198.51.100.20")
    body = {**details(), "code": send_code(NEWCOMER_MOBILE)}
    started = phone.post("/api/verification/self-service", body, content_type="application/json")
    assert started.status_code == 201, started.content
    v = Verification.objects.get(pk=started.json()["verification_id"])
    assert (v.device_hash, v.client_ip) == (hash_of(phone), "198.51.100.20")


def test_r_trust_1_a_client_without_the_cookie_records_its_address_only(world):
    """A mini-program that keeps no cookies: no device is claimed for it, its address still counts."""
    app = browser(world["newcomer"], address="198.51.100.21")
    del app.cookies[COOKIE]
    body = {**details(), "code": send_code(NEWCOMER_MOBILE)}
    started = app.post("/api/verification/self-service", body, content_type="application/json")
    assert started.status_code == 201, started.content
    v = Verification.objects.get(pk=started.json()["verification_id"])
    assert (v.device_hash, v.client_ip) == ("", "198.51.100.21")


def test_r_trust_1_a_refused_start_records_nothing(world):
    phone = browser(world["newcomer"])
    body = {**details(), "code": "000000"}
    refused = phone.post("/api/verification/self-service", body, content_type="application/json")
    assert refused.status_code == 422
    assert not Verification.objects.filter(user=world["newcomer"]).exists()


def test_r_trust_1_on_site_records_the_conveners_phone_on_verification_and_binding(world):
    """The owner is not at a keyboard on site: what is recorded is the convener's phone, so that
    one convener's verifications can be counted (the on-site concentration signal)."""
    convener = browser(world["convener"], address="203.0.113.30")
    owner = browser(address="203.0.113.31")  # the owner's own phone, not used on site
    response = convener.post(onsite_url(world["estate"]), form_data(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    v = Verification.objects.get(method=Method.ON_SITE)
    binding = Binding.objects.get(verification=v)
    assert (v.device_hash, v.client_ip) == (hash_of(convener), "203.0.113.30")
    assert (binding.device_hash, binding.client_ip) == (hash_of(convener), "203.0.113.30")
    assert hash_of(owner) != hash_of(convener)
    assert_raw_id_stored_nowhere(convener)
