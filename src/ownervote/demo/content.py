"""The demo meetings' content: their topics and items (a question, an election), the owners'
electronic answers and the paper ballots counted in public (R-PAPER-1..4), so that the story in
``seed.py`` only says who does what on which day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from ownervote.meetings.models import Meeting
from ownervote.orgs.models import User
from ownervote.voting.models import Ballot, Channel, CountSession, RollFlat
from ownervote.voting.services import answers, progress

# Where the meetings are held and the paper ballots counted.
PLACE = "深圳湾畔花园会所二楼多功能厅"


def _question(title: str, description: str, category: int) -> dict:
    return {
        "title": title,
        "description": description,
        "kind": "question",
        "category": category,
        "seats": None,
        "max_choices": None,
        "candidates": [],
    }


def _election(title: str, seats: int, candidates: list[tuple[str, str]]) -> dict:
    return {
        "title": title,
        "description": "",
        "kind": "election",
        "category": 3,
        "seats": seats,
        "max_choices": seats,
        "candidates": [{"name": n, "profile": p} for n, p in candidates],
    }


def demo_topics(held: dt.date) -> list[dict]:
    """A yes/no item of each threshold and an election, as a convener would enter them."""
    contract_ends = dt.date(held.year + 1, 3, 31)
    return [
        {
            "title": "续聘物业服务企业",
            "description": f"现物业服务合同将于{contract_ends.year}年3月31日到期。",
            "items": [
                _question("是否续聘深圳湾畔物业服务有限公司，服务期三年", "物业服务费标准不变。", 4),
                _question("是否使用维修资金更换2栋电梯", "预算约48万元，详见公示材料。", 5),
            ],
        },
        {
            "title": "增补业主委员会委员",
            "description": "",
            "items": [
                _election(
                    "增补第三届业主委员会委员（2名）",
                    2,
                    [
                        ("黄志伟", "1栋业主，退休工程师"),
                        ("周慧敏", "3栋业主，会计师"),
                        ("吴国强", "5栋业主，律师"),
                    ],
                )
            ],
        },
    ]


def result_topics() -> list[dict]:
    """Two questions (a three-quarters one and a majority one) and an election of three."""
    return [
        {
            "title": "小区公共设施",
            "description": "",
            "items": [
                _question(
                    "是否同意在地下车库增设电动自行车集中充电设施",
                    "由物业服务企业申请报装，费用由使用人分摊。",
                    7,
                ),
                _question(
                    "是否同意修订《深圳湾畔花园管理规约》第十二条（宠物管理）", "修订稿见公示材料。", 2
                ),
            ],
        },
        {
            "title": "选举业主委员会委员",
            "description": "",
            "items": [
                _election(
                    "选举第三届业主委员会委员（3名）",
                    3,
                    [
                        ("刘海燕", "2栋业主，现任业主委员会主任"),
                        ("陈志明", "1栋业主，注册会计师"),
                        ("林晓红", "4栋业主，中学教师"),
                        ("郑伟", "6栋业主，工程师"),
                    ],
                )
            ],
        },
    ]


def demo_ballots(items) -> list[dict]:
    """What the result meeting's voters mark, in order: varied, so that the result shows every kind
    of answer (an election abstained, an item left unmarked)."""
    q1, q2, election = items
    c = [cand.pk for cand in election.candidates.order_by("position", "id")]
    return [
        {str(q1.pk): "yes", str(q2.pk): "yes", str(election.pk): [c[0], c[1], c[2]]},
        {str(q1.pk): "yes", str(q2.pk): "no", str(election.pk): [c[0], c[2]]},
        {str(q1.pk): "no", str(q2.pk): "yes", str(election.pk): [c[1], c[3]]},
        {str(q1.pk): "abstain", str(q2.pk): "yes", str(election.pk): "abstain"},
        {str(q1.pk): "yes", str(election.pk): [c[0], c[1]]},  # item 2 left unmarked: an abstention
        {str(q1.pk): "yes", str(q2.pk): "yes", str(election.pk): [c[0]]},
    ]


def paper_turnout(meeting: Meeting, convener: User, items) -> None:
    """Paper ballots of whole counted owners (every flat of an owner alike, R-TALLY-9) that did not
    vote, in roll order, until about 75% of the owners and of the area took part, written as
    ``paper.session_commit`` writes them (one committed count session): item 1 (three quarters
    needed) has a majority but falls short, item 2 passes, the election elects two of four."""
    q1, q2, election = items
    c = [cand.pk for cand in election.candidates.order_by("position", "id")]
    kinds = [
        answers.clean(items, {str(q1.pk): "yes", str(q2.pk): "yes", str(election.pk): [c[0], c[1]]}),
        answers.clean(items, {str(q1.pk): "no", str(q2.pk): "yes", str(election.pk): [c[0], c[2]]}),
        answers.clean(items, {str(q1.pk): "no", str(q2.pk): "abstain", str(election.pk): [c[1], c[3]]}),
        answers.clean(items, {str(q1.pk): "yes", str(election.pk): [c[0], c[1]]}),
    ]
    head = progress.counted(meeting.pk)
    voted = set(Ballot.objects.filter(meeting=meeting).values_list("owner_group", flat=True))
    groups: dict[str, list] = {}
    for r in RollFlat.objects.filter(meeting=meeting).order_by("flat__sort_key", "id"):
        if r.owner_group not in voted:
            groups.setdefault(r.owner_group, []).append(r)
    owners, area = head.owners_voted, head.area_voted
    target_owners, target_area = head.owners_total * 3 // 4, head.area_total * Decimal("0.75")
    chosen: list[list] = [[] for _ in kinds]
    for i, flats in enumerate(groups.values()):
        if owners >= target_owners and area >= target_area:
            break
        chosen[(0, 0, 1, 0, 2, 0, 1, 3)[i % 8]].extend(flats)
        owners += 1
        area += sum((r.area for r in flats), Decimal(0))
    now = timezone.now()
    session = CountSession.objects.create(
        meeting=meeting,
        caller="刘海燕",
        counter="陈志明",
        scrutineer="王丽娟",
        place=PLACE,
        opened_by=convener,
        status=CountSession.Status.COMMITTED,
        committed_by=convener,
        committed_at=now,
    )
    for ballot, roll in zip(kinds, chosen, strict=True):
        if roll:
            written = answers.write(
                meeting=meeting,
                roll=roll,
                ballot=ballot,
                channel=Channel.PAPER,
                cast_at=now,
                count_session=session,
                dated_on=timezone.localdate(),
            )
            progress.add_ballots(meeting=meeting, ballots=written)
