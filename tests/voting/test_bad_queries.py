"""The paper ballots' PDF and the count pages read their query values safely (issue 19, point 8;
R-PAPER-1, SPEC section 4): a mistyped flat or building is a clear refusal (4xx, in Chinese), never
a 500, and nothing is rendered for it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.voting.paper_fixtures import closed, open_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_world(voting_world):
    return closed(voting_world)


def _client(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


@pytest.mark.parametrize(
    "query",
    [
        {"flat": "1-1O1"},
        {"flat": "一栋一零一"},
        {"flat": "²"},
        {"flat": "99999999999999999999999"},
        {"flat": "-1"},
        {"flat": "1-101", "building": "²"},
        {"flat": "1-101", "building": "99999999999999999999999"},
        {"flat": "x" * 2000},
    ],
)
def test_a_mistyped_flat_in_ballots_pdf_is_a_clear_refusal(closed_world, query):  # R-PAPER-1
    w = closed_world
    response = _client(w["convener"]).get(reverse("voting:ballots_pdf", args=[w["meeting"].pk]), query)
    assert 400 <= response.status_code < 500, response.status_code
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "没有" in body or "找不到" in body or "未找到" in body, body[:500]


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "-1", "abc"])
def test_the_count_session_reads_flat_and_round_safely(closed_world, value):  # R-PAPER-1
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    c = _client(w["convener"])
    url = reverse("voting:count_session", args=[session.pk])
    assert c.get(url, {"round": value, "flat": value}).status_code == 200
    response = c.post(
        reverse("voting:count_entry_delete", args=[session.pk]), {"flat_id": value, "round": value}
    )
    assert response.status_code == 404
