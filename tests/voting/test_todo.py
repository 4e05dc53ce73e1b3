"""The voting's entries on the staff home (``core.todo``, issue 22 item 1): the supervising office
sees each extension request to decide, due by the day the voting closes (R-VOTE-5), and each paper
count it was invited to supervise while it runs (R-PAPER-3); the convener its own open count. Each
is scoped and disappears once done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ownervote.meetings import selectors as meeting_selectors
from ownervote.voting import todo as voting_todos
from ownervote.voting.services import extensions, paper
from tests.voting.paper_fixtures import closed, open_session

from .test_extensions import ask

pytestmark = pytest.mark.django_db


def keyed(provider, user, on: dt.date | None = None) -> dict:
    return {t.key: t for t in provider(user, on or timezone.localdate())}


def test_r_vote_5_the_street_office_sees_the_request_until_it_decides(voting_world, staff):
    w = voting_world
    ext = ask(w)
    key = f"extension-{ext.pk}"
    todo = keyed(voting_todos.extension_requests, staff["street"])[key]
    closes_on = meeting_selectors.local_day(w["meeting"].voting_closes_at)
    assert todo.due_on == closes_on
    assert todo.urgent == (closes_on <= timezone.localdate())
    assert todo.url == reverse("voting:extensions") + f"#vp-ext-{ext.pk}"
    for who in ("other_street", "district", "city", "convener"):
        assert key not in keyed(voting_todos.extension_requests, staff[who]), who
    extensions.extension_decide(actor=staff["street"], extension_id=ext.pk, approve=True)
    assert key not in keyed(voting_todos.extension_requests, staff["street"])


@pytest.fixture
def closed_world(voting_world):
    return closed(voting_world)


def test_r_paper_3_the_invited_office_supervises_the_open_count_until_it_is_committed(closed_world, staff):
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    key = f"count-{session.pk}"
    todo = keyed(voting_todos.count_sessions, staff["street"])[key]
    assert todo.urgent and todo.url == reverse("voting:count_session", args=[session.pk])
    assert todo.due_on == meeting_selectors.local_day(session.opened_at)
    for who in ("other_street", "district", "city", "convener"):
        assert key not in keyed(voting_todos.count_sessions, staff[who]), who
    run = f"count-run-{session.pk}"
    assert run in keyed(voting_todos.convener_counts, w["convener"])
    assert run not in keyed(voting_todos.convener_counts, staff["other_convener"])
    assert run not in keyed(voting_todos.convener_counts, staff["street"])
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    assert key not in keyed(voting_todos.count_sessions, staff["street"])
    assert run not in keyed(voting_todos.convener_counts, w["convener"])
