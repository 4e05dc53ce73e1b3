"""The demo works on any day (issue 15): seeded with the clock on days around the year's turn, on
a leap day and in a year the shipped calendar lacks, it holds the three meetings the README shows,
each in its state, with dates that obey every rule the system enforces (R-MTG-1, R-MTG-3,
R-BIND-3, R-VOTE-4, R-RES-3), an audit log whose times follow its order, and (where the story
needs a year no notice covers) a provisional calendar that says on every page citing it that it
is the demo's own (R-MTG-4)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from ownervote.audit.models import AuditEvent
from ownervote.audit.services import verify_all
from ownervote.bindings.models import Binding
from ownervote.complaints.models import Complaint
from ownervote.demo import calendar as demo_calendar
from ownervote.demo import links, seed
from ownervote.meetings import explain, selectors
from ownervote.meetings.models import CalendarYear, Meeting, Publicity
from ownervote.orgs.models import Association, User
from ownervote.results.models import Result, ResultPublicity
from ownervote.roster import demo as roster_demo
from ownervote.roster.models import Estate
from ownervote.rules.calendar import SHIPPED
from ownervote.trust.models import Kind, Signal
from ownervote.voting.models import Ballot, Channel, Proxy

BEIJING = ZoneInfo("Asia/Shanghai")
LAST_SHIPPED = max(SHIPPED)

# A day inside the shipped years, the year's last days (the story reaches into next year), New
# Year's Day, a leap day and a day of a year the calendar does not ship.
DAYS = [
    dt.date(LAST_SHIPPED, 6, 1),
    dt.date(LAST_SHIPPED, 12, 20),
    dt.date(LAST_SHIPPED + 1, 1, 1),
    dt.date(2028, 2, 29),
]


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, BEIJING).date()


@pytest.mark.shipped_calendar
@pytest.mark.django_db
@pytest.mark.parametrize("today", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_demo_obeys_the_rules_on_any_day(today):  # R-MTG-1, R-MTG-3, R-MTG-4, R-BIND-3, R-VOTE-4, R-RES-3
    with time_machine.travel(dt.datetime.combine(today, dt.time(10, 0), tzinfo=BEIJING), tick=True):
        seed.seed()
        now = timezone.now()
        found = links.demo_meetings()
        upcoming, voting, result = found["upcoming"], found["voting"], found["result"]
        assert (upcoming.status, voting.status, result.status) == ("published", "voting", "closed")
        assert upcoming.title == seed.DEMO_MEETING_TITLE

        for meeting in (upcoming, voting, result):
            held = selectors.held_on(meeting)
            assert meeting.entered_on == _local(meeting.submitted_at)
            assert meeting.entered_on + dt.timedelta(days=20) <= held  # R-MTG-1
            assert meeting.publicity_starts_on + dt.timedelta(days=15) <= held  # R-MTG-3
            assert meeting.publicity_starts_on >= meeting.entered_on
            assert meeting.publicity_ends_on == held  # the notice runs to the meeting day, not past it
            publicity = Publicity.objects.get(meeting=meeting, superseded_at__isnull=True)
            listing = publicity.binding_publication  # R-BIND-3: at least 10 days from the meeting's publicity
            assert listing.starts_on <= publicity.starts_on
            assert listing.ends_on >= publicity.starts_on + dt.timedelta(days=10)
            # What the audit log says happened, happened on those days.
            events = {
                e.action: _local(e.at)
                for e in AuditEvent.objects.filter(object_type="meetings.meeting", object_id=str(meeting.pk))
            }
            assert events["meeting.submitted"] == meeting.entered_on
            assert events["meeting.published"] == meeting.publicity_starts_on
            # Nothing on its timeline contradicts the rules.
            assert explain.meeting_timeline(meeting).problems == []
            # R-VOTE-4: every electronic ballot comes from an owner bound before the publicity.
            for ballot in Ballot.objects.filter(meeting=meeting, channel=Channel.ELECTRONIC):
                binding = Binding.objects.filter(flat=ballot.flat).order_by("bound_at").first()
                assert _local(binding.bound_at) < meeting.publicity_starts_on

        # The voting meeting is open now and the sign-in owner has not voted in it.
        assert voting.voting_opens_at <= now < voting.voting_closes_at
        assert upcoming.voting_opens_at > now and result.voting_closes_at < now
        # R-TRUST-3: a proxy is in force in the voting meeting, so its public list is not empty.
        assert Proxy.objects.filter(meeting=voting, status=Proxy.Status.ACTIVE).count() == 1
        # The result: resolved, publicised within 3 days, its publicity running today (R-RES-3).
        current = Result.objects.get(meeting=result, superseded_at__isnull=True)
        shown = ResultPublicity.objects.get(result=current)
        assert shown.starts_on <= current.resolved_on + dt.timedelta(days=3) and not shown.late_reason
        assert shown.starts_on <= timezone.localdate() <= shown.ends_on

        # An owner's complaint waits for the street office (R-SEC-4); an estate with no convener
        # waits for a street office or a community committee to apply (R-ORG-3, R-ORG-4).
        waiting = Complaint.objects.get()
        assert (waiting.meeting, waiting.status) == (voting, "submitted")
        assert waiting.handler_kind == "street_office"
        assert waiting.accept_by >= timezone.localdate()
        third = Estate.objects.get(name=roster_demo.THIRD_ESTATE_NAME)
        assert not Association.objects.filter(estate=third).exists()

        # R-TRUST-1: three owners bound on one shared device: one open SHARED_DEVICE signal for the
        # street office of the demo estate, its evidence masked.
        shared = Signal.objects.filter(kind=Kind.SHARED_DEVICE)
        assert shared.count() == 1
        signal = shared.get()
        assert (signal.status, signal.meeting, signal.handler_kind) == ("open", None, "street_office")
        assert signal.handler_division_id == signal.estate.street_id == seed.demo_estate().street_id
        assert signal.measure["flats"] == 3 and signal.measure["owners"] == 3
        assert all("*" in item["owner"] and "*" in item["mobile"] for item in signal.evidence)

        # Time follows the audit log's order in every chain, nothing lies in the future, and the log
        # verifies.
        for stream in AuditEvent.objects.values_list("stream", flat=True).distinct():
            times = list(
                AuditEvent.objects.filter(stream=stream).order_by("link__seq").values_list("at", flat=True)
            )
            assert times == sorted(times), stream
            assert times[-1] <= timezone.now()
        assert verify_all()[1] == []

        # A year the story needs and no notice covers is the demo's own, and says so (R-MTG-4).
        needed = range(today.year - 1, today.year + 2)
        for year in needed:
            row = CalendarYear.objects.filter(year=year).first()
            if year in SHIPPED:
                assert row is None
            elif row is not None:
                assert row.source == demo_calendar.provisional_source(year)
                assert "演示" in row.source and "并非国务院" in row.source  # says so, in Chinese
        assert selectors.calendar().has_year(selectors.held_on(upcoming).year)


@pytest.mark.shipped_calendar
@pytest.mark.django_db
def test_a_provisional_year_is_named_wherever_it_counts():  # R-MTG-4
    """Seeded on the 20th of December of the last shipped year, the publicised meeting is held in
    January of a year no notice covers: the demo loads that year as its own provisional calendar,
    the seeding says so, and the calendar page and the meeting's timeline cite it as such."""
    today = dt.date(LAST_SHIPPED, 12, 20)
    with time_machine.travel(dt.datetime.combine(today, dt.time(10, 0), tzinfo=BEIJING), tick=True):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        year = LAST_SHIPPED + 1
        row = CalendarYear.objects.get(year=year)
        assert row.source == demo_calendar.provisional_source(year) and row.updated_by.username == "city"
        assert f"Holidays of {year}: the demo's provisional calendar" in out.getvalue()
        city = Client()
        city.force_login(User.objects.get(username="city"))
        page = city.get("/console/calendar/").content.decode()
        assert escape(row.source) in page
        upcoming = links.demo_meetings()["upcoming"]
        assert selectors.held_on(upcoming).year == year
        convener = Client()
        convener.force_login(User.objects.get(username="convener"))
        detail = convener.get(f"/console/meetings/{upcoming.pk}/").content.decode()
        assert 'data-code="invitation_on"' in detail and escape(row.source) in detail


@pytest.mark.django_db
def test_the_summary_names_stable_links_that_open_what_they_say():  # R-SEC-5 (the SQLite line)
    out = io.StringIO()
    call_command("seed_demo", "--base-url", "http://127.0.0.1:9000", stdout=out)
    text = out.getvalue()
    assert text.count("\n") < 30  # a short summary, not a log
    # R-SEC-5: on SQLite the demo says plainly, once, what its weaker guarantee is.
    if connection.vendor == "sqlite":
        assert text.count("Whoever can write the database file can rewrite it") == 1
        assert "chain heads published outside the database" in text
    else:
        assert "SQLite" not in text
    for key in ("vote", "result", "notice", "meeting"):
        assert f"http://127.0.0.1:9000/demo/{key}/" in text
    found = links.demo_meetings()
    client = Client()
    expected = {
        "notice": f"/p/meetings/{found['upcoming'].pk}/",
        "vote": f"/m/meetings/{found['voting'].pk}/vote/",
        "result": f"/p/meetings/{found['result'].pk}/result/",
        "meeting": f"/console/meetings/{found['upcoming'].pk}/",
        "progress": f"/console/meetings/{found['voting'].pk}/progress/",
        "result-console": f"/console/meetings/{found['result'].pk}/result/",
    }
    for key, url in expected.items():
        response = client.get(f"/demo/{key}/")
        assert (response.status_code, response["Location"]) == (302, url), key
    assert client.get("/demo/nothing-like-this/").status_code == 404
    index = client.get("/demo/").content.decode()
    assert all(url in index for url in expected.values())
    # Once the meeting has closed (its voting period over), "vote" says so instead of leading elsewhere.
    Meeting.objects.filter(pk=found["voting"].pk).update(status=Meeting.Status.CLOSED)
    gone = client.get("/demo/vote/")
    assert gone.status_code == 404 and "/demo/" in gone.content.decode()
