"""The results' entries on the staff home (``core.todo``, issue 22 item 1), each with the day it is
due: the convener generates, submits and publicises the result by the last of the 3 days after the
resolution (art. 26, R-RES-3, counted per R-MTG-8); the supervising office may give its guidance
until the last of its 3 days (art. 25, R-RES-2). Each is scoped and disappears once done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ownervote.meetings import selectors as meeting_selectors
from ownervote.results import todo as result_todos
from ownervote.results.services import corrections, results
from ownervote.rules import results as result_rules

from .scans import uploads
from .test_services import generated, make_closed, publicise

pytestmark = pytest.mark.django_db


def keyed(provider, user, on: dt.date | None = None) -> dict:
    return {t.key: t for t in provider(user, on or results.today())}


@pytest.fixture
def closed_world(voting_world):
    return make_closed(voting_world)


def test_r_res_3_the_convener_generates_submits_then_publicises_by_the_due_day(closed_world, staff):
    w = closed_world
    meeting, convener = w["meeting"], w["convener"]
    key = f"result-{meeting.pk}"
    console = reverse("results:console", args=[meeting.pk])

    todo = keyed(result_todos.convener_results, convener)[key]
    closed_on = meeting_selectors.local_day(meeting.voting_closes_at)
    assert todo.due_on == result_rules.publicity_due_by(meeting_selectors.calendar(), closed_on)
    assert todo.url == console + "#rr-generate"
    assert keyed(result_todos.convener_results, convener, todo.due_on)[key].urgent
    for who in ("other_convener", "street", "district", "city"):
        assert key not in keyed(result_todos.convener_results, staff[who]), who

    result = generated(w)
    todo = keyed(result_todos.convener_results, convener)[key]
    assert todo.url == console + "#rr-submit" and todo.due_on == results.publicity_due_by(result)

    results.result_submit(actor=convener, meeting_id=meeting.pk, **uploads())
    result.refresh_from_db()
    todo = keyed(result_todos.convener_results, convener)[key]
    assert todo.url == console + "#rr-publicity" and todo.due_on == results.publicity_due_by(result)
    assert results.publicise_from(result).isoformat() in todo.detail  # waits for the guidance

    # The street office's guidance (R-RES-2): due on the window's last day, gone once given.
    guidance = f"result-guidance-{meeting.pk}"
    todo = keyed(result_todos.result_guidance, staff["street"])[guidance]
    assert todo.due_on == result.guidance_ends_on and todo.url == console + "#rr-submit"
    for who in ("other_street", "district", "city", "convener"):
        assert guidance not in keyed(result_todos.result_guidance, staff[who]), who
    later = result.guidance_ends_on + dt.timedelta(days=1)
    assert guidance not in keyed(result_todos.result_guidance, staff["street"], later)
    results.guidance_give(actor=staff["street"], meeting_id=meeting.pk, text="同意公示。")
    assert guidance not in keyed(result_todos.result_guidance, staff["street"])
    assert (
        results.publicise_from(result).isoformat()
        not in keyed(result_todos.convener_results, convener)[key].detail
    )  # may publicise now

    publicise(w)
    assert key not in keyed(result_todos.convener_results, convener)


def test_r_res_3_publicised_meetings_cost_the_convener_no_query_each(closed_world, staff):
    """A convener with years of publicised meetings: the to-do list filters them out in its one
    query instead of reading each meeting's result, publicity and corrections (one query in all).
    A correction opened later brings the meeting back (R-SEC-6)."""
    w = closed_world
    generated(w)
    results.result_submit(actor=w["convener"], meeting_id=w["meeting"].pk, **uploads())
    results.guidance_give(actor=staff["street"], meeting_id=w["meeting"].pk, text="同意公示。")
    publicise(w)
    with CaptureQueriesContext(connection) as queries:
        assert keyed(result_todos.convener_results, w["convener"]) == {}
    assert len(queries) == 1, [q["sql"] for q in queries]

    corrections.correction_start(actor=w["convener"], meeting_id=w["meeting"].pk, reason="补录纸质票。")
    todo = keyed(result_todos.convener_results, w["convener"])[f"result-{w['meeting'].pk}"]
    assert todo.url.endswith("#rr-generate") and todo.due_on is None
