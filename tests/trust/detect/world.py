"""Generated data for the detection tests (R-TRUST-1): flats and their owners, verifications,
bindings, meetings, electronic ballots and proxies, written directly with the times, mobiles,
devices and addresses each test needs (the services that make them are tested on their own)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from ownervote.bindings.models import Binding
from ownervote.core import pii
from ownervote.core.models import StoredFile
from ownervote.meetings.models import Meeting, MeetingStatus
from ownervote.orgs.models import Organisation, User
from ownervote.roster.models import Building, Estate, Flat, Owner
from ownervote.verification.models import Method, Verification
from ownervote.voting.models import Ballot, Channel, Proxy, ProxyHolder, Submission
from tests.rosterfiles import person_id

_seq = itertools.count(1)
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
# Tests never read the real date: every time is relative to this instant.
T0 = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)


def mobile_of(n: int) -> str:
    return f"138{n:08d}"


@dataclass
class Person:
    owner: Owner
    flats: list[Flat] = field(default_factory=list)
    name: str = ""
    id_number: str = ""


def photo() -> StoredFile:
    return StoredFile.objects.create(
        name="p.jpg", content_type="image/jpeg", size=1, sha256="0" * 64, data_enc=b"x"
    )


class World:
    """One estate's people and what they did. ``person(flats=2)`` is one owner of two new flats;
    ``family(4)`` four co-owners of one flat."""

    def __init__(self, estate: Estate, convener: Organisation):
        self.estate = estate
        self.convener = convener
        self.building, _ = Building.objects.get_or_create(estate=estate, name=f"{next(_seq)}栋")
        self.rooms = itertools.count(101)

    def flat(self) -> Flat:
        return Flat.objects.create(
            estate=self.estate,
            building=self.building,
            room=str(next(self.rooms)),
            area=Decimal("88.00"),
            area_source=Flat.AreaSource.REGISTER,
        )

    def person(self, *, flats: int = 1, share: list[Flat] | None = None) -> Person:
        n = next(_seq)
        name = SURNAMES[n % len(SURNAMES)] + "建" + "国华明军"[n % 4]
        id_number = person_id(n, born="19700101")
        owner = Owner(estate=self.estate, kind=Owner.Kind.PERSON)
        pii.seal(owner, "name", name)
        pii.seal(owner, "id_number", id_number)
        owner.save()
        return Person(
            owner, share if share is not None else [self.flat() for _ in range(flats)], name, id_number
        )

    def family(self, members: int, *, flats: int = 1) -> list[Person]:
        shared = [self.flat() for _ in range(flats)]
        return [self.person(share=shared) for _ in range(members)]

    def account(self, mobile: str) -> User:
        user = User.objects.create_user(username=f"u{next(_seq)}")
        pii.seal(user, "mobile", mobile)
        user.save()
        return user

    def verification(
        self,
        person: Person,
        *,
        at: dt.datetime,
        mobile: str,
        user: User | None = None,
        checker: User | None = None,
        device: str = "",
        ip: str | None = None,
    ) -> Verification:
        v = Verification(
            user=user or self.account(f"137{next(_seq):08d}"),
            method=Method.ON_SITE if checker else Method.SELF_SERVICE,
            status=Verification.Status.PASSED,
            finished_at=at,
            estate=self.estate if checker else None,
            flat=person.flats[0] if checker else None,
            checked_by=checker,
            checker_real_name=checker.real_name if checker else "",
            checker_organisation=self.convener if checker else None,
            id_photo=photo() if checker else None,
            holding_photo=photo() if checker else None,
            device_hash=device,
            client_ip=ip,
        )
        for attr, value in (("name", person.name), ("id_number", person.id_number), ("mobile", mobile)):
            pii.seal(v, attr, value)
        v.save()
        return v

    def bind(
        self,
        person: Person,
        *,
        at: dt.datetime,
        mobile: str | None = None,
        device: str = "",
        ip: str | None = None,
        flats: list[Flat] | None = None,
        checker: User | None = None,
    ) -> list[Binding]:
        """Bindings of every flat of ``person`` (or ``flats``) at ``at``, verified with ``mobile``
        (default: their own) from ``device`` and ``ip``."""
        mobile = mobile or mobile_of(person.owner.pk)
        user = self.account(f"136{next(_seq):08d}")
        v = self.verification(person, at=at, mobile=mobile, user=user, checker=checker, device=device, ip=ip)
        made = []
        for flat in flats or person.flats:
            b = Binding.objects.create(
                user=user,
                estate=self.estate,
                flat=flat,
                owner=person.owner,
                verification=v,
                device_hash=device,
                client_ip=ip,
            )
            Binding.objects.filter(pk=b.pk).update(bound_at=at)
            b.refresh_from_db()
            made.append(b)
        return made

    def meeting(self, *, opens: dt.datetime, status: str = MeetingStatus.VOTING, days: int = 10) -> Meeting:
        creator = User.objects.create_user(username=f"c{next(_seq)}")
        return Meeting.objects.create(
            estate=self.estate,
            convener=self.convener,
            kind="regular",
            title="关于续聘物业服务企业的业主大会",
            place="小区会所",
            method="electronic",
            starts_at=opens,
            voting_opens_at=opens,
            voting_closes_at=opens + dt.timedelta(days=days),
            status=status,
            voting_opened_at=opens,
            created_by=creator,
        )

    def ballot(
        self,
        meeting: Meeting,
        binding: Binding,
        *,
        at: dt.datetime,
        device: str = "",
        ip: str | None = None,
        user: User | None = None,
    ) -> Ballot:
        voter = user or binding.user
        s = Submission.objects.create(
            meeting=meeting,
            code=f"R{next(_seq):09d}",
            salt="s",
            digest="0" * 64,
            user=voter,
            cast_at=at,
            device_hash=device,
            client_ip=ip,
        )
        return Ballot.objects.create(
            meeting=meeting,
            flat=binding.flat,
            channel=Channel.ELECTRONIC,
            submission=s,
            binding=binding,
            cast_by=voter,
            area=binding.flat.area,
            owner_group=str(binding.owner_id),
            cast_at=at,
        )

    def proxy(
        self, meeting: Meeting, person: Person, *, holder_id: str, holder_name: str = "郑大钱"
    ) -> Proxy:
        holder, _ = ProxyHolder.objects.get_or_create(
            estate=meeting.estate, id_number_hash=pii.lookup("id_number", holder_id)
        )
        grantor = self.account(f"135{next(_seq):08d}")
        p = Proxy(
            estate=meeting.estate,
            meeting=meeting,
            owner=person.owner,
            grantor=grantor,
            holder=holder,
            matters="本次会议全部表决事项",
            authority="按委托人意见表决",
            term_from=meeting.voting_opens_at.date(),
            term_until=meeting.voting_closes_at.date(),
        )
        pii.seal(p, "name", holder_name)
        pii.seal(p, "id_number", holder_id)
        pii.seal(p, "mobile", "13912345678")
        p.save()
        p.flats.set(person.flats)
        return p
