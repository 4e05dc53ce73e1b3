"""Bad input to the API is a structured error, never a 500, and a 500 is the JSON error too
(issue 19 point 8; SPEC §4 "a bad input never half-applies: it is refused ... as a structured
error for the API"; R-SEC-1: no traceback reaches the client). Run against the seeded demo
(tests/fuzz/conftest.py): a meeting open for voting, a closed one with its paper count."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from ownervote.api import server_error
from ownervote.meetings.models import Meeting
from ownervote.voting.models import CountSession

HUGE = 99999999999999999999999


def _client(caller) -> Client:
    headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in caller.headers.items()}
    return Client(raise_request_exception=False, **headers)


def _refused(response, status=422, code="invalid_input"):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def _voting_meeting():
    return Meeting.objects.get(status="voting")


@pytest.mark.parametrize(
    "url",
    [
        f"/api/notifications?offset={HUGE}",
        "/api/notifications?offset=-1",
        "/api/notifications?limit=0",
    ],
)
def test_huge_or_negative_paging_is_invalid_input(url, fuzz_world, db):
    """Issue 19 point 8, SPEC §4: an offset past any page is 422 with the field, not a 500."""
    error = _refused(_client(fuzz_world["owner"]).get(url))
    assert error["details"][0]["loc"][-1] in {"offset", "limit"}


@pytest.mark.parametrize("query", [f"offset={HUGE}", f"building_id={HUGE}", "building_id=0"])
def test_not_voted_refuses_huge_numbers(query, fuzz_world, db):
    """Issue 19 point 8, R-VOTE-2 (the convener's progress): huge offsets and ids are 422."""
    meeting = _voting_meeting()
    _refused(_client(fuzz_world["convener"]).get(f"/api/voting/meetings/{meeting.pk}/not-voted?{query}"))


def test_flat_pages_past_any_page_are_refused(fuzz_world, db):
    """Issue 19 point 8, R-ROSTER-1: the roster's page number is bounded like any offset."""
    from ownervote.roster.models import Estate

    estate = Estate.objects.filter(flats__isnull=False).first()
    client = _client(fuzz_world["convener"])
    _refused(client.get(f"/api/estates/{estate.pk}/flats?page={HUGE}"))
    assert client.get(f"/api/estates/{HUGE}/flats").status_code == 404


def test_mark_read_refuses_an_id_past_64_bits(fuzz_world, db):
    """Issue 19 point 8: ``{"ids": [1e30]}`` is 422, and nothing is marked read."""
    client = _client(fuzz_world["owner"])
    before = client.get("/api/notifications").json()["unread"]
    for ids in ([1e30], [HUGE], [0]):
        _refused(client.post("/api/notifications/read", {"ids": ids}, content_type="application/json"))
    assert client.get("/api/notifications").json()["unread"] == before


def test_paper_entry_ids_past_64_bits_are_refused(fuzz_world, db):
    """Issue 19 point 8, R-PAPER-3: a count-session entry addressed by a huge flat id or session id
    is 422, not a 500."""
    session = CountSession.objects.first()
    client = _client(fuzz_world["convener"])
    body = {"answers": {}, "dated_on": "2026-01-01", "received_via": "box"}
    for path in (
        f"/api/voting/count-sessions/{session.pk}/entries/{HUGE}/1",
        f"/api/voting/count-sessions/{HUGE}/entries/1/1",
    ):
        _refused(client.put(path, json.dumps(body), content_type="application/json"))
        _refused(client.delete(path))


@pytest.mark.parametrize(
    "when", ["0001-01-01T09:00:00+08:00", "9999-12-31T23:59:59-12:00", "9999-12-31T09:00:00"]
)
def test_meeting_dates_out_of_range_are_refused(when, fuzz_world, db):
    """Issue 19 point 8, R-MTG-1: a meeting time in year 1 or 9999 is 422 naming the field, never an
    OverflowError; the timeline preview and a change of the meeting refuse it the same way."""
    client = _client(fuzz_world["convener"])
    meeting = Meeting.objects.filter(status="published").first()
    error = _refused(
        client.post("/api/meetings/timeline-preview", {"starts_at": when}, content_type="application/json")
    )
    assert error["details"][0]["loc"][-1] == "starts_at"
    body = {
        "estate_id": meeting.estate_id,
        "kind": "temporary",
        "title": "t",
        "place": "p",
        "method": "electronic",
        "starts_at": when,
        "voting_opens_at": when,
        "voting_closes_at": when,
        "topics": [],
    }
    _refused(client.post("/api/meetings", body, content_type="application/json"))
    _refused(
        client.patch(
            f"/api/meetings/{meeting.pk}", {"reason": "r", "starts_at": when}, content_type="application/json"
        )
    )


def test_an_unexpected_error_is_the_json_error(fuzz_world, db, monkeypatch, caplog):
    """Issue 19 point 8, R-SEC-1: whatever fails inside a route answers 500 as the JSON error
    (``server_error``), its traceback goes to the log and never to the client."""
    from ownervote.notify import services

    def broken(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "inbox_for", broken)
    response = _client(fuzz_world["owner"]).get("/api/notifications")
    error = _refused(response, status=500, code="server_error")
    assert "secret" not in response.content.decode()
    assert "Traceback" not in error["message"]
    assert any("secret internals" in (r.exc_text or str(r.exc_info)) for r in caplog.records if r.exc_info)


def test_handler500_answers_json_under_api_only():
    """Issue 19 point 8: a 500 that escapes the API's own handlers (a middleware's) is the JSON
    error under /api/ and Django's page elsewhere."""
    api = server_error(RequestFactory().get("/api/me"))
    assert api.status_code == 500
    assert json.loads(api.content)["error"]["code"] == "server_error"
    page = server_error(RequestFactory().get("/console/"))
    assert page.status_code == 500
    assert not page["Content-Type"].startswith("application/json")
