"""The paper count's console pages and API (R-PAPER-1..4): opening, keyboard entry by form, the
independent second entry, commit, the printable ballots, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ownervote.voting.models import Ballot, CountSession, PaperEntry
from ownervote.voting.services import paper_ballots
from tests.voting.paper_fixtures import closed, open_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_world(voting_world):
    return closed(voting_world)


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _entry(w, flat: str, q: str = "", e: str = "", **extra) -> dict:
    return {
        "round": "1",
        "flat": flat,
        f"item_{w['question'].pk}": q,
        f"item_{w['election'].pk}": e,
        "dated_on": "",
        # R-PAPER-2: received from the ballot box an hour before the electronic close
        "received_at": timezone.localtime(w["meeting"].voting_closes_at - dt.timedelta(hours=1)).strftime(
            "%Y-%m-%d %H:%M"
        ),
        "received_via": "box",
        **extra,
    }


def test_open_page_refuses_without_roles_and_opens(closed_world):  # R-PAPER-3
    w = closed_world
    c = _client(w["convener"])
    url = reverse("voting:count", args=[w["meeting"].pk])
    page = c.get(url)
    assert page.status_code == 200 and w["street"].display_name() in page.content.decode()
    refused = c.post(url, {"caller": "陈", "counter": "", "scrutineer": "", "place": "会所"})
    assert refused.status_code == 200
    assert 'id="counter_error"' in refused.content.decode()
    assert not CountSession.objects.exists()
    done = c.post(
        url, {"caller": "陈", "counter": "林", "scrutineer": "黄", "place": "会所", "double_entry": "1"}
    )
    session = CountSession.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("voting:count_session", args=[session.pk])
    assert session.double_entry and list(session.invited.all()) == [w["street"]]


def test_entry_by_keys_scan_then_answers_and_commit(closed_world):  # R-PAPER-1 R-PAPER-3
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    c = _client(w["convener"])
    url = reverse("voting:count_session", args=[session.pk])
    # a scanner types the QR payload and Enter: the flat is chosen, the answers come next
    payload = paper_ballots.qr_payload(w["meeting"].pk, w["roll"]["1栋-102"].flat_id)
    chosen = c.post(url, _entry(w, payload))
    assert chosen.status_code == 200 and 'value="1栋-102"' in chosen.content.decode()
    assert not PaperEntry.objects.exists()
    saved = c.post(url, _entry(w, "1栋-102", q="1", e="1 3"))
    assert saved.status_code == 302
    entry = PaperEntry.objects.get()
    cands = w["candidates"]
    assert entry.answers == {str(w["question"].pk): "yes", str(w["election"].pk): [cands[0].pk, cands[2].pk]}
    # a forged code, a bad key and a late date are shown, nothing saved
    forged = c.post(url, _entry(w, payload[:-2] + "zz", q="1"))
    assert forged.status_code == 422
    bad = c.post(url, _entry(w, "1-101", q="7"))
    assert bad.status_code == 422 and f'id="item_{w["question"].pk}_error"' in bad.content.decode()
    late = c.post(url, _entry(w, "1-101", q="1", dated_on="2999-01-01"))
    assert late.status_code == 422
    assert PaperEntry.objects.count() == 1
    # commit needs the confirmation
    c.post(reverse("voting:count_commit", args=[session.pk]), {})
    assert not Ballot.objects.exists()
    c.post(reverse("voting:count_commit", args=[session.pk]), {"confirm": "1"})
    assert Ballot.objects.filter(channel="paper").count() == 1
    page = c.get(url).content.decode()
    assert 'id="fig-ballots">1<' in page


def test_second_entry_page_does_not_show_the_first(closed_world):
    w = closed_world
    session = open_session(w["convener"], w["meeting"], double_entry=True)
    c = _client(w["convener"])
    url = reverse("voting:count_session", args=[session.pk])
    c.post(url, _entry(w, "1-101", e="24"))
    second = c.get(url + "?round=2").content.decode()
    assert "1栋-101" in second  # listed as entered
    e = w["election"].pk
    assert f'id="id_item_{e}" class="pc-key" value=""' in second  # nothing of the first entry
    assert 'id="resolving"' not in second and 'id="mismatches"' not in second
    c.post(url, {**_entry(w, "1-101", e="2"), "round": "2"})
    mismatch = c.get(url).content.decode()
    assert 'id="mismatches"' in mismatch
    resolve = c.get(url + f"?round=3&flat={w['roll']['1栋-101'].flat_id}").content.decode()
    assert 'id="resolving"' in resolve


def test_ballots_pdf_for_the_convener_only(closed_world):
    w = closed_world
    url = reverse("voting:ballots_pdf", args=[w["meeting"].pk])
    one = _client(w["convener"]).get(url, {"flat": "1-101"})
    assert one.status_code == 200 and one["Content-Type"] == "application/pdf"
    assert _client(w["street"]).get(url).status_code == 403
    assert _client(w["zhang"]).get(url).status_code == 403


# --- API --------------------------------------------------------------------------------------


def test_api_count_flow(closed_world):  # R-PAPER-1..3 R-TALLY-9
    w = closed_world
    c = _client(w["convener"])
    base = "/api/voting"
    refused = c.post(
        f"{base}/meetings/{w['meeting'].pk}/count-sessions", {"caller": "陈"}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert set(refused.json()["error"]["details"]) == {"counter", "scrutineer"}
    made = c.post(
        f"{base}/meetings/{w['meeting'].pk}/count-sessions",
        {"caller": "陈", "counter": "林", "scrutineer": "黄", "double_entry": True},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    sid = made.json()["id"]
    flat = w["roll"]["1栋-101"].flat_id
    q = str(w["question"].pk)
    day = made.json()["close_date"]
    received = {"received_at": w["meeting"].voting_closes_at.isoformat(), "received_via": "hand"}
    put = c.put(
        f"{base}/count-sessions/{sid}/entries/{flat}/1",
        {"answers": {q: "yes"}, "dated_on": day, **received},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    late = c.put(
        f"{base}/count-sessions/{sid}/entries/{flat}/2",
        {"answers": {q: "yes"}, "dated_on": "2999-01-01", **received},
        content_type="application/json",
    )
    assert late.status_code == 422 and late.json()["error"]["code"] == "paper.after_close"
    c.put(
        f"{base}/count-sessions/{sid}/entries/{flat}/2",
        {"answers": {q: "no"}, "dated_on": day, **received},
        content_type="application/json",
    )
    todo = c.get(f"{base}/count-sessions/{sid}/mismatches").json()
    assert [m["label"] for m in todo["mismatches"]] == ["1栋-101"]
    assert c.post(f"{base}/count-sessions/{sid}/commit").status_code == 409
    assert c.delete(f"{base}/count-sessions/{sid}/entries/{flat}/2").status_code == 204
    c.put(
        f"{base}/count-sessions/{sid}/entries/{flat}/2",
        {"answers": {q: "yes"}, "dated_on": day, **received},
        content_type="application/json",
    )
    detail = c.get(f"{base}/count-sessions/{sid}").json()
    assert detail["ready"] and detail["flats"] == [{"flat_id": flat, "label": "1栋-101", "rounds": [1, 2]}]
    done = c.post(f"{base}/count-sessions/{sid}/commit")
    assert done.status_code == 200 and done.json()["figures"] == {"ballots": 1, "counted": 1, "superseded": 0}
    # the street office reads, an owner may not
    assert _client(w["street"]).get(f"{base}/count-sessions/{sid}").status_code == 200
    assert _client(w["zhang"]).get(f"{base}/count-sessions/{sid}").status_code == 403
    pdf = c.get(f"{base}/meetings/{w['meeting'].pk}/paper-ballots.pdf", {"flat_id": flat})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
