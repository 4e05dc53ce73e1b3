"""Dates in year 1 or 9999 in the console's forms are refused next to their field, never a 500
(issue 19, point 8; R-MTG-1, SPEC section 4: a bad input is refused with a clear message and
nothing is stored). Every date field of every form is ``core.forms.PlausibleDate(Time)Field``:
2000..2099, decades from the ends of Python's dates, so no period added to a date can overflow."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import pytest
from django import forms as django_forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ownervote
from ownervote.core.forms import PlausibleDateField, PlausibleDateTimeField
from ownervote.core.validators import EARLIEST_YEAR, LATEST_YEAR
from ownervote.meetings.forms import MeetingForm, shift_to_day
from ownervote.meetings.models import Meeting

from .test_pages_console import create_url, form_data

EXTREMES = [
    "0001-01-01T00:00",
    "0001-01-01T08:00",
    "9999-12-31T23:59",
    "1999-12-31T23:59",
    "2100-01-01T00:00",
]


def _all_forms() -> list[type]:
    for module in pkgutil.walk_packages(ownervote.__path__, "ownervote."):
        name = module.name
        if name.endswith(("forms", "views")) or ".views." in name or ".forms." in name:
            importlib.import_module(name)
    found, todo = [], [django_forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("ownervote."):
            found.append(cls)
    return found


def test_every_date_field_of_every_form_is_plausible():  # R-MTG-1, SPEC section 4
    forms = _all_forms()
    assert len(forms) > 20
    plain = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in forms
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, django_forms.DateField | django_forms.DateTimeField)
        and not isinstance(field, PlausibleDateField | PlausibleDateTimeField)
    ]
    assert not plain


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moment=st.datetimes(), fmt=st.sampled_from(["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]))
def test_date_fields_refuse_or_accept_any_date_without_an_exception(moment, fmt):  # SPEC section 4
    """Hypothesis over all of Python's dates: each field answers a value in range or a
    ValidationError, never another exception; so does the meeting form and its "move to" shift."""
    text = f"{moment.year:04d}" + moment.strftime(fmt)[4:]
    formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
    for field in (PlausibleDateField(input_formats=formats), PlausibleDateTimeField(input_formats=formats)):
        try:
            value = field.clean(text)
        except django_forms.ValidationError:
            assert not EARLIEST_YEAR <= moment.year <= LATEST_YEAR
            continue
        assert EARLIEST_YEAR <= value.year <= LATEST_YEAR
    values = {name: text for name in MeetingForm.DATE_FIELDS}
    form = MeetingForm(data={"kind": "temporary", "method": "mixed", "title": "t", "place": "p", **values})
    form.is_valid()  # no exception
    shift_to_day(values, moment.date())
    shift_to_day({name: "2026-05-01T09:00" for name in MeetingForm.DATE_FIELDS}, moment.date())


@pytest.mark.django_db
@pytest.mark.parametrize("value", EXTREMES)
@pytest.mark.parametrize("name", MeetingForm.DATE_FIELDS)
def test_the_console_meeting_form_refuses_year_1_and_9999_in_chinese(client, staff, estates, name, value):
    """R-MTG-1: 422 with the message next to the field, no meeting stored."""
    client.force_login(staff["convener"])
    response = client.post(create_url(estates["a"]), form_data(30, **{name: value}))
    assert response.status_code == 422
    assert f"请输入 {EARLIEST_YEAR} 年至 {LATEST_YEAR} 年之间的日期" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_the_use_date_and_move_links_take_no_date_out_of_range(client, staff, estates, value):
    """The refusal's "use this date" button and the editor's ``?date=`` never shift past year 9999."""
    client.force_login(staff["convener"])
    response = client.post(create_url(estates["a"]), {**form_data(30), "use_date": value})
    assert response.status_code < 500
    assert not Meeting.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"starts_on": "9999-12-31", "ends_on": "9999-12-31"},
        {"starts_on": "0001-01-01", "ends_on": "0001-01-02"},
    ],
)
def test_the_binding_list_publicity_form_refuses_them_too(client, staff, estates, data):  # R-BIND-3
    from ownervote.bindinglist.models import Publication

    client.force_login(staff["convener"])
    response = client.post(reverse("bindinglist:console", args=[estates["a"].pk]), data)
    assert response.status_code == 422
    assert "年之间的日期" in response.content.decode()
    assert not Publication.objects.exists()


def test_dates_out_of_range_are_python_limits():
    assert dt.MINYEAR < EARLIEST_YEAR and LATEST_YEAR < dt.MAXYEAR


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moments=st.lists(
        st.one_of(
            st.datetimes(max_value=dt.datetime(1, 12, 31)),
            st.datetimes(min_value=dt.datetime(9999, 1, 1)),
            st.datetimes(),
        ),
        min_size=3,
        max_size=3,
    )
)
def test_no_extreme_date_in_the_console_meeting_form_is_a_500(client, staff, estates, moments):
    """R-MTG-1, SPEC section 4: hypothesis posts the meeting form with dates from all of Python's
    range, the ends most of all: a page (saved or refused), never a 500."""
    client.raise_request_exception = False
    client.force_login(staff["convener"])
    fields = zip(MeetingForm.DATE_FIELDS, moments, strict=True)
    dates = {name: f"{m.year:04d}" + m.strftime("-%m-%dT%H:%M") for name, m in fields}
    response = client.post(create_url(estates["a"]), form_data(30, **dates))
    assert response.status_code < 500
    if any(not EARLIEST_YEAR <= m.year <= LATEST_YEAR for m in moments):
        assert response.status_code == 422
