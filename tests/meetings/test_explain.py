"""The schedule in words (R-MTG-1..4, R-MTG-6, R-MTG-8): each deadline and each refusal is a
sentence naming the rule, the article and the dates, and a meeting's timeline marks what is done,
past, today and to come."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ownervote.meetings import explain, selectors, services
from ownervote.rules import schedule
from ownervote.rules.calendar import ChineseCalendar

from .conftest import day, today

D = dt.date
CAL = ChineseCalendar()


def test_every_deadline_is_explained_with_rule_article_and_date():  # R-MTG-1..4, R-MTG-6
    plan = schedule.Plan(
        held_on=D(2026, 12, 21),
        entered_on=D(2026, 11, 23),
        publicity_starts_on=D(2026, 11, 23),
        today=D(2026, 11, 23),
    )
    sched = schedule.compute(plan, CAL)
    assert sched.ok
    rules = {
        "entry_by": "R-MTG-1",
        "guidance_until": "R-MTG-2",
        "publicity_by": "R-MTG-3",
        "publicity_until": "R-MTG-3",
        "changes_until": "R-MTG-6",
        "invitation_on": "R-MTG-4",
        "held_on": "R-MTG-1",
    }
    for deadline in sched.deadlines:
        text = explain.deadline_text(deadline)
        # People read the article, not the rule ID (issue 22 item 10); the rule stays on the deadline.
        assert deadline.rule == rules[deadline.code] and "R-" not in text
        assert text.startswith(explain.article(deadline.article) + "：")
        assert deadline.on.isoformat() in text
    entry = explain.deadline_text(sched.deadline("entry_by"))
    assert "2026-12-01" in entry and "20" in entry


def test_a_refusal_names_the_rule_and_the_earliest_date():  # R-MTG-1
    plan = schedule.Plan(
        held_on=D(2026, 12, 12),
        entered_on=D(2026, 11, 23),
        publicity_starts_on=D(2026, 11, 23),
        today=D(2026, 11, 23),
    )
    (problem,) = schedule.compute(plan, CAL).problems
    text = explain.problem_text(problem)
    assert text.startswith("《深圳市物业管理电子投票规则》第十二条：")  # the article, not the ID
    assert "R-MTG-1" not in text
    assert "2026-12-13" in text and "20" in text
    (detail,) = explain.problems_detail([problem])
    assert detail == {
        "code": "entry_too_late",
        "rule": "R-MTG-1",
        "message": text,
        "earliest_held_on": "2026-12-13",
    }


def test_an_unknown_year_asks_for_the_operator():  # R-MTG-4
    plan = schedule.Plan(
        held_on=D(2028, 5, 1),
        entered_on=D(2026, 11, 23),
        publicity_starts_on=D(2026, 11, 23),
        today=D(2026, 11, 23),
    )
    (problem,) = schedule.compute(plan, CAL).problems
    assert problem.code == "unknown_year"
    assert "2028" in explain.problem_text(problem)
    assert explain.earliest_of([problem]) is None


plans = st.builds(
    lambda today, entered_back, publicity_back, held_ahead, change: schedule.Plan(
        held_on=today + dt.timedelta(days=held_ahead),
        entered_on=today - dt.timedelta(days=entered_back),
        publicity_starts_on=today - dt.timedelta(days=min(publicity_back, entered_back)),
        today=today,
        change=change,
    ),
    today=st.dates(D(2024, 1, 1), D(2026, 10, 1)),
    entered_back=st.integers(0, 40),
    publicity_back=st.integers(0, 40),
    held_ahead=st.integers(-5, 60),
    change=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(plan=plans)
def test_every_problem_reads_as_a_sentence_with_its_rule(plan):  # R-MTG-1, R-MTG-3, R-MTG-6
    for problem in schedule.compute(plan, CAL).problems:
        text = explain.problem_text(problem)
        assert text.startswith(explain.article(problem.article)) and problem.rule not in text
        if problem.earliest_held_on is not None:
            assert problem.earliest_held_on.isoformat() in text


# --- a meeting's timeline ---------------------------------------------------------------------


def test_a_drafts_timeline(staff, make_meeting):  # R-MTG-1..4
    meeting = make_meeting(25)
    timeline = explain.meeting_timeline(meeting)
    assert timeline.problems == [] and timeline.earliest_held_on is None
    codes = [r.code for r in timeline.rows]
    assert codes[0] == "entry_by" and codes[-1] == "held_on"
    assert [r.date for r in timeline.rows] == sorted(r.date for r in timeline.rows)
    assert {r.state for r in timeline.rows} <= {"today", "future"}
    rows = {r.code: r for r in timeline.rows}
    assert rows["entry_by"].date == day(5) and rows["held_on"].date == day(25)
    assert rows["invitation_on"].date == selectors.calendar().working_days_before(day(25), 3)
    assert all(r.label and r.rule and r.explanation for r in timeline.rows)


def test_a_draft_that_lay_too_long_shows_what_is_wrong(staff, make_meeting):  # R-MTG-1
    meeting = make_meeting(20)
    timeline = explain.meeting_timeline(meeting, today() + dt.timedelta(days=1))
    assert [p["code"] for p in timeline.problems] == ["entry_too_late"]
    assert timeline.earliest_held_on == day(21)
    assert {r.code: r.state for r in timeline.rows}["entry_by"] == "past"


def test_steps_taken_are_done(staff, make_meeting):
    meeting = make_meeting(25, "published")
    services.guidance_give(actor=staff["street"], meeting_id=meeting.pk, text="同意。")
    rows = {r.code: r.state for r in explain.meeting_timeline(meeting).rows}
    assert rows["entry_by"] == rows["publicity_by"] == rows["guidance_until"] == "done"
    assert rows["invitation_on"] == "future" and rows["held_on"] == "future"
    later = {r.code: r.state for r in explain.meeting_timeline(meeting, meeting.invitation_on).rows}
    assert later["invitation_on"] == "done"


def test_preview_saves_nothing(staff, make_meeting, snapshot):  # R-MTG-6
    meeting = make_meeting(25, "published")
    before = snapshot()
    assert selectors.preview(starts_at=meeting.starts_at, meeting=meeting).ok
    too_close = selectors.preview(starts_at=meeting.starts_at - dt.timedelta(days=11), meeting=meeting)
    assert [p.code for p in too_close.problems] == ["republication_too_late"]
    fresh = selectors.preview(starts_at=meeting.starts_at - dt.timedelta(days=11))
    assert "entry_too_late" in [p.code for p in fresh.problems]
    assert snapshot() == before
