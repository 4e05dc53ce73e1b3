"""The official holiday calendar the deadlines count on (R-MTG-4): the city operator enters or
corrects a year; a meeting refused because its dates need a year that is not loaded is recorded
(``calendar_year_wanted``), the operator told once per year and the convener told when the year is
loaded; from the 1st of October the operator is reminded of next year (``calendar_watch``)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.access import fetch
from ownervote.core.errors import Conflict, InvalidInput, NotFound, ServiceError, require
from ownervote.notify.services import notify
from ownervote.orgs import scoping
from ownervote.roster.models import Estate
from ownervote.rules import schedule
from ownervote.rules.calendar import YearTable

from .. import permissions, selectors
from ..access import require_calendar_keeper
from ..errors import SCHEDULE_CODES, Code
from ..models import CalendarYear, CalendarYearRequest, Meeting
from .common import clean, link
from .invitations import reschedule_invitations

# --- a year the calendar lacks ----------------------------------------------------------------


def _missing_years(exc: ServiceError) -> list[dict]:
    """The ``unknown_year`` problems of a refused schedule (R-MTG-4), as the error details list them."""
    if exc.code not in SCHEDULE_CODES or not isinstance(exc.details, dict):
        return []
    return [p for p in exc.details.get("problems", ()) if p.get("code") == schedule.UNKNOWN_YEAR]


def tells_the_operator_of_missing_years(service):
    """A meeting refused because its dates need a year of the holiday calendar that is not loaded
    (R-MTG-4): once the refused change is rolled back, the refusal is kept in a transaction of its
    own (``calendar_year_wanted``: the city operator is told, once per year, and the convener will
    be told when the year is loaded) and the convener's message says so. Nothing of the meeting is
    kept. (Inside a caller's transaction, the record is the caller's to commit.)"""

    @functools.wraps(service)
    def wrapper(*, actor, **kwargs):
        try:
            return service(actor=actor, **kwargs)
        except (InvalidInput, Conflict) as exc:
            missing = _missing_years(exc)
            if not missing:
                raise
            meeting = Meeting.objects.filter(pk=kwargs.get("meeting_id", 0))
            found = meeting.values("estate_id", "title").first() or {}
            estate_id = kwargs.get("estate_id") or found.get("estate_id")
            title = kwargs.get("title") or found.get("title", "")
            calendar_year_wanted(actor=actor, estate_id=estate_id, title=title, problems=missing)
            for problem in missing:  # the error's details, where the page and the API read them
                problem["message"] = _(
                    "%(problem)s The city operator has been told; you will be told here when the holidays "
                    "of %(years)s are loaded, and can then enter the meeting again."
                ) % {"problem": problem["message"], "years": problem["year"]}
            exc.message = missing[0]["message"]
            raise

    return wrapper


def calendar_event(year: int) -> str:
    """The one event under which the city operators are told that ``year`` is missing: whoever
    tells them again (another refused convener, the autumn reminder) adds nothing."""
    return f"calendar:{year}:missing"


def tell_operator_year_missing(year: int, *, body: str) -> None:
    """Tell the city operators, once per year, that the official holidays of ``year`` are needed
    and not loaded, with the link to load them (inbox, in the caller's transaction)."""
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=scoping.city_operator_users(),
            kind="calendar.year_missing",
            title=gettext("Load the official holidays of %(year)d") % {"year": year},
            body=body,
            link=f"{link('calendar')}?year={year}#calendar-form",
            event=calendar_event(year),
        )


def calendar_watch(*, today: dt.date | None = None) -> list[int]:
    """The daily check of the calendar's yearly life (R-MTG-4): from the 1st of October while next
    year is not loaded, or whenever today's year is not, the city operators are told (once per
    year). Returns the years they were reminded of."""
    today = today or timezone.localdate()
    years = []
    with transaction.atomic():
        for need in selectors.calendar_needs(today):
            if need["due_on"] is None:
                continue  # only requested: the refusal told the operator already
            with translation.override(settings.LANGUAGE_CODE):
                body = gettext(
                    "The State Council publishes each year's holiday notice in the autumn. The official "
                    "holidays of %(year)d are not loaded yet: until they are, no meeting whose dates fall "
                    "in %(year)d can be entered. Enter the notice on the holiday calendar page by %(due)s."
                ) % {"year": need["year"], "due": need["due_on"].isoformat()}
            tell_operator_year_missing(need["year"], body=body)
            years.append(need["year"])
    return years


def calendar_year_wanted(*, actor, estate_id: int, title: str, problems: Sequence[dict]) -> list:
    """A convener's meeting of ``estate_id`` was refused because of ``problems`` (``unknown_year``,
    as the error details list them, R-MTG-4). Keeps one open request per year, estate and person
    (a later refusal updates it), and tells the city operators once per year."""
    now = timezone.now()
    rows = []
    with transaction.atomic():
        estate = fetch(Estate.objects.all(), estate_id)
        require(
            estate is not None and permissions.can_convene(actor, estate),
            NotFound(Code.ESTATE_NOT_FOUND, _("Estate not found.")),
        )
        for problem in problems:
            year = int(problem["year"])
            needs = [{"code": n["code"], "date": n["date"]} for n in problem.get("needs", ())]
            row = (
                CalendarYearRequest.objects.select_for_update()
                .filter(year=year, estate=estate, requested_by=actor, answered_at__isnull=True)
                .first()
            )
            if row is None:
                row = CalendarYearRequest(year=year, estate=estate, requested_by=actor, first_at=now, times=0)
            row.title = clean(title, 200)
            row.needs = needs
            row.last_at = now
            row.times += 1
            row.save()
            rows.append(row)
            record(
                actor=actor,
                action="calendar.year_wanted",
                obj=row,
                estate_id=estate.pk,
                summary={"year": year, "title": row.title, "needs": needs, "times": row.times},
            )
            with translation.override(settings.LANGUAGE_CODE):
                body = gettext(
                    "The State Council's notice of the official holidays of %(year)d is not loaded, so "
                    "working days of that year cannot be counted. A meeting of %(estate)s (“%(title)s”) was "
                    "refused for it. Enter the year's notice on the holiday calendar page."
                ) % {"year": year, "estate": estate.name, "title": row.title}
            tell_operator_year_missing(year, body=body)
    return rows


# --- the operator's years ---------------------------------------------------------------------


def _dates(values, field: str, year: int, errors: dict) -> list[dt.date]:
    out = []
    for value in values or []:
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            errors[field] = _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}
            continue
        if day.year != year:
            errors[field] = _("%(date)s is not in %(year)d.") % {"date": day.isoformat(), "year": year}
        out.append(day)
    return sorted(set(out))


def _check_year(year, holidays, workdays, source: str) -> tuple[list[dt.date], list[dt.date]]:
    """The days off and make-up working days of ``year``, checked; InvalidInput naming each field."""
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(
            Code.CALENDAR_INVALID,
            _("Give a year between 2000 and 2100."),
            details={"fields": {"year": str(_("Give a year between 2000 and 2100."))}},
        )
    errors: dict = {}
    days_off = _dates(holidays, "holidays", year, errors)
    working = _dates(workdays, "workdays", year, errors)
    if not days_off:
        errors.setdefault("holidays", _("List the statutory days off of the year."))
    both = sorted(set(days_off) & set(working))
    if both:
        errors.setdefault(
            "workdays",
            _("%(date)s is listed both as a day off and as a working day.") % {"date": both[0].isoformat()},
        )
    weekday = [d for d in working if d.weekday() < 5]
    if weekday:
        errors.setdefault(
            "workdays",
            _("%(date)s is a weekday: a make-up working day is a Saturday or Sunday.")
            % {"date": weekday[0].isoformat()},
        )
    if not source:
        errors["source"] = _("Cite the State Council notice, e.g. 国办发明电〔2025〕7号.")
    if errors:
        first = next(iter(errors.values()))
        raise InvalidInput(
            Code.CALENDAR_INVALID, first, details={"fields": {k: str(v) for k, v in errors.items()}}
        )
    return days_off, working


def calendar_year_save(
    *, actor, year: int, holidays: Sequence[dt.date], workdays: Sequence[dt.date], source: str
) -> CalendarYear:
    """The city operator enters or corrects a year of the official holiday schedule when the
    State Council publishes it (R-MTG-4): the statutory days off and the make-up working days (a
    weekend day), with the notice cited. It replaces the shipped table of that year. Every
    publicised meeting's pending invitation moves to the day the corrected year gives; every
    convener refused for the year is told."""
    source = clean(source, 300)
    with transaction.atomic():
        require_calendar_keeper(actor)
        days_off, working = _check_year(year, holidays, workdays, source)
        YearTable(year=year, holidays=frozenset(days_off), workdays=frozenset(working), source=source)
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        replaced = row is not None
        if row is None:
            row = CalendarYear(year=year)
        row.holidays = [d.isoformat() for d in days_off]
        row.workdays = [d.isoformat() for d in working]
        row.source = source
        row.updated_by = actor
        row.save()
        moved = reschedule_invitations()
        answered = _answer_calendar_requests(year)
        record(
            actor=actor,
            action="calendar.year_saved",
            obj=row,
            summary={
                "year": year,
                "invitations_moved": moved,
                "requests_answered": answered,
                "source": source,
                "holidays": len(days_off),
                "workdays": len(working),
                "replaced": replaced,
                "digest": hashlib.sha256(
                    json.dumps({"holidays": row.holidays, "workdays": row.workdays}).encode()
                ).hexdigest(),
            },
        )
    return row


def _answer_calendar_requests(year: int) -> int:
    """The year is loaded: every convener refused for it is told that they may enter the meeting
    again (nothing is re-planned by itself). Returns how many requests were answered."""
    waiting = list(
        CalendarYearRequest.objects.select_for_update()
        .filter(year=year, answered_at__isnull=True)
        .select_related("estate", "requested_by")
        .order_by("pk")
    )
    now = timezone.now()
    for row in waiting:
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                users=[row.requested_by],
                kind="calendar.year_loaded",
                title=gettext("The official holidays of %(year)d are loaded") % {"year": year},
                body=gettext(
                    "You can now enter the meeting “%(title)s” of %(estate)s again: it was refused because "
                    "the holidays of %(year)d were not loaded. Nothing of the refused attempt was kept."
                )
                % {"title": row.title, "estate": row.estate.name, "year": year},
                link=link("create", row.estate_id),
                estate=row.estate,
                event=f"calendar:{year}:loaded:{row.pk}",
            )
    CalendarYearRequest.objects.filter(pk__in=[r.pk for r in waiting]).update(answered_at=now)
    return len(waiting)
