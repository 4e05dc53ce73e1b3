"""Archives for the two verifiers (SPEC R-TRUST-4): built with the project's own pure rules
(``rules.tally`` counts the result exactly as result generation does, ``verify.merkle`` makes the
root), in the format of docs/ARCHIVE.md. ``archive(...)`` makes one from items, totals and ballots;
``CASES`` are the named situations the law treats apart (随多数, ties in an election, owners of
several flats, conflicting paper ballots, partial ballots, no quorum, boundaries of 2/3, 1/2, 3/4);
``generated`` is the Hypothesis strategy of random meetings on random areas, some with an item for
part of the estate. Items for part of the estate (R-MTG-9: one building, a list of flats, a mixed
meeting, 随多数 over a scope) carry ``scope`` as the server exports it (``scoped(...)``). Some carry
the proof of service of the notice (R-MTG-10: ``services`` and ``services_digest``, ``served(...)``)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from hypothesis import strategies as st

from ownervote.rules import counting, tally
from ownervote.verify import merkle


def question(item_id: int, position: int, category: int = 1, title: str = "") -> dict:
    return {
        "id": item_id,
        "position": position,
        "title": title or f"事项{position}",
        "kind": "question",
        "category": category,
        "threshold": tally.threshold_of(category),
        "seats": None,
        "candidates": [],
    }


def election(
    item_id: int, position: int, seats: int, candidates: list[tuple[int, str]], category: int = 4
) -> dict:
    return {
        "id": item_id,
        "position": position,
        "title": f"选举{position}",
        "kind": "election",
        "category": category,
        "threshold": tally.threshold_of(category),
        "seats": seats,
        "candidates": [
            {"id": cid, "position": k + 1, "name": name} for k, (cid, name) in enumerate(candidates)
        ],
    }


def pseudonym(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def ballot(
    flat: str, owner: str, area: str, answers: dict, *, paper: bool = False, receipt: str = ""
) -> dict:
    return {
        "flat": pseudonym("F", flat),
        "owner": pseudonym("O", owner),
        "area": area,
        "channel": "paper" if paper else "electronic",
        "receipt": "" if paper else (receipt or hashlib.sha256(owner.encode()).hexdigest()),
        "partial": False,
        "answers": {str(k): v for k, v in answers.items()},
    }


def scoped(
    item: dict, roll: list[tuple[str, str, str]], *, buildings: list[str] = (), name: str = ""
) -> dict:
    """``item`` for part of the estate (R-MTG-9): ``roll`` is every flat of the scope on the roll as
    (flat, owner, area), voted or not, named as ``ballot`` names them."""
    flats = sorted(
        ({"flat": pseudonym("F", f), "owner": pseudonym("O", o), "area": a} for f, o, a in roll),
        key=lambda f: f["flat"],
    )
    label = (
        f"表决范围：{'、'.join(buildings)}业主" if buildings else f"表决范围：{name}业主（{len(flats)}户）"
    )
    kind = "buildings" if buildings else "flats"
    scope = {"kind": kind, "label": label, "name": name, "buildings": list(buildings), "flats": flats}
    return {**item, "scope": scope}


def service(
    flat: str, channel: str, at: str, *, version: int = 1, warning: bool = False, place: str = ""
) -> dict:
    """One record of the notice's service (R-MTG-10, docs/ARCHIVE.md "Service of the notice"); a
    paper record has a place and its photo's SHA-256."""
    paper = channel == "paper_posted"
    return {
        "flat": pseudonym("F", flat),
        "channel": channel,
        "version": version,
        "at": at,
        "warning_shown": warning,
        "place": place if paper else "",
        "photo": hashlib.sha256(f"photo of {place}".encode()).hexdigest() if paper else "",
    }


def served(data: dict, records: list[dict]) -> dict:
    """``data`` with ``services`` in the archive's order and their ``services_digest``."""
    order = ("flat", "at", "channel", "version", "place", "photo")
    data["services"] = sorted(records, key=lambda r: tuple(r[k] for k in order))
    data["services_digest"] = hashlib.sha256(merkle.canonical(data["services"])).hexdigest()
    return data


def _spec(i: dict) -> tally.ItemSpec:
    scope = scope_totals = None
    if "scope" in i:
        scope = frozenset(f["flat"] for f in i["scope"]["flats"])
        roll = [(f["flat"], Decimal(f["area"]), f["owner"]) for f in i["scope"]["flats"]]
        scope_totals = tally.Totals(*counting.scope_totals(roll, scope))
    return tally.ItemSpec(
        id=i["id"],
        kind=i["kind"],
        category=i["category"],
        seats=i["seats"],
        candidates=tuple(c["id"] for c in i["candidates"]),
        scope=scope,
        scope_totals=scope_totals,
    )


def archive(
    items: list[dict], totals: tuple[str, int, int], ballots: list[dict], *, follow: bool = False
) -> dict:
    ballots = sorted(ballots, key=lambda b: b["flat"])
    specs = [_spec(i) for i in items]
    flat_ballots = [
        tally.FlatBallot(
            b["flat"], b["owner"], Decimal(b["area"]), {int(k): v for k, v in b["answers"].items()}
        )
        for b in ballots
    ]
    area, owners, flats = totals
    result = tally.tally(
        tally.Totals(Decimal(area), owners, flats), specs, flat_ballots, follow_majority=follow
    )
    return {
        "format": "ownervote.archive",
        "version": 1,
        "meeting": {"id": 1, "title": "核对用会议", "estate": "测试花园"},
        "follow_majority": follow,
        "items": items,
        "totals": {"area": area, "owners": owners, "flats": flats, "snapshot": None},
        "ballots": ballots,
        "superseded": [],
        "merkle_root": merkle.root(ballots),
        "result": tally.to_json(result),
        "result_version": 1,
        "result_digest": "0" * 64,
        "audit_heads": [],
    }


CANDIDATES = [(31, "周慧敏"), (32, "李建国"), (33, "王芳"), (34, "陈明")]


def _voters(n: int, answers, *, area: str = "100", paper_every: int = 0) -> list[dict]:
    return [
        ballot(f"flat{k}", f"owner{k}", area, answers(k), paper=bool(paper_every) and k % paper_every == 0)
        for k in range(n)
    ]


def _tie() -> dict:
    # two seats: 周慧敏 first, 李建国 and 王芳 with a majority each and the same owners and area for
    # the second seat: a tie (R-TALLY-4), the seat is left to the convener
    votes = [[31, 32, 33]] * 6 + [[31]] * 4
    ballots = _voters(10, lambda k: {1: "yes", 2: votes[k]})
    return archive([question(1, 1), election(2, 2, 2, CANDIDATES[:3])], ("1200", 12, 12), ballots)


def _tie_for_both_seats() -> dict:
    votes = [[31, 32, 33]] * 9 + [[34]]
    ballots = _voters(10, lambda k: {2: votes[k]})
    return archive([election(2, 1, 2, CANDIDATES)], ("1000", 10, 10), ballots)


def _follow_majority() -> dict:
    # 随多数: 8 of 12 voted, 6 said yes: the four non-voters go to yes
    ballots = _voters(8, lambda k: {1: "yes" if k < 6 else "no", 2: [31, 32] if k < 5 else [33]})
    return archive(
        [question(1, 1, 7), election(2, 2, 2, CANDIDATES[:3])], ("1200", 12, 12), ballots, follow=True
    )


def _follow_majority_none() -> dict:
    # 随多数 without a majority answer: the non-voters abstain, and no candidate carries them
    ballots = _voters(9, lambda k: {1: ("yes", "no", "abstain")[k % 3], 2: [31 + k % 3]})
    return archive(
        [question(1, 1), election(2, 2, 1, CANDIDATES[:3])], ("1300", 13, 13), ballots, follow=True
    )


def _owners_of_several_flats() -> dict:
    # one owner with three flats (R-TALLY-9), another whose paper ballots disagree (a conflict)
    ballots = [
        ballot("a1", "multi", "88.25", {1: "yes", 2: [31]}),
        ballot("a2", "multi", "61.5", {1: "yes", 2: [31]}),
        ballot("a3", "multi", "120.125", {1: "yes", 2: [31]}),
        ballot("b1", "split", "90", {1: "yes", 2: [32]}, paper=True),
        ballot("b2", "split", "90", {1: "no"}, paper=True),
        *_voters(6, lambda k: {1: "no" if k % 2 else "yes", 2: "abstain"}, area="75.05", paper_every=2),
    ]
    return archive([question(1, 1), election(2, 2, 1, CANDIDATES[:2])], ("1000.3", 12, 13), ballots)


def _partial_and_unmarked() -> dict:
    ballots = _voters(9, lambda k: {1: "yes"} if k % 2 else {2: [32], 3: "abstain"})
    for b in ballots:
        b["partial"] = len(b["answers"]) < 3
    items = [question(1, 1), election(2, 2, 1, CANDIDATES[:2]), question(3, 3, 9), question(10, 4, 6)]
    return archive(items, ("1200", 12, 12), ballots)


def _boundaries() -> dict:
    # exactly two thirds take part (以上: quorum), exactly 3/4 say yes on a category-6 item (passes),
    # exactly half on a majority item (过半数: fails)
    ballots = _voters(8, lambda k: {1: "yes" if k < 6 else "no", 2: "yes" if k < 4 else "no"}, area="33.3")
    return archive([question(1, 1, 6), question(2, 2, 2)], ("399.6", 12, 12), ballots)


def _no_quorum() -> dict:
    ballots = _voters(3, lambda k: {1: "yes", 2: [31]})
    return archive([question(1, 1), election(2, 2, 1, CANDIDATES[:2])], ("1000", 10, 10), ballots)


def _nobody() -> dict:
    return archive([question(1, 1), election(2, 2, 1, CANDIDATES[:2])], ("1000", 10, 10), [])


# An estate of two buildings (R-MTG-9): 1栋 flats a0..a5, 2栋 flats b0..b7; owner "both" has a1
# and b1, owner "two" has b2 and b3 (one owner in the scope, R-ROSTER-3), b6 and b7 did not vote.
ESTATE = [
    *[(f"a{k}", "both" if k == 1 else f"oa{k}", "90") for k in range(6)],
    *[(f"b{k}", "both" if k == 1 else "two" if k in (2, 3) else f"ob{k}", "60.5") for k in range(8)],
]
BUILDING_2 = [f for f in ESTATE if f[0].startswith("b")]


def _estate_ballots(answers) -> list[dict]:
    return [
        ballot(f, o, a, answers(f), paper=f in ("b3", "a4")) for f, o, a in ESTATE if f not in ("b6", "b7")
    ]


def _one_building() -> dict:
    # the lift of 2栋: only 2栋 votes, its totals are 8 flats of 7 owners; a1's owner counts once in
    # it (through b1), and a 1栋 ballot carrying a mark for it is ignored
    def answers(flat):
        out = {1: "yes"}
        if flat.startswith("b"):
            out[2] = "no" if flat == "b5" else "yes"
        if flat == "a0":
            out[2] = "no"
        return out

    items = [question(1, 1), scoped(question(2, 2, 6, "2栋电梯更新"), BUILDING_2, buildings=["2栋"])]
    return archive(items, ("1024", 12, 14), _estate_ballots(answers))


def _list_of_flats() -> dict:
    # a list of flats sharing a cost: b2 and b3 of one owner disagree (one abstention by headcount)
    roll = [f for f in ESTATE if f[0] in ("a2", "a3", "b2", "b3", "b4", "b7")]
    inside = {f for f, _o, _a in roll}

    def answers(flat):
        return {1: "abstain" if flat == "b3" else "yes"} if flat in inside else {}

    item = scoped(question(1, 1, 9, "维修资金分摊"), roll, name="电梯维修资金分摊")
    return archive([item], ("1024", 12, 14), _estate_ballots(answers))


def _mixed() -> dict:
    # a whole-estate election, an item for 1栋 (category 7), an item for 2栋 that fails (b0 and b4
    # leave it unmarked: they still attend and abstain, R-TALLY-1) and an election for 2栋
    building_1 = [f for f in ESTATE if f[0].startswith("a")]

    def answers(flat):
        out = {1: [31, 32] if flat < "a3" else [33]}
        if flat.startswith("a"):
            out[2] = "yes" if flat != "a5" else "no"
        elif flat in ("b0", "b4"):
            out[4] = [32]
        else:
            out[3] = "no"
        return out

    items = [
        election(1, 1, 2, CANDIDATES[:3]),
        scoped(question(2, 2, 7, "1栋外墙"), building_1, buildings=["1栋"]),
        scoped(question(3, 3, 1), BUILDING_2, buildings=["2栋"]),
        scoped(election(4, 4, 1, CANDIDATES[1:3]), BUILDING_2, buildings=["2栋"]),
    ]
    return archive(items, ("1024", 12, 14), _estate_ballots(answers))


def _follow_majority_scoped() -> dict:
    # 随多数 over 2栋: its two non-voting flats (b6, b7: two owners) go to yes, the estate's do not
    def answers(flat):
        return {1: "yes" if flat < "a3" else "no", 2: "yes" if flat != "b0" else "no"}

    ballots = [b for b in _estate_ballots(answers) if b["flat"] != pseudonym("F", "a5")]
    items = [question(1, 1), scoped(question(2, 2, 6), BUILDING_2, buildings=["2栋"])]
    return archive(items, ("1024", 12, 14), ballots, follow=True)


def _follow_majority_served() -> dict:
    # 随多数 with the notice served (R-MTG-10): in the inbox (with the warning), by SMS and WeChat
    # (title only), and on paper in 3栋's hall for the flats nothing else reached; a flat served twice
    data = _follow_majority()
    records = [
        service(f"flat{k}", "inbox_read", f"2027-03-0{1 + k % 3} 0{k}:15", warning=True) for k in range(6)
    ]
    records += [
        service("flat6", "sms_sent", "2027-03-01 09:00"),
        service("flat7", "wechat_sent", "2027-03-01 09:01"),
    ]
    records += [service("flat0", "sms_sent", "2027-03-01 09:00", version=2)]
    records += [
        service(
            f"flat{k}", "paper_posted", "2027-03-02 18:40", version=2, warning=True, place="3栋大堂公告栏"
        )
        for k in range(8, 12)
    ]
    return served(data, records)


def _served_on_paper() -> dict:
    # every flat served on paper in two places, one record per flat and place (R-MTG-10)
    data = _no_quorum()
    places = ("1栋大堂公告栏", "小区正门公告栏")
    records = [
        service(f"flat{k}", "paper_posted", "2027-03-02 18:40", place=p) for k in range(4) for p in places
    ]
    return served(data, records)


CASES = {
    "election tie for the last seat": _tie,
    "election tie for both seats": _tie_for_both_seats,
    "follow majority": _follow_majority,
    "follow majority without a majority": _follow_majority_none,
    "owners of several flats and a conflict": _owners_of_several_flats,
    "partial and unmarked ballots": _partial_and_unmarked,
    "boundaries 2/3 3/4 1/2": _boundaries,
    "no quorum": _no_quorum,
    "no ballot": _nobody,
    "an item for one building": _one_building,
    "an item for a list of flats": _list_of_flats,
    "a mixed meeting": _mixed,
    "follow majority with a scope": _follow_majority_scoped,
    "follow majority with the notice served": _follow_majority_served,
    "the notice served on paper": _served_on_paper,
}

AREAS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400"), places=2)
QUESTION_MARKS = st.sampled_from(["yes", "no", "abstain", None])
ELECTION_MARKS = st.one_of(  # 35 is chosen on some ballots though the item does not list it
    st.none(), st.just("abstain"), st.lists(st.sampled_from([31, 32, 33, 35]), max_size=3)
)


@st.composite
def generated(draw) -> dict:
    """A random meeting: up to 14 flats of up to 8 owners on random areas, a question of a random
    category and an election of 0 to 3 seats among 3 candidates (and a 4th chosen though unlisted),
    with or without 随多数, totals at or above what voted."""
    n = draw(st.integers(0, 14))
    owners = [draw(st.integers(0, 7)) for _ in range(n)]
    ballots = []
    for k, owner in enumerate(owners):
        answers = {1: draw(QUESTION_MARKS), 2: draw(ELECTION_MARKS)}
        answers = {i: v for i, v in answers.items() if v is not None and v != []}
        area = str(draw(AREAS))
        ballots.append(ballot(f"g{k}", f"o{owner}", area, answers, paper=draw(st.booleans())))
    ballots_area = [b["area"] for b in ballots]
    voted = sum((Decimal(b["area"]) for b in ballots), Decimal(0))
    area = str(voted + draw(AREAS))
    total_owners = len(set(owners)) + draw(st.integers(0, 4))
    seats = draw(st.integers(0, 3))
    items = [question(1, 1, draw(st.sampled_from([1, 6, 9]))), election(2, 2, seats, CANDIDATES[:3])]
    if draw(st.booleans()):  # one item for part of the estate: some of the flats, and one not voting
        k = draw(st.integers(0, 1))
        roll = [(f"g{j}", f"o{o}", ballots_area[j]) for j, o in enumerate(owners) if draw(st.booleans())]
        roll.append(("absent", f"o{draw(st.integers(0, 9))}", str(draw(AREAS))))
        items[k] = scoped(items[k], roll, name="随机范围")
    return archive(items, (area, total_owners, n + 2), ballots, follow=draw(st.booleans()))
