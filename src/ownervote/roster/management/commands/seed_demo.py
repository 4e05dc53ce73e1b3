"""Demo data: Shenzhen's geography, one account per role, and the roster of 深圳湾畔花园 (沙头街道,
福田区) loaded through the real import and confirmed totals. Every account's password is
``ownervote-demo``. Idempotent: when the demo estate exists, it only prints the accounts.

    python manage.py seed_demo
    python manage.py seed_demo --write-sample DIR   # only writes demo-roster.xlsx and
                                                    # sample-roster-with-errors.csv into DIR

Everything goes through the services the console uses (register_account, decide_association,
estate_create, import_preview/import_apply, totals_confirm, authorise_staff), so the audit log
holds the same events a real installation would.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ownervote.audit.services import record
from ownervote.bindings.models import Binding
from ownervote.bindings.services import bind_flat
from ownervote.core import pii
from ownervote.core.errors import ServiceError
from ownervote.core.files import Upload
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.notify.models import Notification
from ownervote.notify.services import notify
from ownervote.orgs import scoping
from ownervote.orgs.management.commands.create_operator import bootstrap_operator
from ownervote.orgs.management.commands.load_shenzhen import load_geography
from ownervote.orgs.models import Association, Division, Organisation, User
from ownervote.orgs.services import authorise_staff, decide_association, register_account
from ownervote.roster import demo, services
from ownervote.roster.models import Estate, Flat
from ownervote.verification.models import Method, Verification, VerifiedIdentity

K = Organisation.Kind
APPROVED = Association.Status.APPROVED

# username, real name, mobile, role, what they can do
ACCOUNTS = [
    (
        "city",
        "陈建国",
        "13802550101",
        "city operator 市住房和建设局",
        "approves district bureaus; sees every district, street and estate",
    ),
    (
        "futian",
        "李明华",
        "13802550102",
        "district bureau 福田区住房和建设局",
        "approves street offices of Futian; sees Futian's estates",
    ),
    (
        "shatou",
        "王丽娟",
        "13802550103",
        "street office 沙头街道办事处",
        "registers estates in Shatou; approves conveners (2 applications pending: applicant, company); "
        "sees both estates",
    ),
    (
        "community",
        "张志强",
        "13802550104",
        "community committee 沙嘴社区居民委员会",
        "sees the estates of Shazui community",
    ),
    (
        "convener",
        "刘海燕",
        "13802550105",
        "owners' committee 深圳湾畔花园业主委员会 (approved)",
        "keeps the roster of 深圳湾畔花园 (620+ parts imported, totals confirmed); imports, edits, exports",
    ),
    (
        "applicant",
        "黄志伟",
        "13802550106",
        f"preparatory group of {demo.SECOND_ESTATE_NAME} (pending)",
        "waits for Shatou street office to approve its application; sees nothing yet",
    ),
    (
        "company",
        "周晓梅",
        "13802550107",
        f"organisation owner {demo.COMPANY_NAME} (pending)",
        "owns 5 shops in 深圳湾畔花园; has authorised one staff member to vote for it (R-ORG-2)",
    ),
]


def _approve(approver, assoc: Association) -> None:
    decide_association(actor=approver, association_id=assoc.pk, decision=APPROVED)
    scoping.forget(approver)


def _register(
    username: str,
    *,
    kind: str,
    organisation: str,
    credit_code: str = "",
    division: Division | None = None,
    estate: Estate | None = None,
) -> tuple[User, Association]:
    _, real_name, mobile, *_ = next(a for a in ACCOUNTS if a[0] == username)
    return register_account(
        username=username,
        password=demo.DEMO_PASSWORD,
        real_name=real_name,
        mobile=mobile,
        organisation_kind=kind,
        organisation_name=organisation,
        credit_code=credit_code,
        division=division,
        estate=estate,
        note="演示数据",
    )


def seed() -> Estate:
    """Create everything; the caller holds the transaction."""
    taken = User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", flat=True)
    if taken:
        raise CommandError(
            f"Accounts {', '.join(sorted(taken))} already exist but the demo estate does not: "
            "seed_demo needs a database without them."
        )
    division = {d.code: d for d in Division.objects.filter(code__startswith="440304")}
    shatou = division[demo.SHATOU_CODE]
    communities = {d.name: d for d in Division.objects.filter(parent=shatou)}
    futian = shatou.parent

    _, name, mobile, *_ = ACCOUNTS[0]
    city, _ = bootstrap_operator(
        username="city",
        password=demo.DEMO_PASSWORD,
        real_name=name,
        mobile=mobile,
        actor="manage.py seed_demo",
    )

    futian_user, assoc = _register(
        "futian", kind=K.DISTRICT_BUREAU, organisation="深圳市福田区住房和建设局", division=futian
    )
    _approve(city, assoc)
    shatou_user, assoc = _register(
        "shatou", kind=K.STREET_OFFICE, organisation="深圳市福田区人民政府沙头街道办事处", division=shatou
    )
    _approve(futian_user, assoc)
    community = communities[demo.DEMO_COMMUNITY_NAME]
    _, assoc = _register(
        "community",
        kind=K.COMMUNITY_COMMITTEE,
        organisation=f"沙头街道{community.name}居民委员会",
        division=community,
    )
    _approve(shatou_user, assoc)

    estate = services.estate_create(
        actor=shatou_user,
        name=demo.DEMO_ESTATE_NAME,
        address=demo.DEMO_ESTATE_ADDRESS,
        street=shatou,
        community=community,
    )
    second = services.estate_create(
        actor=shatou_user,
        name=demo.SECOND_ESTATE_NAME,
        address=demo.SECOND_ESTATE_ADDRESS,
        street=shatou,
        community=communities[demo.SECOND_COMMUNITY_NAME],
    )

    convener, assoc = _register(
        "convener", kind=K.OWNERS_COMMITTEE, organisation=f"{estate.name}业主委员会", estate=estate
    )
    _approve(shatou_user, assoc)
    scoping.forget(convener)
    _register(
        "applicant", kind=K.PREPARATORY_GROUP, organisation=f"{second.name}首次业主大会筹备组", estate=second
    )

    # The organisation owner's application stays pending: scoping.roster_keepers treats every
    # approved estate association as a convener's, so approving it would let the company edit
    # the roster. Authorising staff needs only its admin membership.
    company, assoc = _register(
        "company",
        kind=K.OWNER_ORGANISATION,
        organisation=demo.COMPANY_NAME,
        credit_code=demo.COMPANY_CREDIT_CODE,
        estate=estate,
    )
    staff = demo.demo_company_staff()
    authorise_staff(
        actor=company,
        organisation_id=assoc.organisation_id,
        name=staff.name,
        id_number=staff.id_number,
        mobile=staff.mobile,
        valid_from=dt.date(2025, 1, 1),
    )

    batch = services.import_preview(
        actor=convener,
        estate_id=estate.pk,
        upload=Upload(
            name="demo-roster.xlsx", content=demo.demo_roster_xlsx(), content_type=demo.XLSX_CONTENT_TYPE
        ),
    )
    if batch.status != batch.Status.PREVIEWED:
        raise CommandError(f"The demo roster was refused by the import: {batch.errors[:5]}")
    services.import_apply(actor=convener, batch_id=batch.pk, reason="首次导入业主名册")
    services.totals_confirm(actor=convener, estate_id=estate.pk, reason="核对确认业主总人数和总投票权数")
    return estate


def seed_owners(estate: Estate) -> list[User]:
    """Owners of the demo estate who have signed in, verified their identity and bound their flats
    (demo.demo_owners), so that the owner pages and the binding list have something to show.

    The demo has no face to recognise: each verification is written as the face provider would
    have passed it, with its ``verification.passed`` audit event; the bindings go through
    ``bindings.services.bind_flat``, which checks the roster (R-BIND-1). Idempotent: an owner
    already verified, or a flat already bound, is left as it is. The caller holds the transaction."""
    flats = {
        (f.building.name, f.room): f
        for f in Flat.objects.filter(estate=estate, removed_at__isnull=True).select_related("building")
    }
    users = []
    for owner in demo.demo_owners():
        person = owner.person
        user = owner_account_for_mobile(person.mobile)
        if not VerifiedIdentity.objects.filter(user=user).exists():
            now = timezone.now()
            v = Verification(
                user=user, method=Method.SELF_SERVICE, status=Verification.Status.PASSED, finished_at=now
            )
            identity = VerifiedIdentity(user=user, method=Method.SELF_SERVICE, verified_at=now)
            for attr, value in (("name", person.name), ("id_number", person.id_number)):
                pii.seal(v, attr, value)
                pii.seal(identity, attr, value)
            pii.seal(v, "mobile", person.mobile)
            v.save()
            identity.verification = v
            identity.save()
            record(
                actor="manage.py seed_demo",
                action="verification.passed",
                obj=v,
                summary={"method": v.method, "provider": "demo data", "identity": "created"},
            )
        for key in owner.flats:
            flat = flats[key]
            if not Binding.objects.filter(user=user, flat=flat, status=Binding.Status.ACTIVE).exists():
                bind_flat(actor=user, flat_id=flat.pk)
        users.append(user)
    # The demo owners verified and bound well before the demo meeting's publicity, so that they may
    # vote in it electronically (art. 18): a month ago.
    earlier = timezone.now() - dt.timedelta(days=DEMO_BOUND_DAYS_AGO)
    just_now = timezone.now() - dt.timedelta(hours=1)
    VerifiedIdentity.objects.filter(user__in=users, verified_at__gt=just_now).update(verified_at=earlier)
    Verification.objects.filter(user__in=users, finished_at__gt=just_now).update(finished_at=earlier)
    Binding.objects.filter(user__in=users, bound_at__gt=just_now).update(bound_at=earlier)
    # The sign-in owner finds a message in the inbox.
    first, user = demo.demo_owners()[0], users[0]
    if not Notification.objects.filter(user=user, kind="demo.welcome").exists():
        bound = "、".join(f"{b}-{r}" for b, r in first.flats)
        notify(
            users=[user],
            kind="demo.welcome",
            title="房屋绑定成功",
            body=f"您已绑定{estate.name} {bound}。召集人将在会议前公示房屋绑定名单，请在公示期内核对。",
            link="/m/",
            estate=estate,
        )
    return users


DEMO_BOUND_DAYS_AGO = 30
DEMO_MEETING_TITLE = "深圳湾畔花园业主大会临时会议"


def demo_topics() -> list[dict]:
    """A yes/no item and an election, as a convener would enter them."""
    return [
        {
            "title": "续聘物业服务企业",
            "description": "现物业服务合同将于2027年3月31日到期。",
            "items": [
                {
                    "title": "是否续聘深圳湾畔物业服务有限公司，服务期三年",
                    "description": "物业服务费标准不变。",
                    "kind": "question",
                    "category": 4,
                    "seats": None,
                    "max_choices": None,
                    "candidates": [],
                },
                {
                    "title": "是否使用维修资金更换2栋电梯",
                    "description": "预算约48万元，详见公示材料。",
                    "kind": "question",
                    "category": 5,
                    "seats": None,
                    "max_choices": None,
                    "candidates": [],
                },
            ],
        },
        {
            "title": "增补业主委员会委员",
            "description": "",
            "items": [
                {
                    "title": "增补第三届业主委员会委员（2名）",
                    "description": "",
                    "kind": "election",
                    "category": 3,
                    "seats": 2,
                    "max_choices": 2,
                    "candidates": [
                        {"name": "黄志伟", "profile": "1栋业主，退休工程师"},
                        {"name": "周慧敏", "profile": "3栋业主，会计师"},
                        {"name": "吴国强", "profile": "5栋业主，律师"},
                    ],
                }
            ],
        },
    ]


def seed_meeting(estate: Estate) -> str:
    """A meeting of the demo estate entered and publicised by the owners' committee, held 30 days
    from today, so that the meeting pages, the public notice and the owners' home have something
    to show. Through the services (R-MTG-1, R-MTG-3). Returns what happened, for the console."""
    from ownervote.meetings import services as meetings
    from ownervote.meetings.models import Meeting

    if Meeting.objects.filter(estate=estate, title=DEMO_MEETING_TITLE).exists():
        return "The demo meeting exists."
    convener = User.objects.get(username="convener")
    held = timezone.localdate() + dt.timedelta(days=30)
    tz = timezone.get_current_timezone()
    starts_at = dt.datetime.combine(held, dt.time(9, 0), tzinfo=tz)
    try:
        with transaction.atomic():
            meeting = meetings.meeting_create(
                actor=convener,
                estate_id=estate.pk,
                kind=Meeting.Kind.TEMPORARY,
                title=DEMO_MEETING_TITLE,
                place="深圳湾畔花园会所二楼多功能厅",
                method=Meeting.Method.MIXED,
                starts_at=starts_at,
                voting_opens_at=starts_at,
                voting_closes_at=starts_at + dt.timedelta(days=7, hours=9),
                topics=demo_topics(),
            )
            meetings.meeting_submit(actor=convener, meeting_id=meeting.pk)
            meetings.meeting_publish(actor=convener, meeting_id=meeting.pk)
    except ServiceError as exc:
        # e.g. the meeting day falls in a year whose holiday notice is not loaded (R-MTG-4)
        return f"No demo meeting: {exc.message}"
    return f"Demo meeting publicised: {meeting.title}, held {held.isoformat()} (/p/meetings/{meeting.pk}/)."


DEMO_VOTING_TITLE = "深圳湾畔花园2026年度第二次业主大会会议"


def _open_demo_meeting(estate: Estate, convener, *, title: str, topics, opened, closes_in):
    """A demo meeting entered and publicised through the services like any other; then (a demo
    shortcut, never in production) its voting period is moved to have opened ``opened`` ago and to
    close in ``closes_in``, and it is opened through ``voting_open`` as the worker would."""
    from ownervote.meetings import services as meetings
    from ownervote.meetings.models import Meeting

    held = timezone.localdate() + dt.timedelta(days=25)
    starts_at = dt.datetime.combine(held, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    meeting = meetings.meeting_create(
        actor=convener,
        estate_id=estate.pk,
        kind=Meeting.Kind.REGULAR,
        title=title,
        place="深圳湾畔花园会所二楼多功能厅",
        method=Meeting.Method.MIXED,
        starts_at=starts_at,
        voting_opens_at=starts_at,
        voting_closes_at=starts_at + dt.timedelta(days=7),
        topics=topics,
    )
    meetings.meeting_submit(actor=convener, meeting_id=meeting.pk)
    meetings.meeting_publish(actor=convener, meeting_id=meeting.pk)
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - opened, voting_opens_at=now - opened, voting_closes_at=now + closes_in
    )
    meetings.voting_open(meeting_id=meeting.pk)
    meeting.refresh_from_db()
    return meeting


def seed_voting_meeting(estate: Estate) -> str:
    """A second demo meeting whose voting is open now, so that an owner can vote, a proxy can be
    given, and the convener's progress page moves. Entered and publicised through the services like
    any meeting; then (a demo shortcut, never in production) its voting period is moved to start an
    hour ago and last seven days, and it is opened through ``voting_open`` as the worker would."""
    from ownervote.meetings.models import Meeting

    if Meeting.objects.filter(estate=estate, title=DEMO_VOTING_TITLE).exists():
        return "The demo voting meeting exists."
    convener = User.objects.get(username="convener")
    try:
        with transaction.atomic():
            meeting = _open_demo_meeting(
                estate,
                convener,
                title=DEMO_VOTING_TITLE,
                topics=demo_topics(),
                opened=dt.timedelta(hours=1),
                closes_in=dt.timedelta(days=7),
            )
    except ServiceError as exc:
        return f"No demo voting meeting: {exc.message}"
    return f"Demo meeting open for voting for 7 days: {meeting.title} (/m/meetings/{meeting.pk}/vote/)."


DEMO_RESULT_TITLE = "深圳湾畔花园2026年度第一次业主大会会议"
DEMO_RESULT_GUIDANCE = "经审核，表决程序符合《深圳市物业管理电子投票规则》，同意公示。"


def result_topics() -> list[dict]:
    """Two questions (a three-quarters one and a majority one) and an election of three."""
    return [
        {
            "title": "小区公共设施",
            "description": "",
            "items": [
                {
                    "title": "是否同意在地下车库增设电动自行车集中充电设施",
                    "description": "由物业服务企业申请报装，费用由使用人分摊。",
                    "kind": "question",
                    "category": 7,
                    "seats": None,
                    "max_choices": None,
                    "candidates": [],
                },
                {
                    "title": "是否同意修订《深圳湾畔花园管理规约》第十二条（宠物管理）",
                    "description": "修订稿见公示材料。",
                    "kind": "question",
                    "category": 2,
                    "seats": None,
                    "max_choices": None,
                    "candidates": [],
                },
            ],
        },
        {
            "title": "选举业主委员会委员",
            "description": "",
            "items": [
                {
                    "title": "选举第三届业主委员会委员（3名）",
                    "description": "",
                    "kind": "election",
                    "category": 3,
                    "seats": 3,
                    "max_choices": 3,
                    "candidates": [
                        {"name": "刘海燕", "profile": "2栋业主，现任业主委员会主任"},
                        {"name": "陈志明", "profile": "1栋业主，注册会计师"},
                        {"name": "林晓红", "profile": "4栋业主，中学教师"},
                        {"name": "郑伟", "profile": "6栋业主，工程师"},
                    ],
                }
            ],
        },
    ]


def _demo_ballots(items) -> list[dict]:
    """What the demo's voters mark, in order: varied, so that the result shows every kind of answer."""
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


def _demo_paper_turnout(meeting, convener, items) -> None:
    """Paper ballots for whole counted owners (every flat of an owner alike, R-TALLY-9) that have
    not voted, in roll order, until about 75% of the owners and of the area took part: item 1
    (category 7, three quarters needed) has a majority but falls short, item 2 passes, and the
    election elects two of four."""
    from decimal import Decimal

    from ownervote.voting.models import Ballot, Channel, CountSession, Progress, RollFlat
    from ownervote.voting.services import answers, progress

    q1, q2, election = items
    c = [cand.pk for cand in election.candidates.order_by("position", "id")]
    kinds = [
        answers.clean(items, {str(q1.pk): "yes", str(q2.pk): "yes", str(election.pk): [c[0], c[1]]}),
        answers.clean(items, {str(q1.pk): "no", str(q2.pk): "yes", str(election.pk): [c[0], c[2]]}),
        answers.clean(items, {str(q1.pk): "no", str(q2.pk): "abstain", str(election.pk): [c[1], c[3]]}),
        answers.clean(items, {str(q1.pk): "yes", str(election.pk): [c[0], c[1]]}),
    ]
    head = Progress.objects.get(meeting=meeting, building__isnull=True)
    voted = set(Ballot.objects.filter(meeting=meeting).values_list("owner_group", flat=True))
    groups: dict[str, list] = {}
    for r in RollFlat.objects.filter(meeting=meeting).order_by("building__name", "flat__room", "id"):
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
        place="深圳湾畔花园会所二楼多功能厅",
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


def seed_result_meeting(estate: Estate) -> str:
    """A third demo meeting whose voting has closed and whose result is publicised, so that the
    public result page, the printed tables and the archive (``python -m ownervote.verify``) have
    something to show. Entered and publicised through the services; then (a demo shortcut, never
    in production) its voting is moved to have opened two days ago and opened through
    ``voting_open``; four of the five demo owners who bound a flat vote through the cast service,
    the voting is closed (its close moved to now), two paper ballots are counted in a count
    session through the paper service, and the convener generates the result, submits it, the
    Shatou street office gives guidance and the convener publicises it from today for 10 days.

    Then the rest of the estate's turnout (about three quarters of the owners and of the area, as a
    well-run assembly gets) comes as a second count session's paper ballots, written in one go as
    ``paper.session_commit`` writes them, so that the demo result reaches the quorum (R-TALLY-2)
    and shows items passed, not passed and an election."""
    from ownervote.meetings.models import Item, Meeting
    from ownervote.results.services import results
    from ownervote.voting.models import Ballot, RollFlat
    from ownervote.voting.services import cast, paper, progress

    if Meeting.objects.filter(estate=estate, title=DEMO_RESULT_TITLE).exists():
        return "The demo meeting with a result exists."
    convener = User.objects.get(username="convener")
    street = User.objects.get(username="shatou")
    owners = [owner_account_for_mobile(o.person.mobile) for o in demo.demo_owners()]
    try:
        with transaction.atomic():
            meeting = _open_demo_meeting(
                estate,
                convener,
                title=DEMO_RESULT_TITLE,
                topics=result_topics(),
                opened=dt.timedelta(days=2),
                closes_in=dt.timedelta(hours=1),
            )
            items = list(Item.objects.filter(meeting=meeting).order_by("position", "id"))
            ballots = iter(_demo_ballots(items))
            # The sign-in owner (two flats, one ballot), one co-owner of the co-owned flat and two of
            # the three single-flat owners vote; the third does not.
            for user in (owners[0], owners[1], owners[3], owners[4]):
                flat_ids = [e.flat.pk for e in cast.voter_flats(user, meeting) if e.can_vote]
                cast.ballot_cast(actor=user, meeting_id=meeting.pk, flat_ids=flat_ids, answers=next(ballots))
            Meeting.objects.filter(pk=meeting.pk).update(voting_closes_at=timezone.now())
            progress.voting_close(meeting_id=meeting.pk)
            # Two owners who did not bind a flat voted on paper: the first two flats of the roll
            # (by building and room) that are the only flat of their owner and did not vote.
            voted = set(Ballot.objects.filter(meeting=meeting).values_list("owner_group", flat=True))
            roll = list(
                RollFlat.objects.filter(meeting=meeting).order_by("building__name", "flat__room", "id")
            )
            flats_of: dict[str, int] = {}
            for r in roll:
                flats_of[r.owner_group] = flats_of.get(r.owner_group, 0) + 1
            on_paper = [r for r in roll if flats_of[r.owner_group] == 1 and r.owner_group not in voted][:2]
            session = paper.session_open(
                actor=convener,
                meeting_id=meeting.pk,
                caller="刘海燕",
                counter="陈志明",
                scrutineer="王丽娟",
                place="深圳湾畔花园会所二楼多功能厅",
            )
            for r in on_paper:
                paper.entry_save(
                    actor=convener,
                    session_id=session.pk,
                    flat_id=r.flat_id,
                    round=1,
                    answers=next(ballots),
                    dated_on=results.today(),
                )
            paper.session_commit(actor=convener, session_id=session.pk)
            _demo_paper_turnout(meeting, convener, items)
            results.result_generate(actor=convener, meeting_id=meeting.pk)
            results.result_submit(actor=convener, meeting_id=meeting.pk)
            results.guidance_give(actor=street, meeting_id=meeting.pk, text=DEMO_RESULT_GUIDANCE)
            today = results.today()
            results.result_publicise(
                actor=convener,
                meeting_id=meeting.pk,
                starts_on=today,
                ends_on=today + dt.timedelta(days=10),
            )
    except ServiceError as exc:
        return f"No demo meeting with a result: {exc.message}"
    return (
        f"Demo meeting closed, its result publicised for 10 days: {meeting.title} "
        f"(/p/meetings/{meeting.pk}/result/, archive /m/meetings/{meeting.pk}/result/archive.json)."
    )


def owner_rows() -> list[tuple[str, str, str]]:
    """(mobile, who, what) of the demo owners worth signing in as, for the accounts table."""
    owners = demo.demo_owners()
    signed_in, unbound = owners[0], owners[-1]
    flats = ", ".join(f"{b}-{r}" for b, r in signed_in.flats)
    return [
        (
            signed_in.person.mobile,
            f"owner 业主 {signed_in.person.name} (verified, 2 flats bound)",
            f"signs in at /m/login/ with an SMS code printed on the server console; bound {flats}",
        ),
        (
            unbound.person.mobile,
            f"owner 业主 {unbound.person.name} (verified, no flat bound)",
            "signs in the same way; can bind a flat at /m/estates/",
        ),
    ]


def demo_estate() -> Estate | None:
    return Estate.objects.filter(name=demo.DEMO_ESTATE_NAME, street__code=demo.SHATOU_CODE).first()


class Command(BaseCommand):
    help = (
        "Load the demo: Shenzhen geography, one account per role (password ownervote-demo) "
        "and a 622-part roster."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--write-sample",
            metavar="DIR",
            help="only write demo-roster.xlsx and sample-roster-with-errors.csv into DIR",
        )

    def handle(self, *args, **options):
        if options["write_sample"]:
            for path in demo.write_demo_files(Path(options["write_sample"])):
                self.stdout.write(f"wrote {path}")
            return
        load_geography(actor="manage.py seed_demo")
        estate = demo_estate()
        if estate is not None:
            self.stdout.write(f"The demo is already loaded ({estate.name}).")
        else:
            try:
                with transaction.atomic():
                    estate = seed()
            except ServiceError as exc:
                raise CommandError(f"Seeding the demo failed, nothing was saved: {exc}") from exc
            self.stdout.write(self.style.SUCCESS(f"Demo loaded: {estate.name}, {estate.address}."))
        try:
            with transaction.atomic():
                seed_owners(estate)
        except ServiceError as exc:
            raise CommandError(f"Seeding the demo owners failed, nothing of them was saved: {exc}") from exc
        self.stdout.write(seed_meeting(estate))
        self.stdout.write(seed_voting_meeting(estate))
        self.stdout.write(seed_result_meeting(estate))
        self._print_accounts(estate)

    def _print_accounts(self, estate: Estate) -> None:
        snapshot = estate.snapshots.order_by("-confirmed_at", "-id").first()
        if snapshot is not None:
            self.stdout.write(
                f"Confirmed totals: {snapshot.total_owners} owners, {snapshot.total_area} m², "
                f"{snapshot.total_flats} exclusive parts (parking spaces counted: {snapshot.parking_counts})."
            )
        self.stdout.write(
            f"\nAccounts (staff password: {demo.DEMO_PASSWORD}; owners sign in with mobile + SMS code)"
        )
        rows = [("username", "role", "can do")] + [(a[0], a[3], a[4]) for a in ACCOUNTS] + owner_rows()
        w0 = max(len(r[0]) for r in rows)
        w1 = max(_width(r[1]) for r in rows)
        for i, (username, role, can_do) in enumerate(rows):
            self.stdout.write(f"  {username.ljust(w0)}  {role}{' ' * (w1 - _width(role))}  {can_do}")
            if i == 0:
                self.stdout.write(f"  {'-' * w0}  {'-' * w1}  {'-' * 20}")


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)
