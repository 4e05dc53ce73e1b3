"""Items for part of the estate (R-MTG-9) through the services: a meeting mixes an estate-wide item
and one for building 2栋 (its lift, paid from that building's maintenance fund); a flat votes only on
the items of its scopes (an answer to another part's item is refused, ``ballot.out_of_scope``); the
scoped item's totals, quorum and thresholds are computed over its flats on the frozen roll, owners
counted within it as R-ROSTER-3 counts them; the database count equals the pure rules."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ownervote.core.errors import InvalidInput
from ownervote.meetings import scopes
from ownervote.meetings import services as meetings
from ownervote.meetings.models import Item
from ownervote.results import texts
from ownervote.results.services import export, results
from ownervote.rules import tally
from ownervote.verify import archive as verifier
from ownervote.voting.errors import Code
from ownervote.voting.models import Ballot, Choice
from ownervote.voting.services import paper
from ownervote.voting.services.cast import ballot_cast
from tests.meetings.conftest import meeting_input
from tests.meetings.test_api import _body
from tests.owners import bind, verified_person
from tests.results.test_counting_db import _close, assert_db_equals_pure
from tests.rosterfiles import mobile, person_id
from tests.voting.conftest import developer_staff, long_ago
from tests.voting.paper_fixtures import open_session, roll_of

pytestmark = pytest.mark.django_db

D = Decimal


def scoped_topics(scope=None) -> list[dict]:
    return [
        {
            "title": "小区公共事务",
            "description": "",
            "items": [
                {"title": "续聘物业服务企业", "description": "", "kind": "question", "category": 4},
                {
                    "title": "2栋更换电梯，使用2栋维修资金",
                    "description": "",
                    "kind": "question",
                    "category": 5,
                    "scope": scope or {"kind": "buildings", "buildings": ["2栋"]},
                },
            ],
        }
    ]


@pytest.fixture
def scoped_world(owner_world, staff, estates, make_voting_meeting):
    flats = owner_world["flats"]
    zhao = verified_person(mobile(4), "赵六", person_id(4))
    bind(zhao, flats["1栋-201"])
    bind(zhao, flats["2栋-201"])
    chen, _auth = developer_staff(owner_world, staff["convener"], estates["a"])
    long_ago(owner_world["zhang"], owner_world["li"], zhao, chen)
    meeting = make_voting_meeting(topics=scoped_topics())
    whole, lift = Item.objects.filter(meeting=meeting).order_by("position")
    return {
        **owner_world,
        "zhao": zhao,
        "chen": chen,
        "meeting": meeting,
        "whole": whole,
        "lift": lift,
        "flat": {label: f.pk for label, f in flats.items()},
        "convener": staff["convener"],
    }


def _cast(w, who, labels, answers):
    return ballot_cast(
        actor=w[who], meeting_id=w["meeting"].pk, flat_ids=[w["flat"][x] for x in labels], answers=answers
    )


def test_the_scope_is_stored_and_named(scoped_world):  # R-MTG-9
    lift = scoped_world["lift"]
    assert lift.scope == Item.Scope.BUILDINGS
    assert [b.name for b in lift.scope_buildings.all()] == ["2栋"]
    assert scopes.label(lift) == "表决范围：2栋业主"
    assert scopes.label(scoped_world["whole"]) == "表决范围：全体业主"


def test_an_answer_to_another_buildings_item_is_refused(scoped_world):  # R-MTG-9
    w = scoped_world
    with pytest.raises(InvalidInput) as refused:
        _cast(w, "zhang", ["1栋-101"], {str(w["whole"].pk): "yes", str(w["lift"].pk): "yes"})
    assert refused.value.code == Code.OUT_OF_SCOPE
    assert not Ballot.objects.filter(meeting=w["meeting"]).exists()
    _cast(w, "zhang", ["1栋-101"], {str(w["whole"].pk): "yes"})
    ballot = Ballot.objects.get(meeting=w["meeting"])
    assert ballot.partial is False  # the only item on zhang's ballot is marked


def test_one_owner_in_and_out_of_the_scope_marks_it_only_for_his_flat_in_it(
    scoped_world,
):  # R-MTG-9, R-TALLY-9
    w = scoped_world
    _cast(w, "zhao", ["1栋-201", "2栋-201"], {str(w["whole"].pk): "yes", str(w["lift"].pk): "no"})
    lift_marks = Choice.objects.filter(meeting=w["meeting"], item=w["lift"])
    assert [c.ballot.flat_id for c in lift_marks] == [w["flat"]["2栋-201"]]
    assert Choice.objects.filter(meeting=w["meeting"], item=w["whole"]).count() == 2


def test_the_scoped_item_is_counted_over_its_building(
    scoped_world,
):  # R-MTG-9, R-ROSTER-3, R-TALLY-2, R-TALLY-3
    w = scoped_world
    _cast(w, "zhang", ["1栋-101"], {str(w["whole"].pk): "no"})
    _cast(w, "zhao", ["1栋-201", "2栋-201"], {str(w["whole"].pk): "yes", str(w["lift"].pk): "yes"})
    _cast(w, "chen", ["2栋-301", "2栋-302"], {str(w["lift"].pk): "yes"})
    meeting = _close(w["meeting"])
    result = assert_db_equals_pure(meeting)
    whole, lift = result.items
    # building 2栋: 2栋-201 (赵六), 2栋-301 and 2栋-302 (the developer, one owner): 260 m², 2 owners
    assert lift.scope_totals == tally.Totals(area=D("260"), owners=2, flats=3)
    assert lift.participating == tally.Share(D("260"), 2)
    assert lift.quorum and lift.passed
    # the estate item: every counted flat, the developer's (who did not answer it) abstaining
    assert whole.scope_totals is None and whole.participating.owners == 3
    assert result.totals.owners == 4  # 张三, 李四王五, 赵六, the developer


def test_a_list_of_flats_with_an_unknown_one_is_refused_naming_it(staff, estates, owner_world):  # R-MTG-9
    scope = {"kind": "flats", "flats": ["2栋-201", "9栋-999", "2栋-301"], "name": "2栋电梯维修资金分摊"}
    with pytest.raises(InvalidInput) as refused:
        meetings.meeting_create(
            actor=staff["convener"],
            estate_id=estates["a"].pk,
            **meeting_input(25, topics=scoped_topics(scope)),
        )
    assert "9栋-999" in str(refused.value.details["fields"]["topics.0.items.1.scope"])
    assert not Item.objects.exists()


def test_a_list_of_flats_is_stored_and_counted(staff, estates, owner_world):  # R-MTG-9
    scope = {"kind": "flats", "flats": ["2栋-301", "2栋-201"], "name": "2栋电梯维修资金分摊业主"}
    meeting = meetings.meeting_create(
        actor=staff["convener"], estate_id=estates["a"].pk, **meeting_input(25, topics=scoped_topics(scope))
    )
    lift = Item.objects.get(meeting=meeting, position=2)
    assert scopes.scope_content(lift) == {
        "kind": "flats",
        "flats": ["2栋-201", "2栋-301"],
        "name": "2栋电梯维修资金分摊业主",
    }
    assert scopes.label(lift) == "表决范围：2栋电梯维修资金分摊业主（2户）"


def test_parse_flat_list_reads_lines_commas_and_csv():  # R-MTG-9
    assert scopes.parse_flat_list("2栋-201\n2栋-301, 2栋-302、2栋-201\n") == ["2栋-201", "2栋-301", "2栋-302"]
    assert scopes.parse_flat_list('"2栋-201","x"\r\n2栋-301;2栋-302') == [
        "2栋-201",
        "x",
        "2栋-301",
        "2栋-302",
    ]


def _generated_archive(w) -> dict:
    _cast(w, "zhang", ["1栋-101"], {str(w["whole"].pk): "yes"})
    _cast(w, "zhao", ["1栋-201", "2栋-201"], {str(w["whole"].pk): "yes", str(w["lift"].pk): "yes"})
    _cast(w, "chen", ["2栋-301", "2栋-302"], {str(w["lift"].pk): "no", str(w["whole"].pk): "yes"})
    _close(w["meeting"])
    results.result_generate(actor=w["convener"], meeting_id=w["meeting"].pk)
    return export.archive_of(w["meeting"])


def test_the_archive_records_the_scope_and_the_verifier_recounts_it(scoped_world):  # R-MTG-9, R-RES-4
    w = scoped_world
    data = _generated_archive(w)
    whole, lift = data["items"]
    assert "scope" not in whole
    assert lift["scope"]["kind"] == "buildings" and lift["scope"]["buildings"] == ["2栋"]
    assert lift["scope"]["label"] == "表决范围：2栋业主"
    assert len(lift["scope"]["flats"]) == 3 and all(
        f["flat"].startswith("F-") for f in lift["scope"]["flats"]
    )
    assert data["result"]["items"][1]["scope_totals"] == {"area": "260", "owners": 2, "flats": 3}
    assert verifier.check(data).ok

    # the per-flat table marks the flats of building 1 as outside the lift's scope
    content = results.current(w["meeting"]).content
    by_room = {(f["building"], f["room"]): f["answers"] for f in content["flats"]}
    assert by_room[("1栋", "101")] == ["yes", "out_of_scope"]
    assert by_room[("2栋", "301")] == ["yes", "no"]
    lines = " ".join(texts.outcome_lines(content))
    assert "表决范围：2栋业主（业主2人，专有部分面积260 m²）" in lines

    dropped = copy.deepcopy(data)  # a flat taken out of the scope: its ballot no longer counts there
    dropped["items"][1]["scope"]["flats"].pop(0)
    report = verifier.check(dropped)
    assert not report.ok and [line.ok for line in report.lines if line.kind == "item"] == [True, False]

    bigger = copy.deepcopy(data)  # a flat's area raised in the scope only
    bigger["items"][1]["scope"]["flats"][0]["area"] = "999"
    assert not verifier.check(bigger).ok


def test_the_api_takes_and_shows_the_scope(staff, estates, owner_world):  # R-MTG-9
    client = Client()
    client.force_login(staff["convener"])
    scope = {"kind": "flats", "flats": ["2栋-302", "2栋-201"], "name": "2栋电梯维修资金分摊业主"}
    created = client.post(
        "/api/meetings", _body(estates["a"].pk, topics=scoped_topics(scope)), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    whole, lift = created.json()["topics"][0]["items"]
    assert whole["scope"] == {
        "kind": "estate",
        "label": "表决范围：全体业主",
        "buildings": [],
        "flats": [],
        "name": "",
    }
    assert lift["scope"]["flats"] == ["2栋-201", "2栋-302"]
    assert lift["scope"]["label"] == "表决范围：2栋电梯维修资金分摊业主（2户）"
    unknown = {"kind": "buildings", "buildings": ["2栋", "9栋"]}
    refused = client.post(
        "/api/meetings",
        _body(estates["a"].pk, topics=scoped_topics(unknown)),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "9栋" in refused.json()["error"]["details"]["fields"]["topics.0.items.1.scope"]


def test_a_paper_ballot_answers_only_the_items_of_its_flats_scope(scoped_world):  # R-MTG-9, R-PAPER-1
    w = scoped_world
    meeting = _close(w["meeting"])
    roll = roll_of(meeting)
    session = open_session(w["convener"], meeting)
    day = timezone.localtime(meeting.voting_closes_at).date()

    def enter(label, answers):
        return paper.entry_save(
            actor=w["convener"],
            session_id=session.pk,
            flat_id=roll[label].flat_id,
            round=1,
            answers=answers,
            dated_on=day,
            received_at=meeting.voting_closes_at,
            received_via="box",
        )

    with pytest.raises(InvalidInput) as refused:
        enter("1栋-101", {str(w["whole"].pk): "yes", str(w["lift"].pk): "yes"})
    assert refused.value.code == Code.OUT_OF_SCOPE
    enter("1栋-101", {str(w["whole"].pk): "yes"})
    enter("2栋-301", {str(w["whole"].pk): "no", str(w["lift"].pk): "yes"})
    enter("2栋-302", {str(w["whole"].pk): "no", str(w["lift"].pk): "yes"})
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    result = assert_db_equals_pure(meeting)
    lift = result.items[1]
    assert lift.participating == tally.Share(D("200"), 1)  # the developer, once, with both flats
    assert Ballot.objects.get(meeting=meeting, flat_id=roll["1栋-101"].flat_id).partial is False
