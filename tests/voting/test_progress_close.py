"""Closing the voting at ``voting_closes_at`` (R-VOTE-5 keeps it there unless an extension is
approved): ``progress.voting_close`` and the task ``voting.tasks.close_voting`` queued when voting
opens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict
from ownervote.meetings.models import Meeting
from ownervote.notify.testing import run_worker
from ownervote.voting.services import progress
from ownervote.voting.tasks import close_voting

pytestmark = pytest.mark.django_db


def test_close_refused_before_the_close(voting_world):  # R-VOTE-5
    meeting = voting_world["meeting"]
    with pytest.raises(Conflict) as exc:
        progress.voting_close(meeting_id=meeting.pk)
    assert exc.value.code == "meeting.voting_not_over"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.VOTING
    assert not AuditEvent.objects.filter(action="meeting.voting_closed").exists()


def test_close_at_the_close_once(voting_world, monkeypatch):  # R-VOTE-5
    meeting = voting_world["meeting"]
    later = meeting.voting_closes_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    progress.voting_close(meeting_id=meeting.pk)
    progress.voting_close(meeting_id=meeting.pk)  # idempotent
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    assert AuditEvent.objects.filter(action="meeting.voting_closed").count() == 1


def test_the_close_task_is_queued_when_voting_opens(voting_world):  # R-VOTE-5
    meeting = voting_world["meeting"]
    assert run_worker(at=meeting.voting_closes_at - dt.timedelta(minutes=1)) >= 0
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.VOTING
    run_worker(at=meeting.voting_closes_at + dt.timedelta(seconds=1))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED


def test_the_task_does_nothing_early_or_when_moved(voting_world, monkeypatch):  # R-VOTE-5
    meeting = voting_world["meeting"]
    closes = meeting.voting_closes_at.isoformat()
    assert close_voting.call(meeting_id=meeting.pk, closes_at=closes) == "early"
    old = (meeting.voting_closes_at - dt.timedelta(hours=1)).isoformat()
    monkeypatch.setattr(timezone, "now", lambda: meeting.voting_closes_at + dt.timedelta(hours=1))
    assert close_voting.call(meeting_id=meeting.pk, closes_at=old) == "moved"
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.VOTING
    assert close_voting.call(meeting_id=meeting.pk, closes_at=closes) == "closed"
    assert close_voting.call(meeting_id=meeting.pk, closes_at=closes) == "not_voting"
