"""Written proxies: granting, the document, the notices, the refusals, the three-owner limit and
revoking (R-VOTE-6, R-VOTE-7; art. 20; Shenzhen regulation art. 18)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.core.files import read
from ownervote.core.models import StoredFile
from ownervote.identity.models import SentSms
from ownervote.meetings.models import Meeting
from ownervote.notify.models import Notification, OutboxMessage
from ownervote.voting.access import access_proxy
from ownervote.voting.documents import last_four
from ownervote.voting.models import Proxy, ProxyHolder
from ownervote.voting.selectors import held_by
from ownervote.voting.services import proxies
from ownervote.voting.services.proxy_acceptance import proxy_confirm
from tests.owners import verified_person
from tests.rosterfiles import mobile, person_id

from .proxy_fixtures import PROXY, PROXY2, grant, granting, term  # noqa: F401

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "proxy.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603 - our own file
        [tool, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def snapshot() -> tuple:
    return tuple(
        m.objects.count()
        for m in (Proxy, ProxyHolder, StoredFile, AuditEvent, OutboxMessage, Notification, SentSms)
    )


# --- granting ---------------------------------------------------------------------------------


def test_grant_makes_the_written_proxy_and_tells_convener_and_proxy(  # R-VOTE-6
    voting_world, tmp_path, django_capture_on_commit_callbacks
):
    w = voting_world
    meeting, zhang, flat = w["meeting"], w["zhang"], w["flats"]["1栋-101"]
    with django_capture_on_commit_callbacks(execute=True):
        p = grant(zhang, meeting, [flat])
    p.refresh_from_db()
    assert p.status == Proxy.Status.ACTIVE and p.grantor == zhang
    assert p.owner == w["zhang_binding"].owner
    assert list(p.flats.all()) == [flat]
    # personal data sealed: masked for display, never in the clear
    assert p.name_masked == "钱*" and p.id_number_masked.endswith(PROXY["id_number"][-4:])
    assert PROXY["id_number"] not in p.id_number_enc and p.mobile_masked == "139****0060"
    assert p.holder.estate_id == meeting.estate_id and p.holder.user is None
    # the document: both full names, ID numbers but their last four hidden, the meeting and terms
    assert p.document.content_type == "application/pdf"
    content = read(p.document)
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert "张三" in text and "钱七" in text
    assert meeting.title in text.replace("\n", "").replace(" ", "") or meeting.title[:6] in text
    assert last_four(PROXY["id_number"]) in text and PROXY["id_number"] not in text
    assert person_id(1) not in text and last_four(person_id(1)) in text
    assert "1栋-101" in text
    # the convener's members are told, in their inbox
    assert Notification.objects.filter(user=w["convener"], kind="proxy.granted").exists()
    # the proxy has no account: an SMS, after the commit
    sms = SentSms.objects.get(mobile_hash=p.mobile_hash)
    assert sms.template == "notice" and w["meeting"].estate.name in sms.params()["title"]
    # audited, without the proxy's personal data in clear
    event = AuditEvent.objects.get(action="proxy.granted")
    assert event.object_id == str(p.pk) and PROXY["name"] not in str(event.summary)


def test_a_proxy_with_an_account_gets_a_message(voting_world, django_capture_on_commit_callbacks):  # R-VOTE-6
    w = voting_world
    person = verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"])
    with django_capture_on_commit_callbacks(execute=True):
        p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    assert Notification.objects.filter(user=person, kind="proxy.granted").exists()
    assert not SentSms.objects.filter(mobile_hash=p.mobile_hash).exists()


def _bad(**fields):
    return fields


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        (_bad(name="  "), "proxy.invalid", "name"),
        (_bad(id_number="440304198001010001"), "proxy.invalid", "id_number"),  # wrong check digit
        (_bad(id_number="12345"), "proxy.invalid", "id_number"),
        (_bad(mobile="1234567"), "proxy.invalid", "mobile"),
        (_bad(term_until=dt.date(2000, 1, 1)), "proxy.invalid", "term_until"),
        (_bad(term_from="not a date"), "proxy.invalid", "term_from"),
        (_bad(id_number=person_id(1)), "proxy.self", "id_number"),  # zhang names himself
    ],
)
def test_invalid_details_are_refused_and_change_nothing(voting_world, fields, code, field):  # R-VOTE-6
    w = voting_world
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]], **fields)
    assert exc.value.code == code
    assert field in exc.value.details["fields"]
    assert snapshot() == before


def test_the_term_must_cover_the_voting(voting_world):  # R-VOTE-6
    w = voting_world
    meeting = w["meeting"]
    closes = timezone.localtime(meeting.voting_closes_at).date()
    with pytest.raises(InvalidInput) as exc:
        grant(w["zhang"], meeting, [w["flats"]["1栋-101"]], term_until=closes - dt.timedelta(days=1))
    assert "term_until" in exc.value.details["fields"]
    with pytest.raises(InvalidInput) as exc:  # begins after voting has started
        grant(w["zhang"], meeting, [w["flats"]["1栋-101"]], **term(meeting, start_days=1, end_days=3))
    assert "term_from" in exc.value.details["fields"]
    assert grant(w["zhang"], meeting, [w["flats"]["1栋-101"]], term_until=closes).term_until == closes


def test_only_for_flats_the_owner_is_bound_to(voting_world):  # R-VOTE-6
    w = voting_world
    before = snapshot()
    with pytest.raises(Forbidden) as exc:
        grant(w["zhang"], w["meeting"], [w["flats"]["1栋-102"]])  # li's flat
    assert exc.value.code == "proxy.not_bound"
    with pytest.raises(NotFound):  # not bound in the estate: does not see the meeting
        grant(w["newcomer"], w["meeting"], [w["flats"]["1栋-101"]])
    with pytest.raises(InvalidInput) as exc:
        grant(w["zhang"], w["meeting"], [])
    assert exc.value.code == "proxy.invalid"
    assert snapshot() == before


@pytest.mark.parametrize("status", [Meeting.Status.CLOSED, Meeting.Status.CANCELLED])
def test_no_proxy_once_the_meeting_is_over(voting_world, status):  # R-VOTE-6
    w = voting_world
    Meeting.objects.filter(pk=w["meeting"].pk).update(status=status)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    assert exc.value.code == "proxy.meeting_closed"
    assert snapshot() == before


def test_one_proxy_in_force_per_owner(voting_world):  # R-VOTE-6
    w = voting_world
    first = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]], person=PROXY2)
    assert exc.value.code == "proxy.exists"
    assert snapshot() == before
    proxies.proxy_revoke(actor=w["zhang"], proxy_id=first.pk)
    second = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]], person=PROXY2)
    assert second.status == Proxy.Status.ACTIVE


# --- at most three owners per proxy (Shenzhen regulation art. 18) ------------------------------


def test_a_proxy_holds_at_most_three_owners(granting):  # noqa: F811 - R-VOTE-6
    w = granting
    owners = w["owners"]
    made = [grant(user, w["meeting"], [flat]) for user, flat in owners[:3]]
    assert len({p.holder_id for p in made}) == 1
    before = snapshot()
    user, flat = owners[3]
    with pytest.raises(Conflict) as exc:
        grant(user, w["meeting"], [flat])
    assert exc.value.code == "proxy.too_many" and exc.value.details == {"held": 3, "max": 3}
    assert snapshot() == before
    # another person is fine
    assert grant(user, w["meeting"], [flat], person=PROXY2).holder_id != made[0].holder_id


def test_a_revoked_proxy_frees_a_place(granting):  # noqa: F811 - R-VOTE-6 R-VOTE-7
    w = granting
    owners = w["owners"]
    made = [grant(user, w["meeting"], [flat]) for user, flat in owners[:3]]
    proxies.proxy_revoke(actor=owners[0][0], proxy_id=made[0].pk)
    user, flat = owners[3]
    assert grant(user, w["meeting"], [flat]).holder_id == made[0].holder_id


def test_proxies_of_closed_meetings_do_not_count(granting, make_voting_meeting):  # noqa: F811 - R-VOTE-6
    w = granting
    owners = w["owners"]
    old = make_voting_meeting()
    for user, flat in owners[1:]:
        grant(user, old, [flat])
    zhang, flat = owners[0]
    with pytest.raises(Conflict):  # while the other meeting runs, the three count
        grant(zhang, w["meeting"], [flat])
    Meeting.objects.filter(pk=old.pk).update(status=Meeting.Status.CLOSED)
    assert grant(zhang, w["meeting"], [flat]).status == Proxy.Status.ACTIVE


def test_the_same_owner_in_two_meetings_counts_once(granting, make_voting_meeting):  # noqa: F811 - R-VOTE-6
    w = granting
    owners = w["owners"]
    other = make_voting_meeting()
    for user, flat in owners[:3]:
        grant(user, w["meeting"], [flat])
    for user, flat in owners[:3]:
        grant(user, other, [flat])  # the same three owners: still three
    with pytest.raises(Conflict):
        grant(owners[3][0], other, [owners[3][1]])


# --- what the cast reads ----------------------------------------------------------------------


def test_held_by_needs_the_verified_identity(voting_world):  # R-VOTE-6 R-ID-1
    w = voting_world
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    assert held_by(w["newcomer"], w["meeting"]) == []
    from ownervote.identity.accounts import owner_account_for_mobile

    unverified = owner_account_for_mobile(PROXY["mobile"])  # the right mobile, not verified
    assert held_by(unverified, w["meeting"]) == []
    person = verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"])
    assert held_by(person, w["meeting"]) == [p]
    p.holder.refresh_from_db()
    assert p.holder.user == person
    assert proxies.active_for_flat(w["meeting"], w["flats"]["1栋-101"].pk) == p
    assert proxies.active_for_flat(w["meeting"], w["flats"]["1栋-102"].pk) is None
    assert not proxies.has_voted(p)
    proxies.proxy_revoke(actor=w["zhang"], proxy_id=p.pk)
    assert held_by(person, w["meeting"]) == []
    assert proxies.active_for_flat(w["meeting"], w["flats"]["1栋-101"].pk) is None


# --- revoking (R-VOTE-7) ----------------------------------------------------------------------


def _proxy_votes(world, proxy):
    """The proxy signs in (verified with the proxy's ID number) and votes for the owner through
    the cast service."""
    from ownervote.voting.services.cast import ballot_cast

    person = verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"])
    held_by(person, world["meeting"])
    proxy_confirm(actor=person, proxy_id=proxy.pk)  # art. 20: the proxy accepts before voting
    answers = {str(world["question"].pk): "yes"}
    return ballot_cast(
        actor=person,
        meeting_id=world["meeting"].pk,
        flat_ids=[f.pk for f in proxy.flats.all()],
        answers=answers,
        proxy_id=proxy.pk,
    )


def test_revoke_before_the_proxy_votes_reminds_the_owner(  # R-VOTE-7
    voting_world, make_voting_meeting, django_capture_on_commit_callbacks
):
    w = voting_world
    meeting = w["meeting"]
    p = grant(w["zhang"], meeting, [w["flats"]["1栋-101"]])
    with django_capture_on_commit_callbacks(execute=True):
        revoked = proxies.proxy_revoke(actor=w["zhang"], proxy_id=p.pk)
    assert revoked.status == Proxy.Status.REVOKED and revoked.revoked_at is not None
    assert AuditEvent.objects.filter(action="proxy.revoked", object_id=str(p.pk)).exists()
    # less than a day left (8 h): the reminder is due at once
    reminder = OutboxMessage.objects.filter(user=w["zhang"], kind="proxy.reminder", channel="inbox").get()
    assert reminder.not_before <= timezone.now()
    assert Notification.objects.filter(user=w["zhang"], kind="proxy.revoked").exists()
    # the proxy without an account gets an SMS
    assert SentSms.objects.filter(mobile_hash=p.mobile_hash).count() == 1
    # again: refused, nothing changes
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        proxies.proxy_revoke(actor=w["zhang"], proxy_id=p.pk)
    assert exc.value.code == "proxy.revoked"
    assert snapshot() == before


def test_the_reminder_comes_a_day_before_the_close(voting_world, make_voting_meeting):  # R-VOTE-7
    w = voting_world
    meeting = make_voting_meeting(hours_left=72)
    p = grant(w["zhang"], meeting, [w["flats"]["1栋-101"]])
    person = verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"])
    proxies.proxy_revoke(actor=w["zhang"], proxy_id=p.pk)
    reminder = OutboxMessage.objects.filter(user=w["zhang"], kind="proxy.reminder", channel="inbox").get()
    assert reminder.not_before == meeting.voting_closes_at - dt.timedelta(hours=24)
    assert reminder.status == OutboxMessage.Status.PENDING
    assert not Notification.objects.filter(user=w["zhang"], kind="proxy.reminder").exists()
    assert Notification.objects.filter(user=person, kind="proxy.revoked").exists()


def test_no_revoke_after_the_proxy_voted(voting_world):  # R-VOTE-7
    w = voting_world
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    submission = _proxy_votes(w, p)
    assert submission.proxy_id == p.pk
    assert proxies.has_voted(p)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        proxies.proxy_revoke(actor=w["zhang"], proxy_id=p.pk)
    assert exc.value.code == "proxy.used"
    assert snapshot() == before
    p.refresh_from_db()
    assert p.status == Proxy.Status.ACTIVE


def test_only_the_grantor_revokes(voting_world):  # R-VOTE-7
    w = voting_world
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    person = verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"])
    before = snapshot()
    with pytest.raises(NotFound):
        proxies.proxy_revoke(actor=w["li"], proxy_id=p.pk)
    with pytest.raises(Forbidden):
        proxies.proxy_revoke(actor=w["convener"], proxy_id=p.pk)
    with pytest.raises(Forbidden):
        proxies.proxy_revoke(actor=person, proxy_id=p.pk)
    with pytest.raises(NotFound):
        proxies.proxy_revoke(actor=w["zhang"], proxy_id=p.pk + 1000)
    assert snapshot() == before


def test_who_sees_a_proxy(voting_world):  # R-VOTE-6
    w = voting_world
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    person = verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"])
    assert access_proxy(w["zhang"], p.pk).role == "grantor"
    assert access_proxy(person, p.pk).role == "holder"
    assert access_proxy(w["convener"], p.pk).role == "convener"
    for other in (w["li"], w["newcomer"], w["street"]):
        with pytest.raises(NotFound):
            access_proxy(other, p.pk)
    _meeting, rows = proxies.meeting_proxies(w["convener"], w["meeting"].pk)
    assert rows == [p]
    with pytest.raises(Forbidden):
        proxies.meeting_proxies(w["street"], w["meeting"].pk)
    _m, granted, held = proxies.mine(person, w["meeting"].pk)  # not an owner: sees it as the proxy
    assert granted == [] and held == [p]
    with pytest.raises(NotFound):
        proxies.mine(w["newcomer"], w["meeting"].pk)


def test_mobile_is_used_only_as_given(voting_world):  # R-VOTE-6
    w = voting_world
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]], mobile="+86 139-0000-0060")
    assert p.mobile_masked == "139****0060"
    assert mobile(60) == "13900000060"
