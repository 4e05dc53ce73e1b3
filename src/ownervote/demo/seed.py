"""The demo's story: 深圳湾畔花园 in 沙头街道 (福田区), its accounts, its roster, its owners and three
meetings, one in each state a new user wants to see. Every account's password is ``ownervote-demo``.

The story is told relative to the day it is seeded (``today``, Beijing time) and replayed on the
days it happened (``history.History``), through the services the console and the owner pages use,
so that it obeys every rule the system enforces on any day of any year:

=========  ==================================================================================
day        what happens
=========  ==================================================================================
-120       the city operator, the Futian district bureau, the Shatou street office and the
           Shazui community committee register and are approved in turn; the street office
           registers the demo estate, a second one and a third with no convener (the street
           office or the community committee may apply to convene it, R-ORG-3/4); a
           provisional holiday calendar is loaded for any year the story needs that no notice
           covers (``demo.calendar``)
-110/-109  the owners' committee registers as the convener and is approved
-100       the convener imports the 622-part roster and confirms the totals (R-ROSTER-1)
-60..-54   seven owners verify their identity and bind their flats (R-ID-1, R-BIND-1); three
           of them (one flat each) bind on one shared device, a tablet passed round, which is
           what an impersonation signal looks for (R-TRUST-1)
-40..-3    the **closed meeting** (R, ``DEMO_RESULT_TITLE`` of its year): entered -40, street
           guidance -38, publicised -37 with the binding list, voting -12 09:00 to -5 18:00
           (opened and closed by the worker), four owners vote electronically, paper ballots
           counted -5 evening, result generated and submitted -4, guidance -3, publicised -3
           for 10 days (R-RES-1..3)
-30..-2    the **meeting open for voting** (V): entered -30, publicised -29, voting from -2
           09:00 to +5 18:00; an owner gives a written proxy at -3 (so that the list of proxies
           in force, R-TRUST-3, is not empty); two owners have voted, the demo's sign-in owner
           has not
-20/-15    a preparatory group and an organisation owner apply; the street office has not
           decided yet (two applications wait for it)
-3/-1      the **publicised meeting** (P, ``DEMO_MEETING_TITLE``): entered -3 (the street
           office's 5-day guidance window still runs), publicised -1, held +20 09:00
-1         the sign-in owner complains about the meeting open for voting; the complaint waits
           for the street office (R-SEC-4)
=========  ==================================================================================

After the story, detection runs once (``trust.detection``): the street office finds one open
SHARED_DEVICE signal (three flats of three owners bound on one device) to review.

``links.demo_links`` finds each meeting by what it is (the one publicised, the one voting, the
one with a publicised result), never by a fixed id.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from ownervote.audit.chainer import chain_pending
from ownervote.audit.services import record
from ownervote.bindings.models import Binding
from ownervote.bindings.services import bind_flat
from ownervote.complaints.services import complaint_file
from ownervote.core import crypto, pii
from ownervote.core.files import Upload
from ownervote.core.validators import resident_id_check_digit
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.meetings import services as meetings
from ownervote.meetings.models import Item, Meeting
from ownervote.notify.services import notify
from ownervote.objections import services as objections
from ownervote.objections.models import ResultObjection
from ownervote.orgs import scoping
from ownervote.orgs.management.commands.create_operator import bootstrap_operator
from ownervote.orgs.management.commands.load_shenzhen import load_geography
from ownervote.orgs.models import Association, Division, Organisation, User
from ownervote.orgs.services import authorise_staff, decide_association, register_account
from ownervote.results import documents
from ownervote.results.services import results
from ownervote.roster import demo
from ownervote.roster import services as roster
from ownervote.roster.models import Estate, Flat
from ownervote.trust.detection import signals_detect
from ownervote.verification.models import Method, Verification, VerifiedIdentity
from ownervote.voting.models import Ballot, Extension, RollFlat
from ownervote.voting.services import cast, extensions, paper
from ownervote.voting.services.proxies import proxy_grant

from . import calendar
from .accounts import ACCOUNTS
from .content import PLACE, demo_ballots, demo_topics, paper_turnout, result_topics
from .history import History

K = Organisation.Kind
APPROVED = Association.Status.APPROVED
ACTOR = "manage.py seed_demo"

DEMO_MEETING_TITLE = "深圳湾畔花园业主大会临时会议"
NEXT_MEETING_TITLE = "深圳湾畔花园业主大会第二次临时会议"
XIANGMIHU_CODE = "440304006"
RESULT_GUIDANCE = "经审核，表决程序符合《深圳市物业管理电子投票规则》，同意公示。"
MEETING_GUIDANCE = "请在公示期内将会议通知张贴于各栋大堂，并做好纸质表决票的发放登记。"
OBJECTION_TEXT = "我记得第一项投的是同意，请核对记录。"
OBJECTION_ANSWER = "经核对回执和表决记录，您的表决票记录为同意，与您的选择一致。"
PLAIN_GUIDANCE = "同意按计划公示，请在会议公告中写明纸质表决票的领取地点。"


def result_title(year: int) -> str:
    return f"深圳湾畔花园{year}年度第一次业主大会会议"


def voting_title(year: int, result_year: int) -> str:
    return f"深圳湾畔花园{year}年度第{'二' if year == result_year else '一'}次业主大会会议"


def demo_estate() -> Estate | None:
    return Estate.objects.filter(name=demo.DEMO_ESTATE_NAME, street__code=demo.SHATOU_CODE).first()


def _user(username: str) -> User:
    user = User.objects.get(username=username)
    scoping.forget(user)
    return user


def _approve(approver: User, assoc: Association) -> None:
    decide_association(actor=approver, association_id=assoc.pk, decision=APPROVED)
    scoping.forget(approver)


def _register(
    username: str, *, kind: str, organisation: str, credit_code: str = "", division=None, estate=None
):
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


# --- the story -----------------------------------------------------------------------------------


# The demo owners (by their index in ``demo.demo_owners``: three owners of one flat each) who bind
# on one shared device: the SHARED_DEVICE signal the street office finds (R-TRUST-1).
SHARED_DEVICE_OWNERS = (3, 4, 5)
SHARED_DEVICE = "demo-shared-tablet"


class Story:
    """The demo's history relative to ``today``; ``history()`` gives its steps."""

    def __init__(self, today: dt.date):
        self.today = today
        self.tz = timezone.get_current_timezone()
        self.result_held = self.day(-12)
        self.voting_held = self.day(-2)
        self.upcoming_held = self.day(20)
        self.next_held = self.day(30)

    def day(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)

    def at(self, n: int, hhmm: str) -> dt.datetime:
        hour, minute = (int(x) for x in hhmm.split(":"))
        return dt.datetime.combine(self.day(n), dt.time(hour, minute), tzinfo=self.tz)

    @property
    def first_day(self) -> dt.date:
        return self.day(-120)

    @property
    def last_day(self) -> dt.date:
        """The last day the story's dates reach (the publicised meeting's voting, and beyond it the
        periods counted from it)."""
        return self.day(40)

    # -- the steps ------------------------------------------------------------------------------

    def history(self) -> History:
        h = History()
        h.add(self.at(-120, "09:00"), "the authorities register and are approved", self.authorities)
        h.add(self.at(-110, "10:00"), "the owners' committee applies", self.convener_applies)
        h.add(
            self.at(-109, "15:00"), "the street office approves the owners' committee", self.convener_approved
        )
        h.add(self.at(-100, "10:00"), "the convener imports the roster and confirms the totals", self.roster)
        for i, owner in enumerate(demo.demo_owners()):
            h.add(self.at(-60 + i, "20:00"), f"owner {i + 1} verifies and binds", self.owner_binds(owner, i))
        self.result_meeting(h)
        self.voting_meeting(h)
        h.add(self.at(-20, "11:00"), "a preparatory group applies", self.applicant_applies)
        h.add(
            self.at(-15, "16:00"), "an organisation owner applies and authorises staff", self.company_applies
        )
        self.upcoming_meeting(h)
        h.add(self.at(-4, "09:30"), "a street office of Futian applies", self.street_office_applies)
        h.add(self.at(-1, "10:00"), "the convener enters the next meeting", self.next_meeting)
        h.add(self.at(-1, "17:20"), "the convener asks to extend the voting", self.extension_requested)
        h.add(self.at(-1, "21:10"), "an owner complains about the voting", self.owner_complains)
        return h

    def authorities(self) -> None:
        load_geography(actor=ACTOR)
        division = {d.code: d for d in Division.objects.filter(code__startswith="440304")}
        shatou = division[demo.SHATOU_CODE]
        communities = {d.name: d for d in Division.objects.filter(parent=shatou)}
        _, name, mobile, *_ = ACCOUNTS[0]
        city, _ = bootstrap_operator(
            username="city", password=demo.DEMO_PASSWORD, real_name=name, mobile=mobile, actor=ACTOR
        )
        calendar.load_provisional(actor=city, years=calendar.missing_years(self.first_day, self.last_day))
        futian_user, assoc = _register(
            "futian", kind=K.DISTRICT_BUREAU, organisation="深圳市福田区住房和建设局", division=shatou.parent
        )
        _approve(city, assoc)
        street, assoc = _register(
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
        _approve(street, assoc)
        roster.estate_create(
            actor=street,
            name=demo.DEMO_ESTATE_NAME,
            address=demo.DEMO_ESTATE_ADDRESS,
            street=shatou,
            community=community,
        )
        roster.estate_create(
            actor=street,
            name=demo.SECOND_ESTATE_NAME,
            address=demo.SECOND_ESTATE_ADDRESS,
            street=shatou,
            community=communities[demo.SECOND_COMMUNITY_NAME],
        )
        roster.estate_create(
            actor=street,
            name=demo.THIRD_ESTATE_NAME,
            address=demo.THIRD_ESTATE_ADDRESS,
            street=shatou,
            community=community,
        )

    def convener_applies(self) -> None:
        estate = demo_estate()
        _register("convener", kind=K.OWNERS_COMMITTEE, organisation=f"{estate.name}业主委员会", estate=estate)

    def convener_approved(self) -> None:
        assoc = Association.objects.get(organisation__memberships__user__username="convener")
        _approve(_user("shatou"), assoc)

    def roster(self) -> None:
        estate, convener = demo_estate(), _user("convener")
        batch = roster.import_preview(
            actor=convener,
            estate_id=estate.pk,
            upload=Upload(
                name="demo-roster.xlsx", content=demo.demo_roster_xlsx(), content_type=demo.XLSX_CONTENT_TYPE
            ),
        )
        if batch.status != batch.Status.PREVIEWED:
            raise CommandError(f"The demo roster was refused by the import: {batch.errors[:5]}")
        roster.import_apply(actor=convener, batch_id=batch.pk, reason="首次导入业主名册")
        roster.totals_confirm(actor=convener, estate_id=estate.pk, reason="核对确认业主总人数和总投票权数")

    def owner_binds(self, owner: demo.DemoOwner, index: int):
        """The owner signs in, passes the face check (written as the development face provider
        would pass it, with its audit event: the demo has no face to show) and binds their flats
        (R-BIND-1); the sign-in owner finds a message in the inbox."""

        def act() -> None:
            estate = demo_estate()
            person = owner.person
            user = owner_account_for_mobile(person.mobile)
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
                actor=ACTOR,
                action="verification.passed",
                obj=v,
                summary={"method": v.method, "provider": "demo data", "identity": "created"},
            )
            for building, room in owner.flats:
                flat = Flat.objects.get(
                    estate=estate, building__name=building, room=room, removed_at__isnull=True
                )
                # The device cookie's keyed hash, as the binding page records it (core.devices).
                shared = index in SHARED_DEVICE_OWNERS
                device = crypto.lookup_hash("device", SHARED_DEVICE) if shared else ""
                bind_flat(actor=user, flat_id=flat.pk, device_hash=device)
            if index == 0:
                bound = "、".join(f"{b}-{r}" for b, r in owner.flats)
                notify(
                    users=[user],
                    kind="demo.welcome",
                    title="房屋绑定成功",
                    body=f"您已绑定{estate.name} {bound}。"
                    + "召集人将在会议前公示房屋绑定名单，请在公示期内核对。",
                    link="/m/",
                    estate=estate,
                )

        return act

    def owner_complains(self) -> None:
        """The sign-in owner complains to the street office about the meeting open for voting
        (R-SEC-4); the complaint waits for it to accept or decline."""
        owner = demo.demo_owners()[0]
        meeting = Meeting.objects.get(estate=demo_estate(), status=Meeting.Status.VOTING)
        complaint_file(
            actor=owner_account_for_mobile(owner.person.mobile),
            estate_id=meeting.estate_id,
            meeting_id=meeting.pk,
            subject="meeting",
            text="投票通知只贴在1栋大堂，2栋、3栋的业主没有看到，请街道办事处核实公示情况。",
        )

    def applicant_applies(self) -> None:
        second = Estate.objects.get(name=demo.SECOND_ESTATE_NAME, street__code=demo.SHATOU_CODE)
        _register(
            "applicant",
            kind=K.PREPARATORY_GROUP,
            organisation=f"{second.name}首次业主大会筹备组",
            estate=second,
        )

    def street_office_applies(self) -> None:
        """Another street office of Futian registers: its application waits on the district
        bureau's home (R-ORG-1)."""
        xiangmihu = Division.objects.get(code=XIANGMIHU_CODE)
        _register(
            "xiangmihu",
            kind=K.STREET_OFFICE,
            organisation="深圳市福田区人民政府香蜜湖街道办事处",
            division=xiangmihu,
        )

    def next_meeting(self) -> None:
        """A meeting entered yesterday, not guided yet: its guidance window is on the street office's
        home (R-MTG-2), its publicity on the convener's (R-MTG-3)."""
        self._enter(
            title=NEXT_MEETING_TITLE,
            kind=Meeting.Kind.TEMPORARY,
            held=self.next_held,
            voting_days=3,
            topics=demo_topics(self.next_held),
            publish=False,
        )

    def extension_requested(self) -> None:
        """The convener asks the street office to extend the voting meeting (R-VOTE-5): the request
        waits on the street office's home."""
        meeting = Meeting.objects.get(estate=demo_estate(), status=Meeting.Status.VOTING)
        extensions.extension_request(
            actor=_user("convener"),
            meeting_id=meeting.pk,
            reason=Extension.Reason.TECHNICAL,
            explanation="短信平台昨日故障半天，2栋、3栋的业主没有收到投票通知，申请延长投票两天。",
            closes_at=meeting.voting_closes_at + dt.timedelta(days=2),
        )

    def company_applies(self) -> None:
        """The organisation owner's application stays pending: ``scoping.roster_keepers`` treats
        every approved estate association as a convener's, so approving it would let the company
        edit the roster. Authorising staff needs only its admin membership (R-ORG-2)."""
        company, assoc = _register(
            "company",
            kind=K.OWNER_ORGANISATION,
            organisation=demo.COMPANY_NAME,
            credit_code=demo.COMPANY_CREDIT_CODE,
            estate=demo_estate(),
        )
        staff = demo.demo_company_staff()
        authorise_staff(
            actor=company,
            organisation_id=assoc.organisation_id,
            name=staff.name,
            id_number=staff.id_number,
            mobile=staff.mobile,
            valid_from=timezone.localdate(),
        )

    # -- meetings ---------------------------------------------------------------------------------

    def _enter(self, *, title, kind, held: dt.date, voting_days: int, topics, publish: bool) -> None:
        """The convener sets the meeting up and enters it (R-MTG-1); publishes it too if asked."""
        starts_at = dt.datetime.combine(held, dt.time(9, 0), tzinfo=self.tz)
        closes_at = dt.datetime.combine(held + dt.timedelta(days=voting_days), dt.time(18, 0), tzinfo=self.tz)
        convener, estate = _user("convener"), demo_estate()
        meeting = meetings.meeting_create(
            actor=convener,
            estate_id=estate.pk,
            kind=kind,
            title=title,
            place=PLACE,
            method=Meeting.Method.MIXED,
            starts_at=starts_at,
            voting_opens_at=starts_at,
            voting_closes_at=closes_at,
            topics=topics,
        )
        meetings.meeting_submit(actor=convener, meeting_id=meeting.pk)
        if publish:
            meetings.meeting_publish(actor=convener, meeting_id=meeting.pk)

    def _publish(self, title: str):
        def act() -> None:
            meeting = Meeting.objects.get(estate=demo_estate(), title=title)
            meetings.meeting_publish(actor=_user("convener"), meeting_id=meeting.pk)

        return act

    def _guide(self, title: str, text: str):
        def act() -> None:
            meeting = Meeting.objects.get(estate=demo_estate(), title=title)
            meetings.guidance_give(actor=_user("shatou"), meeting_id=meeting.pk, text=text)

        return act

    def _vote(self, title: str, owner_index: int, ballot_index: int):
        """An owner casts one ballot for every flat they may vote (R-VOTE-1, R-TALLY-9)."""

        def act() -> None:
            meeting = self._meeting(title)
            user = owner_account_for_mobile(demo.demo_owners()[owner_index].person.mobile)
            items = list(Item.objects.filter(meeting=meeting).order_by("position", "id"))
            flat_ids = [e.flat.pk for e in cast.voter_flats(user, meeting) if e.can_vote]
            chosen = demo_ballots(items)[ballot_index]
            cast.ballot_cast(actor=user, meeting_id=meeting.pk, flat_ids=flat_ids, answers=chosen)

        return act

    def result_meeting(self, h: History) -> None:
        title = result_title(self.result_held.year)
        h.add(
            self.at(-40, "10:00"),
            "the convener enters the closed meeting",
            lambda: self._enter(
                title=title,
                kind=Meeting.Kind.REGULAR,
                held=self.result_held,
                voting_days=7,
                topics=result_topics(),
                publish=False,
            ),
        )
        h.add(self.at(-38, "15:00"), "the street office gives guidance", self._guide(title, MEETING_GUIDANCE))
        h.add(self.at(-37, "10:00"), "the convener publicises it with the binding list", self._publish(title))
        # The worker opens the voting at -12 09:00; owners vote over the week.
        votes = ((-12, "09:40", 0, 0), (-11, "20:10", 1, 1), (-9, "12:30", 3, 2), (-6, "21:05", 4, 3))
        for n, hhmm, owner, ballot in votes:
            h.add(self.at(n, hhmm), f"owner {owner + 1} votes", self._vote(title, owner, ballot))
        # The worker closes the voting at -5 18:00; that evening the paper ballots are counted.
        h.add(self.at(-5, "19:30"), "the paper ballots are counted", self._count_paper(title))
        h.add(self.at(-4, "10:00"), "the convener generates and submits the result", self._result(title))
        h.add(
            self.at(-3, "15:00"),
            "the street office gives guidance on the result",
            lambda: results.guidance_give(
                actor=_user("shatou"), meeting_id=self._meeting(title).pk, text=RESULT_GUIDANCE
            ),
        )
        h.add(
            self.at(-3, "16:00"),
            "the convener publicises the result for 10 days",
            self._publicise_result(title),
        )
        h.add(
            self.at(-2, "20:30"),
            "owner 1 objects to the recorded choices of their ballot (R-TRUST-2)",
            self._object(title, 0),
        )
        h.add(self.at(-1, "09:30"), "the convener answers the objection", self._answer_objection(title))

    def _object(self, title: str, owner_index: int):
        """During the result's publicity an owner questions their own ballot (R-TRUST-2)."""

        def act() -> None:
            meeting = self._meeting(title)
            user = owner_account_for_mobile(demo.demo_owners()[owner_index].person.mobile)
            voted = set(
                Ballot.objects.filter(meeting=meeting, superseded=False).values_list("flat_id", flat=True)
            )
            flat_id = next(e.flat.pk for e in cast.voter_flats(user, meeting) if e.flat.pk in voted)
            objections.objection_raise(
                actor=user,
                meeting_id=meeting.pk,
                flat_id=flat_id,
                kind=ResultObjection.Kind.WRONG_CHOICE,
                text=OBJECTION_TEXT,
            )

        return act

    def _answer_objection(self, title: str):
        def act() -> None:
            objection = ResultObjection.objects.filter(meeting=self._meeting(title)).order_by("pk").first()
            objections.objection_answer(
                actor=_user("convener"), objection_id=objection.pk, answer=OBJECTION_ANSWER
            )

        return act

    def _meeting(self, title: str) -> Meeting:
        return Meeting.objects.get(estate=demo_estate(), title=title)

    def _count_paper(self, title: str):
        """Two owners who did not bind a flat voted on paper (a count session through the paper
        service: caller, counter, scrutineer, R-PAPER-3); then the rest of the estate's turnout."""

        def act() -> None:
            meeting, convener = self._meeting(title), _user("convener")
            items = list(Item.objects.filter(meeting=meeting).order_by("position", "id"))
            ballots = demo_ballots(items)
            voted = set(Ballot.objects.filter(meeting=meeting).values_list("owner_group", flat=True))
            roll = list(RollFlat.objects.filter(meeting=meeting).order_by("flat__sort_key", "id"))
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
                place=PLACE,
            )
            for r, answers_of in zip(on_paper, ballots[4:], strict=True):
                paper.entry_save(
                    actor=convener,
                    session_id=session.pk,
                    flat_id=r.flat_id,
                    round=1,
                    answers=answers_of,
                    dated_on=timezone.localdate(),
                    # the ballot box, collected when the electronic voting closed (R-PAPER-2)
                    received_at=meeting.voting_closes_at,
                    received_via="box",
                )
            paper.session_commit(actor=convener, session_id=session.pk)
            paper_turnout(meeting, convener, items)

        return act

    def _result(self, title: str):
        def act() -> None:
            meeting, convener = self._meeting(title), _user("convener")
            made = results.result_generate(actor=convener, meeting_id=meeting.pk)
            # The demo's "scans" of the signed tables (R-RES-2) are the printed tables themselves.
            results.result_submit(
                actor=convener,
                meeting_id=meeting.pk,
                **{
                    f"{kind}_scan": Upload(
                        name=documents.filename(made, kind, "pdf"),
                        content=documents.kept(made, kind, "pdf"),
                        content_type=documents.PDF,
                    )
                    for kind in (documents.RESULT, documents.FLATS)
                },
            )

        return act

    def _publicise_result(self, title: str):
        def act() -> None:
            today = timezone.localdate()
            results.result_publicise(
                actor=_user("convener"),
                meeting_id=self._meeting(title).pk,
                starts_on=today,
                ends_on=today + dt.timedelta(days=10),
            )

        return act

    def voting_meeting(self, h: History) -> None:
        title = voting_title(self.voting_held.year, self.result_held.year)
        h.add(
            self.at(-30, "10:00"),
            "the convener enters the meeting now voting",
            lambda: self._enter(
                title=title,
                kind=Meeting.Kind.REGULAR,
                held=self.voting_held,
                voting_days=7,
                topics=demo_topics(self.voting_held),
                publish=False,
            ),
        )
        # Art. 12 (R-MTG-2): the publicity follows the street office's guidance, or waits for its window.
        h.add(self.at(-30, "16:00"), "the street office gives guidance", self._guide(title, PLAIN_GUIDANCE))
        h.add(self.at(-29, "10:00"), "the convener publicises it", self._publish(title))
        # R-VOTE-6, R-TRUST-3: the list of proxies in force shows this one while the voting is open.
        h.add(self.at(-3, "20:30"), "owner 6 gives a written proxy", self._give_proxy(title, 5))
        # The worker opens the voting at -2 09:00; two owners have voted since.
        h.add(self.at(-2, "10:15"), "owner 4 votes", self._vote_plain(title, 3))
        h.add(self.at(-1, "19:40"), "owner 5 votes", self._vote_plain(title, 4))

    def _give_proxy(self, title: str, owner_index: int):
        """An owner names a neighbour's relative as proxy for their flat, for the whole voting
        (R-VOTE-6): the proxy has no account yet and has not accepted it."""

        def act() -> None:
            meeting = self._meeting(title)
            user = owner_account_for_mobile(demo.demo_owners()[owner_index].person.mobile)
            flat_ids = list(
                Binding.objects.filter(
                    user=user, estate_id=meeting.estate_id, status=Binding.Status.ACTIVE
                ).values_list("flat_id", flat=True)
            )
            first17 = "44030419700315216"
            proxy_grant(
                actor=user,
                meeting_id=meeting.pk,
                flat_ids=flat_ids,
                name="周建华",
                id_number=first17 + resident_id_check_digit(first17),
                mobile="13923450216",
                term_from=timezone.localdate(),
                term_until=timezone.localtime(meeting.voting_closes_at).date(),
            )

        return act

    def _vote_plain(self, title: str, owner_index: int):
        def act() -> None:
            meeting = self._meeting(title)
            user = owner_account_for_mobile(demo.demo_owners()[owner_index].person.mobile)
            items = list(Item.objects.filter(meeting=meeting).order_by("position", "id"))
            q1, q2, election = items
            c = [cand.pk for cand in election.candidates.order_by("position", "id")]
            choice = {
                str(q1.pk): "yes",
                str(q2.pk): "yes" if owner_index % 2 else "no",
                str(election.pk): c[:2],
            }
            flat_ids = [e.flat.pk for e in cast.voter_flats(user, meeting) if e.can_vote]
            cast.ballot_cast(actor=user, meeting_id=meeting.pk, flat_ids=flat_ids, answers=choice)

        return act

    def upcoming_meeting(self, h: History) -> None:
        h.add(
            self.at(-3, "10:00"),
            "the convener enters the upcoming meeting",
            lambda: self._enter(
                title=DEMO_MEETING_TITLE,
                kind=Meeting.Kind.TEMPORARY,
                held=self.upcoming_held,
                voting_days=7,
                topics=demo_topics(self.upcoming_held),
                publish=False,
            ),
        )
        h.add(
            self.at(-2, "15:00"),
            "the street office gives guidance",
            self._guide(DEMO_MEETING_TITLE, PLAIN_GUIDANCE),
        )
        h.add(self.at(-1, "11:00"), "the convener publicises it", self._publish(DEMO_MEETING_TITLE))


def seed(today: dt.date | None = None) -> Estate:
    """Replay the whole demo up to now (one transaction). Refuses a database that holds the demo
    accounts already, and a settings module that is not a demo's (``OWNERVOTE_DEMO``)."""
    if not getattr(settings, "OWNERVOTE_DEMO", False):
        raise CommandError(
            "The demo is seeded only with demo settings (OWNERVOTE_DEMO = True), never in production."
        )
    taken = User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", flat=True)
    if taken:
        raise CommandError(
            f"Accounts {', '.join(sorted(taken))} already exist but the demo estate does not: "
            "seed_demo needs a database without them."
        )
    story = Story(today or timezone.localdate())
    story.history().replay()
    # What the worker does every hour: the street office has one signal to review (R-TRUST-1).
    signals_detect(now=timezone.now())
    chain_pending()  # what the worker does every second: the demo's audit log is fully chained
    return demo_estate()


def owner_rows() -> list[tuple[str, str, str]]:
    """(mobile, who, what) of the demo owners worth signing in as, for the accounts table."""
    owners = demo.demo_owners()
    signed_in, unbound = owners[0], owners[-1]
    flats = ", ".join(f"{b}-{r}" for b, r in signed_in.flats)
    return [
        (
            signed_in.person.mobile,
            f"owner 业主 {signed_in.person.name} (verified, 2 flats bound)",
            f"signs in at /m/login/ (SMS code on the server console); bound {flats}; has not voted yet",
        ),
        (
            unbound.person.mobile,
            f"owner 业主 {unbound.person.name} (verified, no flat bound)",
            "signs in the same way; can bind a flat at /m/estates/",
        ),
    ]
