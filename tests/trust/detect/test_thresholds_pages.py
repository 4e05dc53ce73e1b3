"""R-TRUST-1: the city's thresholds through the console page and the API: the city operator sets
them, everyone else is refused and nothing changes."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ownervote.trust.models import CityThresholds

pytestmark = pytest.mark.django_db

URL = "/console/trust/thresholds/"
API = "/api/trust/thresholds"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_city_operator_sets_thresholds_on_the_page_r_trust_1(staff, geo):
    c = client_for(staff["city"])
    page = c.get(URL)
    assert page.status_code == 200
    assert "冒投" in page.content.decode() or "信号" in page.content.decode()
    response = c.post(URL, {"shared_flats": "4", "onsite_share": "70"})
    assert response.status_code == 302
    row = CityThresholds.objects.get(city=geo["city"])
    assert row.shared_flats == 4 and row.onsite_share == 70 and row.burst_min is None


def test_page_refuses_a_percentage_above_100_and_changes_nothing_r_trust_1(staff):
    response = client_for(staff["city"]).post(URL, {"onsite_share": "101"})
    assert response.status_code == 422
    assert not CityThresholds.objects.exists()


@pytest.mark.parametrize("role", ["district", "street", "community", "convener"])
def test_others_get_403_on_the_page_and_the_api_r_trust_1(staff, role):
    c = client_for(staff[role])
    assert c.get(URL).status_code == 403
    assert c.post(URL, {"shared_flats": "4"}).status_code == 403
    assert c.get(API).status_code == 403
    assert not CityThresholds.objects.exists()


def test_api_get_and_put_r_trust_1(staff, geo):
    c = client_for(staff["city"])
    got = c.get(API).json()
    assert got["city"]["id"] == geo["city"].pk
    assert got["defaults"]["shared_flats"] == 3 and got["overrides"]["shared_flats"] is None
    put = c.put(API, json.dumps({"address_ballots": 6}), content_type="application/json")
    assert put.status_code == 200, put.content
    assert put.json()["effective"]["address_ballots"] == 6
    refused = c.put(API, json.dumps({"address_ballots": 0}), content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "trust.threshold_invalid"
    assert "address_ballots" in refused.json()["error"]["details"]
    assert CityThresholds.objects.get().address_ballots == 6
    # a number beyond any sensible threshold (and the database's integer) is refused, never a 500
    huge = c.put(API, json.dumps({"burst_min": 8912373659548}), content_type="application/json")
    assert huge.status_code == 422 and huge.json()["error"]["details"]["burst_min"]
    assert CityThresholds.objects.get().burst_min is None


def test_nav_link_for_city_staff_only_r_trust_1(staff):
    assert URL in client_for(staff["city"]).get("/console/").content.decode()
    assert URL not in client_for(staff["street"]).get("/console/").content.decode()
