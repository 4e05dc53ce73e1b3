"""R-TRUST-1: an electronic submission and a written proxy record where they were made from (the
keyed hash of the browser's device cookie, and its address), through the owner's pages and the
API alike: one phone used for several owners shows as one device, two phones as two."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ownervote.voting.models import Proxy, Submission
from tests.owners import verified_person
from tests.traces import assert_raw_id_stored_nowhere, browser, hash_of

from .proxy_fixtures import PROXY, PROXY2, term

pytestmark = pytest.mark.django_db


def _proxy_fields(meeting, person: dict) -> dict:
    t = term(meeting)
    return {
        **person,
        "matters": "本次会议全部表决事项",
        "authority": "由受托人自行决定投票意见",
        "term_from": t["term_from"].isoformat(),
        "term_until": t["term_until"].isoformat(),
    }


def test_r_trust_1_ballots_and_proxies_record_the_device_and_address(cast_world):
    w = cast_world
    m = w["meeting"]
    phone_a = browser(w["zhang"], address="203.0.113.50")
    phone_b = browser(w["zhao"], address="203.0.113.51")

    # A: zhang votes on the page. B: zhao votes through the API.
    done = phone_a.post(
        reverse("voting:ballot_form", args=[m.pk]),
        {"flats": str(w["flat"]["1栋-101"]), f"item_{w['question'].pk}": "yes", "action": "submit"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("voting:ballot", args=[m.pk])
    body = {"flat_ids": [w["flat"]["1栋-201"], w["flat"]["2栋-201"]], "answers": w["answers"]}
    r = phone_b.post(f"/api/voting/meetings/{m.pk}/ballots", body, content_type="application/json")
    assert r.status_code == 201, r.content

    # The same phone B, signed in as li, gives li's proxy on the page; A, as wang, gives wang's
    # through the API.
    phone_b.force_login(w["li"])
    form = {**_proxy_fields(m, PROXY), "flats": [w["flat"]["1栋-102"]]}
    r = phone_b.post(f"/m/meetings/{m.pk}/proxies/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    phone_a.force_login(w["wang"])
    body = {**_proxy_fields(m, PROXY2), "flat_ids": [w["flat"]["1栋-102"]]}
    r = phone_a.post(f"/api/voting/meetings/{m.pk}/proxies", body, content_type="application/json")
    assert r.status_code == 201, r.content

    zhang_sub = Submission.objects.get(user=w["zhang"])
    zhao_sub = Submission.objects.get(user=w["zhao"])
    li_proxy = Proxy.objects.get(grantor=w["li"])
    wang_proxy = Proxy.objects.get(grantor=w["wang"])
    assert (zhang_sub.device_hash, zhang_sub.client_ip) == (hash_of(phone_a), "203.0.113.50")
    assert (wang_proxy.device_hash, wang_proxy.client_ip) == (hash_of(phone_a), "203.0.113.50")
    assert (zhao_sub.device_hash, zhao_sub.client_ip) == (hash_of(phone_b), "203.0.113.51")
    assert (li_proxy.device_hash, li_proxy.client_ip) == (hash_of(phone_b), "203.0.113.51")
    assert hash_of(phone_a) != hash_of(phone_b)
    assert_raw_id_stored_nowhere(phone_a, phone_b)


def test_r_trust_1_a_refused_ballot_records_nothing(cast_world):
    w = cast_world
    phone = browser(w["zhang"])
    body = {"flat_ids": [w["flat"]["1栋-201"]], "answers": w["answers"]}  # zhao's flat, not zhang's
    r = phone.post(f"/api/voting/meetings/{w['meeting'].pk}/ballots", body, content_type="application/json")
    assert r.status_code == 403 and not Submission.objects.exists()


def test_r_trust_1_a_proxy_ballot_records_the_holders_phone_not_the_owners(voting_world):
    """The proxy signal asks who held many owners' proxies and from where they voted: the ballot
    the holder casts carries the holder's device and address."""
    w = voting_world
    m = w["meeting"]
    owner_phone = browser(w["zhang"], address="203.0.113.60")
    body = {**_proxy_fields(m, PROXY), "flat_ids": [w["flats"]["1栋-101"].pk]}
    r = owner_phone.post(f"/api/voting/meetings/{m.pk}/proxies", body, content_type="application/json")
    assert r.status_code == 201, r.content
    proxy = Proxy.objects.get()
    holder = verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"])
    holder_phone = browser(holder, address="203.0.113.61")
    assert holder_phone.post(f"/api/voting/proxies/{proxy.pk}/confirm").status_code == 200
    ballot = {
        "flat_ids": [w["flats"]["1栋-101"].pk],
        "answers": {str(w["question"].pk): "yes"},
        "proxy_id": proxy.pk,
    }
    r = holder_phone.post(f"/api/voting/meetings/{m.pk}/ballots", ballot, content_type="application/json")
    assert r.status_code == 201, r.content
    submission = Submission.objects.get(proxy=proxy)
    assert (submission.device_hash, submission.client_ip) == (hash_of(holder_phone), "203.0.113.61")
    assert (proxy.device_hash, proxy.client_ip) == (hash_of(owner_phone), "203.0.113.60")
