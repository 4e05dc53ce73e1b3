"""The official holiday calendar page (R-MTG-4): every year the calendar holds, shipped or entered
by the city operator, and the operator's form to add or correct a year by pasting the dates of the
State Council's notice. The dates are parsed from what people paste; the service decides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ownervote.meetings.forms import parse_dates
from ownervote.meetings.models import CalendarYear
from ownervote.rules.calendar import SHIPPED

# These pages show exactly the years loaded: the test calendar of later years stays out.
pytestmark = pytest.mark.shipped_calendar

URL = "/console/calendar/"
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知（测试）"


def year_data(**extra) -> dict:
    data = {
        "year": "2027",
        "holidays": "2027-01-01\n2027年2月6日至2027年2月12日，2027/4/5、2027.10.1~2027.10.7",
        "workdays": "2027-02-14 2027-10-09",
        "source": NOTICE_2027,
    }
    data.update(extra)
    return data


def test_everyone_in_the_console_sees_the_years_the_operator_keeps_them(client, staff):
    client.force_login(staff["convener"])
    body = client.get(URL).content.decode()
    for year, table in SHIPPED.items():
        assert f'id="year-{year}"' in body and table.source in body
    assert 'id="save-year"' not in body  # only the city operator keeps it
    assert client.post(URL, year_data()).status_code == 403
    assert not CalendarYear.objects.exists()
    client.force_login(staff["city"])
    body = client.get(URL).content.decode()
    assert 'id="save-year"' in body


def test_the_operator_pastes_a_years_notice(client, staff):
    # R-MTG-4: a year is loaded from the notice; ranges and the usual ways of writing dates
    client.force_login(staff["city"])
    response = client.post(URL, year_data())
    assert response.status_code == 302
    row = CalendarYear.objects.get()
    assert row.year == 2027 and row.source == NOTICE_2027 and row.updated_by == staff["city"]
    assert row.holidays == [
        "2027-01-01",
        *[f"2027-02-{d:02d}" for d in range(6, 13)],
        "2027-04-05",
        *[f"2027-10-{d:02d}" for d in range(1, 8)],
    ]
    assert row.workdays == ["2027-02-14", "2027-10-09"]
    body = client.get(URL).content.decode()
    start = body.index('id="year-2027"')
    assert NOTICE_2027 in body[start:] and staff["city"].display_name() in body[start:]


def test_a_shipped_year_is_corrected_from_its_own_dates(client, staff):
    client.force_login(staff["city"])
    body = client.get(URL, {"year": 2026}).content.decode()
    table = SHIPPED[2026]
    assert min(table.holidays).isoformat() in body and table.source in body


def test_bad_input_is_shown_in_place_and_nothing_is_saved(client, staff):
    client.force_login(staff["city"])
    response = client.post(URL, year_data(holidays="2027-01-01 2027-13-01 明年春节"))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_holidays_error"' in body and "2027-13-01" in body and "明年春节" in body
    response = client.post(URL, year_data(workdays="2026-12-27"))  # not in the year
    assert response.status_code == 422 and 'id="id_workdays_error"' in response.content.decode()
    # The service's own refusal (a make-up working day must be a weekend day) sits by its field.
    response = client.post(URL, year_data(workdays="2027-02-15"))
    assert response.status_code == 422 and 'id="id_workdays_error"' in response.content.decode()
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-01", ["2027-01-01"]),
        ("2027/1/2，2027年1月3日、 2027.1.4", ["2027-01-02", "2027-01-03", "2027-01-04"]),
        ("2027-01-30 至 2027-02-02", ["2027-01-30", "2027-01-31", "2027-02-01", "2027-02-02"]),
        ("2027-05-01~2027-05-01\n2027-05-01", ["2027-05-01"]),
        ("", []),
    ],
)
def test_parse_dates(text, expected):
    assert [d.isoformat() for d in parse_dates(text, year=2027)] == expected


@pytest.mark.parametrize("text", ["2027-02-30", "2027-03-05至2027-03-01", "2027-01-01至2027-03-01", "1月1日"])
def test_parse_dates_refuses(text):
    with pytest.raises(ValidationError):
        parse_dates(text, year=2027)


FORMATS = (
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
)


@given(
    st.lists(
        st.tuples(st.dates(dt.date(2027, 1, 1), dt.date(2027, 12, 31)), st.sampled_from(FORMATS)),
        max_size=30,
    ),
    st.sampled_from(["\n", " ", "，", "、", "; "]),
)
def test_parse_dates_reads_back_any_mix_of_formats(days, separator):
    text = separator.join(fmt(d) for d, fmt in days)
    assert parse_dates(text, year=2027) == sorted({d for d, _ in days})
