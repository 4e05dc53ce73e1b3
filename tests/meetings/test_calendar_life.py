"""The holiday calendar's yearly life (R-MTG-4, issue 15): the State Council publishes the next
year's notice in the autumn. From the 1st of October while next year is not loaded, the city
operator's home page and inbox say so; a convener whose meeting is refused for an unloaded year is
told, in Chinese, that the platform has not loaded that year, that the operator has been told and
which of their dates need it; the operator is told once, not once per refused convener; loading
the year re-plans nothing: the refused conveners are told, and their meeting is accepted when
entered again.

Every test moves the clock (the calendar holds only the shipped years: ``shipped_calendar``), so
that it means the same on whatever day the suite runs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import InvalidInput
from ownervote.meetings import services
from ownervote.meetings.models import CalendarYearRequest, Meeting
from ownervote.meetings.tasks import ensure_calendar_watch
from ownervote.notify.models import Notification, OutboxMessage
from ownervote.notify.testing import run_worker
from ownervote.rules.calendar import SHIPPED

from .conftest import meeting_input, today
from .test_pages_console import form_data

pytestmark = [pytest.mark.shipped_calendar, pytest.mark.django_db]

BEIJING = ZoneInfo("Asia/Shanghai")
YEAR = max(SHIPPED)  # the clock stands in the last shipped year, so next year is not loaded
NEXT = YEAR + 1


def on(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING), tick=True)


def refused(actor, estate, held: dt.date) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        services.meeting_create(actor=actor, estate_id=estate.pk, **meeting_input((held - today()).days))
    return exc.value


def operator_told(city, year: int) -> list[Notification]:
    return list(
        Notification.objects.filter(user=city, kind="calendar.year_missing", title__contains=str(year))
    )


def test_a_refused_convener_is_told_and_the_operator_once(staff, estates):  # R-MTG-4
    city = staff["city"]
    held = dt.date(NEXT, 1, 11)
    with on(dt.date(YEAR, 12, 10)):
        error = refused(staff["convener"], estates["a"], held)
        # The convener is told, in Chinese, what is missing, that the operator knows, and which dates.
        assert error.code == "meeting.schedule"
        message = str(error.message)
        assert f"平台尚未录入 {NEXT} 年的法定节假日安排" in message
        assert f"会议召开日 {held.isoformat()}" in message
        assert f"邀请社区居民委员会列席（{held.isoformat()} 前三个工作日）" in message
        assert "已通知平台运营方" in message and "重新录入" in message
        (problem,) = error.details["problems"]
        assert (problem["code"], problem["year"]) == ("unknown_year", NEXT)
        assert problem["needs"] == [
            {"code": "held_on", "date": held.isoformat()},
            {"code": "invitation_on", "date": held.isoformat()},
        ]
        # Nothing of the meeting is kept; the refusal is.
        assert not Meeting.objects.exists()
        (request,) = CalendarYearRequest.objects.all()
        assert (request.year, request.estate, request.requested_by, request.times) == (
            NEXT,
            estates["a"],
            staff["convener"],
            1,
        )
        (note,) = operator_told(city, NEXT)
        assert note.link == f"{reverse('meetings:calendar')}?year={NEXT}#calendar-form"
        assert "碧海花园" in note.body
        assert AuditEvent.objects.filter(action="calendar.year_wanted").count() == 1

        # Refused again, and another estate's convener: the operator is not told again.
        refused(staff["convener"], estates["a"], held)
        refused(staff["other_convener"], estates["c"], held + dt.timedelta(days=3))
        assert len(operator_told(city, NEXT)) == 1
        assert OutboxMessage.objects.filter(event=f"calendar:{NEXT}:missing").count() == 1
        assert sorted(CalendarYearRequest.objects.values_list("estate__name", "times")) == [
            ("碧海花园", 2),
            ("科苑小区", 1),
        ]

        # The operator's home lists the year with the two conveners waiting; the calendar page too.
        client = Client()
        client.force_login(city)
        home = client.get(reverse("console:home")).content.decode()
        assert f'id="todo-calendar-{NEXT}"' in home and "todo-urgent" in home
        assert f"请录入 {NEXT} 年法定节假日安排" in home and "有 2 个召集人的会议在等待录入" in home
        page = client.get(reverse("meetings:calendar")).content.decode()
        assert f'id="need-{NEXT}"' in page and "碧海花园" in page and "科苑小区" in page
        # Nobody else sees it.
        other = Client()
        other.force_login(staff["street"])
        assert f"todo-calendar-{NEXT}" not in other.get(reverse("console:home")).content.decode()

        # Loading the year tells each refused convener; it re-plans nothing by itself.
        services.calendar_year_save(
            actor=city, year=NEXT, holidays=[dt.date(NEXT, 1, 1)], workdays=[], source="国办发明电（测试）"
        )
        assert not CalendarYearRequest.objects.filter(answered_at__isnull=True).exists()
        assert not Meeting.objects.exists()
        for convener, estate in ((staff["convener"], estates["a"]), (staff["other_convener"], estates["c"])):
            (loaded,) = Notification.objects.filter(user=convener, kind="calendar.year_loaded")
            assert f"{NEXT} 年法定节假日安排已录入" in loaded.title
            assert loaded.link == reverse("meetings:create", args=[estate.pk])
        assert AuditEvent.objects.get(action="calendar.year_saved").summary["requests_answered"] == 2
        assert f"todo-calendar-{NEXT}" not in client.get(reverse("console:home")).content.decode()
        # Entered again, the meeting is accepted.
        services.meeting_create(
            actor=staff["convener"], estate_id=estates["a"].pk, **meeting_input((held - today()).days)
        )


def test_the_refusal_reaches_the_convener_through_the_api_and_the_page(staff, estates):  # R-MTG-4
    held = dt.date(NEXT, 2, 8)
    with on(dt.date(YEAR, 12, 20)):
        api = Client()
        api.force_login(staff["convener"])
        body = {
            "estate_id": estates["a"].pk,
            **{
                k: v.isoformat() if hasattr(v, "isoformat") else v
                for k, v in meeting_input((held - today()).days).items()
            },
        }
        response = api.post("/api/meetings", body, content_type="application/json")
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "meeting.schedule" and "已通知平台运营方" in error["message"]
        assert error["details"]["problems"][0]["year"] == NEXT
        assert {n["code"] for n in error["details"]["problems"][0]["needs"]} >= {"held_on", "invitation_on"}

        form = form_data((held - today()).days)
        page = api.post(reverse("meetings:create", args=[estates["a"].pk]), form)
        html = page.content.decode()
        assert page.status_code == 422
        assert f"平台尚未录入 {NEXT} 年的法定节假日安排" in html and "已通知平台运营方" in html
        assert not Meeting.objects.exists()
        assert CalendarYearRequest.objects.get().times == 2
        assert len(operator_told(staff["city"], NEXT)) == 1


def test_from_the_first_of_october_the_operator_is_reminded_once(staff):  # R-MTG-4
    city = staff["city"]
    client = Client()
    client.force_login(city)
    with on(dt.date(YEAR, 9, 30)):
        assert services.calendar_watch() == []
        assert f"todo-calendar-{NEXT}" not in client.get(reverse("console:home")).content.decode()
    with on(dt.date(YEAR, 10, 1), hour=8):
        assert services.calendar_watch() == [NEXT]
        (note,) = operator_told(city, NEXT)
        assert f"请于 {YEAR}-12-31 前" in note.body
        home = client.get(reverse("console:home")).content.decode()
        assert f'id="todo-calendar-{NEXT}"' in home and f"截止 {YEAR}-12-31" in home
        assert "todo-urgent" not in home  # nobody waits yet
    with on(dt.date(YEAR, 10, 2)):
        assert services.calendar_watch() == [NEXT]
        assert len(operator_told(city, NEXT)) == 1  # told once


def test_the_worker_checks_the_calendar_every_morning(staff):  # R-MTG-4
    from django_tasks_db.models import DBTaskResult

    city = staff["city"]
    with on(dt.date(YEAR, 9, 29), hour=12):
        assert ensure_calendar_watch() is True and ensure_calendar_watch() is False
        run_worker()  # runs now: nothing is due yet, and queues tomorrow's 08:00
        (waiting,) = DBTaskResult.objects.filter(task_path__endswith="watch_calendar", status="READY")
        assert waiting.run_after == dt.datetime(YEAR, 9, 30, 8, tzinfo=BEIJING)
    assert not operator_told(city, NEXT)
    run_worker(at=dt.datetime(YEAR, 9, 30, 8, tzinfo=BEIJING))
    assert not operator_told(city, NEXT)
    run_worker(at=dt.datetime(YEAR, 10, 1, 8, tzinfo=BEIJING))
    assert len(operator_told(city, NEXT)) == 1
