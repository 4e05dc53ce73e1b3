"""Paper ballots are cast before the electronic deadline (art. 11, R-PAPER-2): the count session
records, per paper, when and how it was received (the ballot box collected, or handed in), and a
paper received after the electronic close is refused with a clear message, nothing recorded.

Before, the check read only the date written on the paper, which the entry page set to the close
date: a paper handed in the day after the close, dated by the clerk's default, was counted.

The voting closed two days ago, so that a receipt after the close is still in the
past; hypothesis moves the receipt around the close, to the minute and the second."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import InvalidInput
from ownervote.meetings.models import Meeting
from ownervote.voting.models import PaperEntry
from ownervote.voting.services import paper
from tests.voting.paper_fixtures import open_session, roll_of

pytestmark = pytest.mark.django_db
TWO_DAYS = dt.timedelta(days=2)


@pytest.fixture
def closed_world(voting_world):
    meeting = voting_world["meeting"]
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - TWO_DAYS - dt.timedelta(hours=3),
        voting_opens_at=now - TWO_DAYS - dt.timedelta(hours=3),
        voting_closes_at=now - TWO_DAYS,
    )
    meeting.refresh_from_db()
    return {**voting_world, "roll": roll_of(meeting)}


def _yes(w) -> dict:
    return {str(w["question"].pk): "yes"}


def _save(w, session, *, received_at, received_via="box", label="1栋-101"):
    return paper.entry_save(
        actor=w["convener"],
        session_id=session.pk,
        flat_id=w["roll"][label].flat_id,
        round=1,
        answers=_yes(w),
        dated_on=timezone.localtime(w["meeting"].voting_closes_at).date(),
        received_at=received_at,
        received_via=received_via,
    )


def _recorded() -> tuple:
    return PaperEntry.objects.count(), AuditEvent.objects.filter(action="paper.entry_saved").count()


# --- the service ----------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seconds=st.integers(min_value=-3 * 86400, max_value=86400), via=st.sampled_from(["box", "hand"]))
def test_r_paper_2_received_after_the_close_is_refused(closed_world, seconds, via):
    """R-PAPER-2: a paper received up to the electronic close (included) is recorded with its
    receipt; one received even a second later is refused, saying when the voting closed."""
    w = closed_world
    close = w["meeting"].voting_closes_at
    received = close + dt.timedelta(seconds=seconds)
    with transaction.atomic():
        session = open_session(w["convener"], w["meeting"])
        before = _recorded()
        if seconds <= 0:
            entry = _save(w, session, received_at=received, received_via=via)
            assert (entry.received_at, entry.received_via) == (received, via)
            event = AuditEvent.objects.filter(action="paper.entry_saved").latest("id")
            assert event.summary["received_via"] == via
        else:
            with pytest.raises(InvalidInput) as caught:
                _save(w, session, received_at=received, received_via=via)
            assert caught.value.code == "paper.received_after_close"
            assert "received_at" in caught.value.details
            assert timezone.localtime(close).strftime("%Y-%m-%d %H:%M") in str(caught.value.message)
            assert _recorded() == before
        transaction.set_rollback(True)


def test_r_paper_2_the_date_on_the_paper_no_longer_suffices(closed_world):
    """R-PAPER-2: the paper carries the close date (the old default), but it was handed in the day
    after: refused."""
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    with pytest.raises(InvalidInput) as caught:
        _save(
            w, session, received_at=w["meeting"].voting_closes_at + dt.timedelta(days=1), received_via="hand"
        )
    assert caught.value.code == "paper.received_after_close"
    assert _recorded() == (0, 0)


@pytest.mark.parametrize(
    ("received_at", "via", "field"),
    [
        (None, "box", "received_at"),
        ("yesterday", "box", "received_at"),
        ("2026-01-01 10:00", "", "received_via"),
        ("2026-01-01 10:00", "mail", "received_via"),
    ],
)
def test_r_paper_2_when_and_how_it_was_received_is_required(closed_world, received_at, via, field):
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    with pytest.raises(InvalidInput) as caught:
        _save(w, session, received_at=received_at, received_via=via)
    assert caught.value.code == "paper.received_required" and field in caught.value.details
    assert _recorded() == (0, 0)


def test_r_paper_2_a_receipt_in_the_future_is_refused(closed_world):
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    with pytest.raises(InvalidInput) as caught:
        _save(w, session, received_at=timezone.now() + dt.timedelta(hours=1))
    assert caught.value.code == "paper.received_required"
    assert _recorded() == (0, 0)


def test_r_paper_2_a_naive_time_is_beijing_time(closed_world):
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    close = timezone.localtime(w["meeting"].voting_closes_at)
    typed = (close - dt.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")
    entry = _save(w, session, received_at=typed)
    assert timezone.localtime(entry.received_at).strftime("%Y-%m-%d %H:%M") == typed


# --- the page and the API -------------------------------------------------------------------------


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _minute(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _entry(w, flat: str, received_at: str, via: str = "hand") -> dict:
    return {
        "round": "1",
        "flat": flat,
        f"item_{w['question'].pk}": "1",
        f"item_{w['election'].pk}": "",
        "dated_on": "",
        "received_at": received_at,
        "received_via": via,
    }


def test_r_paper_2_page_refuses_a_late_paper_on_its_field_and_keeps_the_receipt(closed_world):
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    c = _client(w["convener"])
    url = reverse("voting:count_session", args=[session.pk])
    first = c.get(url).content.decode()
    assert 'name="received_at"' in first and 'id="id_received_at" class="pc-key pc-date" value=""' in first
    close = w["meeting"].voting_closes_at
    late = c.post(url, _entry(w, "1-101", _minute(close + dt.timedelta(minutes=1))))
    assert late.status_code == 422
    html = late.content.decode()
    assert 'id="received_at_error"' in html and "截止" in html and _minute(close) in html
    assert not PaperEntry.objects.exists()
    on_time = _minute(close - dt.timedelta(hours=2))
    assert c.post(url, _entry(w, "1-101", on_time, via="box")).status_code == 302
    entry = PaperEntry.objects.get()
    assert entry.received_via == "box" and _minute(entry.received_at) == on_time
    # the next paper of the same box: the page keeps the receipt, never the close
    again = c.get(url).content.decode()
    assert f'value="{on_time}"' in again and 'id="id_received_via_box" checked' in again


def test_r_paper_2_api_refuses_a_late_or_unreceived_paper(closed_world):
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    c = _client(w["convener"])
    flat = w["roll"]["1栋-101"].flat_id
    path = f"/api/voting/count-sessions/{session.pk}/entries/{flat}/1"
    day = timezone.localtime(w["meeting"].voting_closes_at).date().isoformat()
    body = {"answers": _yes(w), "dated_on": day}
    missing = c.put(path, body, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "paper.received_required"
    late_at = (w["meeting"].voting_closes_at + dt.timedelta(seconds=1)).isoformat()
    late = c.put(
        path, {**body, "received_at": late_at, "received_via": "hand"}, content_type="application/json"
    )
    assert late.status_code == 422 and late.json()["error"]["code"] == "paper.received_after_close"
    assert not PaperEntry.objects.exists()
    at = w["meeting"].voting_closes_at.isoformat()
    done = c.put(path, {**body, "received_at": at, "received_via": "box"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["received_via"] == "box"
    listed = c.get(f"/api/voting/count-sessions/{session.pk}/mismatches")
    assert listed.status_code == 200
