"""Setting up a meeting (R-MTG-1, R-MTG-7): by the estate's convener, with its kind, time, place,
method, voting period, topics and voting items (yes/no questions and elections with their
decision category of Civil Code art. 278). Bad input is refused field by field and nothing is
stored; dates that could not be entered and publicised in time are refused with the rule and the
earliest date that works."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ownervote.core.errors import Forbidden, InvalidInput, NotFound
from ownervote.meetings import selectors, services
from ownervote.meetings.models import Item, Meeting

from .conftest import actions, at, day, inbox, meeting_input, today, topics


def test_convener_sets_up_a_draft(staff, estates, convener):  # R-MTG-1, R-MTG-7
    a = estates["a"]
    meeting = services.meeting_create(actor=convener, estate_id=a.pk, **meeting_input(25))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT
    assert (meeting.title, meeting.place, meeting.method, meeting.kind) == (
        "2026年度第二次业主大会会议",
        "碧海花园会所二楼",
        "mixed",
        "regular",
    )
    assert meeting.starts_at == at(25, 9) and meeting.voting_closes_at == at(25, 18)
    assert meeting.convener == convener.memberships.get().organisation
    assert meeting.entered_on is None and meeting.submitted_at is None and meeting.versions.count() == 0
    # The invitation day is known from the meeting day alone (R-MTG-4).
    assert meeting.invitation_on == selectors.calendar().working_days_before(day(25), 3)
    # Topics in order; items numbered across the meeting; the election's candidates in order.
    assert [t.title for t in meeting.topics.order_by("position")] == [
        "选聘物业服务企业",
        "选举业主委员会委员",
    ]
    question, election = meeting.items.order_by("position")
    assert (question.position, question.kind, question.category, question.seats) == (1, "question", 4, None)
    assert (election.position, election.kind, election.category) == (2, "election", 3)
    assert (election.seats, election.max_choices) == (3, 3)
    assert [c.name for c in election.candidates.order_by("position")] == ["陈一", "林二", "黄三", "周四"]
    assert election.topic.title == "选举业主委员会委员"
    assert actions(a) == ["meeting.created"]
    # A draft tells nobody.
    assert not inbox(staff["street"]) and not inbox(staff["community"])


@pytest.mark.parametrize("method", ["electronic", "paper", "mixed"])
def test_each_voting_method(convener, estates, method):  # R-MTG-7, art. 10, 11
    meeting = services.meeting_create(
        actor=convener, estate_id=estates["a"].pk, **meeting_input(25, method=method)
    )
    assert meeting.method == method


def _election(**changes) -> list[dict]:
    t = topics()
    t[1]["items"][0].update(changes)
    return t


def _question(**changes) -> list[dict]:
    t = topics()
    t[0]["items"][0].update(changes)
    return t


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"topics": []}, "topics"),
        ({"topics": [{"title": "空议题", "description": "", "items": []}]}, "topics.0.items"),
        ({"topics": [{"title": "", "items": topics()[0]["items"]}]}, "topics.0.title"),
        ({"topics": _election(seats=0)}, "topics.1.items.0.seats"),
        ({"topics": _election(max_choices=4)}, "topics.1.items.0.max_choices"),
        ({"topics": _election(max_choices=0)}, "topics.1.items.0.max_choices"),
        ({"topics": _election(seats=5, max_choices=5)}, "topics.1.items.0.candidates"),
        (
            {"topics": _election(candidates=[{"name": "陈一"}, {"name": "陈一"}, {"name": "林二"}])},
            "topics.1.items.0.candidates.1.name",
        ),
        ({"topics": _question(candidates=[{"name": "陈一"}])}, "topics.0.items.0.candidates"),
        ({"topics": _question(seats=2)}, "topics.0.items.0.seats"),
        ({"topics": _question(category=10)}, "topics.0.items.0.category"),
        ({"topics": _question(category=0)}, "topics.0.items.0.category"),
        ({"topics": _question(kind="ranking")}, "topics.0.items.0.kind"),
        ({"topics": _question(title=" ")}, "topics.0.items.0.title"),
        ({"voting_opens_at": at(25, 8)}, "voting_opens_at"),  # before the meeting starts
        ({"voting_closes_at": at(25, 9)}, "voting_closes_at"),  # closes when it opens
        ({"voting_closes_at": at(24, 18)}, "voting_closes_at"),
        ({"title": ""}, "title"),
        ({"place": "  "}, "place"),
        ({"method": "wechat"}, "method"),
        ({"kind": "annual"}, "kind"),
    ],
)
def test_bad_input_is_refused_by_field(convener, estates, snapshot, overrides, field):  # R-MTG-1
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.meeting_create(actor=convener, estate_id=estates["a"].pk, **meeting_input(25, **overrides))
    assert exc.value.code == "meeting.invalid"
    assert field in exc.value.details["fields"], exc.value.details
    assert str(exc.value.message)
    assert snapshot() == before


def test_every_problem_is_reported_at_once(convener, estates):
    with pytest.raises(InvalidInput) as exc:
        services.meeting_create(
            actor=convener,
            estate_id=estates["a"].pk,
            **meeting_input(25, title="", voting_closes_at=at(25, 8), topics=_election(max_choices=9)),
        )
    assert {"title", "voting_closes_at", "topics.1.items.0.max_choices"} <= set(exc.value.details["fields"])


def test_an_election_may_mark_fewer_than_the_seats(convener, estates):  # R-MTG-1 (seats, choices)
    meeting = services.meeting_create(
        actor=convener, estate_id=estates["a"].pk, **meeting_input(25, topics=_election(max_choices=1))
    )
    assert meeting.items.get(kind=Item.Kind.ELECTION).max_choices == 1


def test_exactly_twenty_days_ahead_is_accepted(convener, estates):  # R-MTG-1 boundary
    meeting = services.meeting_create(actor=convener, estate_id=estates["a"].pk, **meeting_input(20))
    assert selectors.timeline(meeting).ok


def test_nineteen_days_ahead_is_refused_with_the_earliest_date(convener, estates, snapshot):  # R-MTG-1
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.meeting_create(actor=convener, estate_id=estates["a"].pk, **meeting_input(19))
    error = exc.value
    assert error.code == "meeting.schedule"
    assert error.details["earliest_held_on"] == day(20).isoformat()
    codes = {p["code"]: p for p in error.details["problems"]}
    assert "entry_too_late" in codes
    entry = codes["entry_too_late"]
    assert entry["rule"] == "R-MTG-1" and entry["earliest_held_on"] == day(20).isoformat()
    assert (
        "第十二条" in entry["message"]
        and "R-MTG-1" not in entry["message"]
        and day(20).isoformat() in entry["message"]
    )
    assert str(error.message) == entry["message"]
    assert snapshot() == before
    # The date offered works.
    offered = dt.date.fromisoformat(error.details["earliest_held_on"])
    services.meeting_create(
        actor=convener, estate_id=estates["a"].pk, **meeting_input((offered - day(0)).days)
    )


def _at_hour(days: int, hour: int) -> dict:
    starts = at(days, hour)
    return meeting_input(
        days, starts_at=starts, voting_opens_at=starts, voting_closes_at=starts + dt.timedelta(hours=9)
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.integers(-3, 45), hour=st.integers(0, 23))
def test_every_refusal_offers_a_date_that_is_accepted(convener, estates, days, hour):  # R-MTG-1, R-MTG-3
    """Whatever the day and hour (Beijing), a meeting is accepted exactly when it is at least 20
    days ahead, and a refusal offers a day that is accepted."""
    assume(selectors.calendar().has_year(day(days).year))
    with transaction.atomic():
        try:
            services.meeting_create(actor=convener, estate_id=estates["a"].pk, **_at_hour(days, hour))
        except InvalidInput as error:
            assert error.code == "meeting.schedule"
            assert days < 20
            offered = dt.date.fromisoformat(error.details["earliest_held_on"])
            assert offered == day(20)
            services.meeting_create(
                actor=convener, estate_id=estates["a"].pk, **_at_hour((offered - today()).days, hour)
            )
        else:
            assert days >= 20
        transaction.set_rollback(True)


@pytest.mark.parametrize("days", [0, -3])
def test_a_meeting_today_or_in_the_past_is_refused(convener, estates, days):  # R-MTG-1
    with pytest.raises(InvalidInput) as exc:
        services.meeting_create(actor=convener, estate_id=estates["a"].pk, **meeting_input(days))
    assert "held_in_past" in {p["code"] for p in exc.value.details["problems"]}
    assert exc.value.details["earliest_held_on"] == day(20).isoformat()


def test_a_year_without_official_holidays_is_refused_never_guessed(convener, estates, snapshot):  # R-MTG-4
    held = dt.date(day(0).year + 3, 3, 15)  # the test calendar loads this year and the next two
    days = (held - day(0)).days
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.meeting_create(actor=convener, estate_id=estates["a"].pk, **meeting_input(days))
    problems = exc.value.details["problems"]
    assert [p["code"] for p in problems] == ["unknown_year"]
    assert problems[0]["earliest_held_on"] is None and exc.value.details["earliest_held_on"] is None
    assert str(held.year) in problems[0]["message"]
    # Nothing of the meeting is kept; only the refusal, so that the operator is told (see
    # test_calendar_life.py): one request, one audit event, one message to the city operator.
    counts, meetings = snapshot()
    assert meetings == before[1] and not Meeting.objects.exists()
    assert [b - a for a, b in zip(before[0], counts, strict=True)] == [0] * 9 + [1, 1, 1]


def test_first_assembly_only_by_a_preparatory_group(convener, preparatory, estates, snapshot):  # R-MTG-5
    before = snapshot()
    with pytest.raises(Forbidden) as exc:
        services.meeting_create(actor=convener, estate_id=estates["a"].pk, **meeting_input(25, kind="first"))
    assert exc.value.code == "meeting.first_needs_preparatory_group"
    assert snapshot() == before
    meeting = services.meeting_create(
        actor=preparatory, estate_id=estates["a"].pk, **meeting_input(25, kind="first")
    )
    assert meeting.convener.kind == "preparatory_group"


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("street", Forbidden),  # sees estate a, does not convene it
        ("community", Forbidden),
        ("city", Forbidden),
        ("other_convener", NotFound),  # does not see estate a
        ("other_street", NotFound),
        ("pending", NotFound),
    ],
)
def test_only_the_convener_sets_up_a_meeting(staff, estates, snapshot, who, error):  # R-MTG-1
    before = snapshot()
    with pytest.raises(error):
        services.meeting_create(actor=staff[who], estate_id=estates["a"].pk, **meeting_input(25))
    assert snapshot() == before


def test_an_owner_cannot_set_up_a_meeting(owner_world, estates, snapshot):
    before = snapshot()
    with pytest.raises(NotFound):
        services.meeting_create(actor=owner_world["zhang"], estate_id=estates["a"].pk, **meeting_input(25))
    assert snapshot() == before


def test_a_draft_is_edited_in_place(convener, make_meeting, estates):  # R-MTG-1
    meeting = make_meeting(25)
    services.draft_edit(
        actor=convener,
        meeting_id=meeting.pk,
        place="社区活动中心",
        starts_at=at(30, 14),
        voting_opens_at=at(30, 14),
        voting_closes_at=at(31, 18),
        topics=_election(max_choices=2),
    )
    meeting.refresh_from_db()
    assert meeting.place == "社区活动中心" and meeting.starts_at == at(30, 14)
    assert meeting.items.get(kind="election").max_choices == 2
    assert meeting.versions.count() == 0 and meeting.version == 1
    assert meeting.invitation_on == selectors.calendar().working_days_before(day(30), 3)
    assert [a for a in actions(estates["a"]) if a.startswith("meeting.")] == [
        "meeting.created",
        "meeting.changed",
    ]


def test_a_draft_keeps_its_voting_period_inside_the_meeting(convener, make_meeting, snapshot):  # R-MTG-1
    meeting = make_meeting(25)
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.draft_edit(actor=convener, meeting_id=meeting.pk, starts_at=at(25, 10))
    assert "voting_opens_at" in exc.value.details["fields"]
    assert snapshot() == before


def test_the_convener_cancels_a_draft(convener, make_meeting, staff, snapshot):
    meeting = make_meeting(25)
    before = snapshot()
    with pytest.raises(InvalidInput):
        services.meeting_cancel(actor=convener, meeting_id=meeting.pk, reason=" ")
    assert snapshot() == before
    services.meeting_cancel(actor=convener, meeting_id=meeting.pk, reason="议题需重新征集")
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.cancel_reason == "议题需重新征集"
    assert not inbox(staff["street"])  # a draft was never entered: nobody to tell
