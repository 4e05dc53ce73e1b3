"""The city operator's holiday calendar (R-MTG-4): a year the State Council publishes is entered
in the console or the API and replaces the shipped table of that year; a year in neither is
refused, never guessed."""

from __future__ import annotations

import datetime as dt

import pytest

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Forbidden, InvalidInput
from ownervote.meetings import selectors, services
from ownervote.meetings.models import CalendarYear
from ownervote.rules.calendar import SHIPPED

from .conftest import meeting_input, today, unshipped_year, weekday_on_or_after

D = dt.date
NEW_YEAR_2027 = [D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)]
SOURCE = "国务院办公厅关于部分节假日安排的通知（测试）"


@pytest.mark.shipped_calendar
def test_the_operator_loads_a_new_year(staff, estates):  # R-MTG-4
    year = unshipped_year()
    cal = selectors.calendar()
    assert tuple(sorted(SHIPPED)) == cal.years and not cal.has_year(year)
    new_year = [D(year, 1, 1), D(year, 1, 2), D(year, 1, 3)]
    row = services.calendar_year_save(
        actor=staff["city"],
        year=year,
        holidays=[D(year, 2, 6), *new_year],
        workdays=[weekday_on_or_after(D(year, 2, 14), 5)],
        source=SOURCE,
    )
    assert row.holidays == [f"{year}-01-01", f"{year}-01-02", f"{year}-01-03", f"{year}-02-06"]
    make_up = weekday_on_or_after(D(year, 2, 14), 5)
    assert row.workdays == [make_up.isoformat()] and row.updated_by == staff["city"]
    cal = selectors.calendar()
    assert cal.has_year(year) and cal.source(year) == SOURCE
    assert not cal.is_working_day(D(year, 1, 1)) and cal.is_working_day(make_up)
    event = AuditEvent.objects.get(action="calendar.year_saved")
    assert event.summary["year"] == year and event.summary["replaced"] is False
    # A meeting in that year can now be set up (once today's year is known too: the suite may run
    # on a day of a year that is not shipped).
    for earlier in range(today().year, year):
        if not cal.has_year(earlier):
            services.calendar_year_save(
                actor=staff["city"], year=earlier, holidays=[D(earlier, 1, 1)], workdays=[], source=SOURCE
            )
    held = D(year, 3, 10)
    services.meeting_create(
        actor=staff["convener"], estate_id=estates["a"].pk, **meeting_input((held - today()).days)
    )


@pytest.mark.shipped_calendar
def test_the_operator_corrects_a_shipped_year(staff):  # R-MTG-4
    assert selectors.calendar().is_working_day(D(2026, 12, 31))
    services.calendar_year_save(
        actor=staff["city"],
        year=2026,
        holidays=sorted(SHIPPED[2026].holidays | {D(2026, 12, 31)}),
        workdays=sorted(SHIPPED[2026].workdays),
        source="更正：" + SHIPPED[2026].source,
    )
    cal = selectors.calendar()
    assert not cal.is_working_day(D(2026, 12, 31))
    years = {y["year"]: y for y in selectors.calendar_years()}
    assert years[2026]["entered_by_operator"] and not years[2025]["entered_by_operator"]
    # Saving it again replaces the row.
    services.calendar_year_save(
        actor=staff["city"],
        year=2026,
        holidays=sorted(SHIPPED[2026].holidays),
        workdays=sorted(SHIPPED[2026].workdays),
        source=SHIPPED[2026].source,
    )
    assert CalendarYear.objects.count() == 1 and selectors.calendar().is_working_day(D(2026, 12, 31))
    assert AuditEvent.objects.filter(action="calendar.year_saved").last().summary["replaced"] is True


@pytest.mark.parametrize("who", ["district", "street", "community", "convener"])
def test_only_the_city_operator_keeps_the_calendar(staff, snapshot, who):  # R-MTG-4
    before = snapshot(), CalendarYear.objects.count()
    with pytest.raises(Forbidden) as exc:
        services.calendar_year_save(
            actor=staff[who], year=2027, holidays=NEW_YEAR_2027, workdays=[], source=SOURCE
        )
    assert exc.value.code == "calendar.forbidden"
    assert (snapshot(), CalendarYear.objects.count()) == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"holidays": [D(2026, 10, 1)]}, "holidays"),  # another year
        ({"holidays": []}, "holidays"),
        ({"workdays": [D(2027, 1, 1)]}, "workdays"),  # both a day off and worked
        ({"workdays": [D(2027, 2, 22)]}, "workdays"),  # a Monday is no make-up day
        ({"workdays": ["2027-02-31"]}, "workdays"),
        ({"source": " "}, "source"),
        ({"year": 1999}, "year"),
    ],
)
def test_a_bad_year_is_refused(staff, snapshot, kwargs, field):  # R-MTG-4
    values = {"year": 2027, "holidays": NEW_YEAR_2027, "workdays": [], "source": SOURCE, **kwargs}
    before = snapshot(), CalendarYear.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.calendar_year_save(actor=staff["city"], **values)
    assert exc.value.code == "calendar.invalid"
    assert field in exc.value.details["fields"]
    assert (snapshot(), CalendarYear.objects.count()) == before
