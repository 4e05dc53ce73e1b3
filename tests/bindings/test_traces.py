"""R-TRUST-1: a binding records where it was made from (the keyed hash of the browser's device
cookie, and its address), for the impersonation signals; one browser is one device across the
owner's verification and binding; two browsers are two devices; the cookie's value is stored
nowhere."""

from __future__ import annotations

import pytest

from ownervote.bindings.models import Binding
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.verification.models import Verification
from tests.rosterfiles import mobile, person_id
from tests.traces import assert_raw_id_stored_nowhere, browser, hash_of, verify_through_pages

pytestmark = pytest.mark.django_db


def test_r_trust_1_one_browser_is_one_device_from_verification_to_binding(owner_world, estates):
    zhao = owner_account_for_mobile(mobile(4))  # 赵六, owner of 1栋-201 and 2栋-201, not verified yet
    phone = browser(zhao, address="203.0.113.40")
    verify_through_pages(phone, name="赵六", id_number=person_id(4), mobile=mobile(4))
    flat = owner_world["flats"]["1栋-201"]
    bound = phone.post(f"/m/estates/{estates['a'].pk}/", {"flat_id": flat.pk})
    assert bound.status_code == 302, bound.content.decode()[:2000]
    binding = Binding.objects.get(user=zhao, flat=flat)
    verification = Verification.objects.get(user=zhao)
    assert binding.device_hash == verification.device_hash == hash_of(phone)
    assert binding.client_ip == verification.client_ip == "203.0.113.40"
    assert_raw_id_stored_nowhere(phone)


def test_r_trust_1_two_browsers_are_two_devices(owner_world, estates):
    """wang binds through the API on one phone, a second flat of another owner is bound on
    another: the hashes differ, each row has its own address."""
    flats = owner_world["flats"]
    wang_phone = browser(owner_world["wang"], address="203.0.113.41")
    r = wang_phone.post("/api/bindings", {"flat_id": flats["1栋-102"].pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    zhang_phone = browser(owner_world["zhang"], address="203.0.113.42")
    r = zhang_phone.post(f"/m/estates/{estates['a'].pk}/", {"flat_id": flats["车库-P001"].pk})
    assert r.status_code == 302, r.content.decode()[:2000]
    wang_binding = Binding.objects.get(user=owner_world["wang"])
    zhang_binding = Binding.objects.get(user=owner_world["zhang"], flat=flats["车库-P001"])
    assert (wang_binding.device_hash, wang_binding.client_ip) == (hash_of(wang_phone), "203.0.113.41")
    assert (zhang_binding.device_hash, zhang_binding.client_ip) == (hash_of(zhang_phone), "203.0.113.42")
    assert wang_binding.device_hash != zhang_binding.device_hash
    assert_raw_id_stored_nowhere(wang_phone, zhang_phone)


def test_r_trust_1_a_refused_binding_records_nothing(owner_world, estates):
    phone = browser(owner_world["zhang"])
    before = Binding.objects.count()
    r = phone.post(
        "/api/bindings", {"flat_id": owner_world["flats"]["1栋-201"].pk}, content_type="application/json"
    )
    assert r.status_code == 422 and Binding.objects.count() == before
