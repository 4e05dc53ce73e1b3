"""Reminders to those who have not voted (R-VOTE-2, art. 17): through the outbox by SMS or
WeChat, at most once a person a Beijing day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, Forbidden, NotFound
from ownervote.meetings.models import Eligibility
from ownervote.notify.models import Notification
from ownervote.voting.models import Reminder, ReminderRecipient
from ownervote.voting.services import progress

from .progress_fixtures import cast
from .test_progress import roll_of

pytestmark = pytest.mark.django_db


def reminded(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind="voting.reminder").order_by("pk"))


def test_reminders_reach_those_who_have_not_voted(voting_world):  # R-VOTE-2
    meeting, zhang, li = voting_world["meeting"], voting_world["zhang"], voting_world["li"]
    cast(meeting, roll_of(meeting, "1栋-101"), user=zhang)
    reminder = progress.reminders_send(actor=voting_world["convener"], meeting_id=meeting.pk)
    assert (reminder.recipients, reminder.skipped) == (1, 0)
    assert reminded(zhang) == []
    [note] = reminded(li)
    assert "phone" in note.body or "手机" in note.body
    assert AuditEvent.objects.filter(action="voting.reminded").count() == 1


def test_nobody_is_messaged_twice_a_day(voting_world, monkeypatch):  # R-VOTE-2
    meeting, zhang, li = voting_world["meeting"], voting_world["zhang"], voting_world["li"]
    convener = voting_world["convener"]
    first = progress.reminders_send(actor=convener, meeting_id=meeting.pk)
    assert (first.recipients, first.skipped) == (2, 0)
    again = progress.reminders_send(actor=convener, meeting_id=meeting.pk)
    assert (again.recipients, again.skipped) == (0, 2)
    assert len(reminded(zhang)) == 1 and len(reminded(li)) == 1
    assert progress.reminder_preview(convener, meeting.pk) == {"recipients": 0, "skipped": 2}
    # the next Beijing day: again (the voting still open)
    from ownervote.meetings.models import Meeting

    Meeting.objects.filter(pk=meeting.pk).update(voting_closes_at=timezone.now() + dt.timedelta(days=3))
    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    next_day = progress.reminders_send(actor=convener, meeting_id=meeting.pk)
    assert (next_day.recipients, next_day.skipped) == (2, 0)
    assert ReminderRecipient.objects.filter(meeting=meeting, user=zhang).count() == 2


def test_paper_only_voters_are_asked_for_their_paper_ballot(voting_world):  # R-VOTE-2 R-VOTE-4
    meeting, li = voting_world["meeting"], voting_world["li"]
    Eligibility.objects.filter(meeting=meeting, user=li).update(
        mode=Eligibility.Mode.PAPER_ONLY, reason=Eligibility.Reason.BOUND_DURING_PUBLICITY
    )
    progress.reminders_send(actor=voting_world["convener"], meeting_id=meeting.pk)
    [note] = reminded(li)
    assert "paper" in note.body or "纸质" in note.body
    [other] = reminded(voting_world["zhang"])
    assert other.body != note.body


def test_reminders_refused_and_nothing_sent(voting_world, staff, monkeypatch):  # R-VOTE-2
    meeting = voting_world["meeting"]
    with pytest.raises(Forbidden):
        progress.reminders_send(actor=voting_world["street"], meeting_id=meeting.pk)
    with pytest.raises(NotFound):
        progress.reminders_send(actor=staff["other_convener"], meeting_id=meeting.pk)
    with pytest.raises(NotFound):
        progress.reminders_send(actor=voting_world["newcomer"], meeting_id=meeting.pk)
    after = meeting.voting_closes_at + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: after)
    with pytest.raises(Conflict) as exc:
        progress.reminders_send(actor=voting_world["convener"], meeting_id=meeting.pk)
    assert exc.value.code == "meeting.voting_not_open"
    assert not Reminder.objects.exists() and not ReminderRecipient.objects.exists()
    assert not Notification.objects.filter(kind="voting.reminder").exists()


def test_reminder_button_on_the_page(voting_world):  # R-VOTE-2
    meeting = voting_world["meeting"]
    c = Client()
    c.force_login(voting_world["convener"])
    url = reverse("voting:progress", args=[meeting.pk])
    html = c.get(url).content.decode()
    assert 'id="vp-remind-send"' in html
    response = c.post(reverse("voting:remind", args=[meeting.pk]), follow=True)
    assert response.status_code == 200
    assert Reminder.objects.get().recipients == 2
    assert 'id="vp-remind-send"' not in response.content.decode()  # nobody left to message today
    street = Client()
    street.force_login(voting_world["street"])
    assert street.post(reverse("voting:remind", args=[meeting.pk])).status_code == 403
    assert Reminder.objects.count() == 1
