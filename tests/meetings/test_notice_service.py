"""Proof of service of the meeting notice (R-MTG-10): per flat, which notice version reached which
owner, by which channel and when, and whether the 随多数 warning was shown; the convener's paper
service with a photo, and its refusals."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ownervote.core.appendonly import AppendOnlyError
from ownervote.core.errors import Forbidden, InvalidInput, NotFound
from ownervote.core.files import Upload
from ownervote.identity.models import WeChatAccount
from ownervote.identity.wechat import ConsoleTemplateSender
from ownervote.meetings import served
from ownervote.meetings.models import NoticeService
from ownervote.meetings.services import service
from ownervote.notify import services as notify_services
from ownervote.notify.models import OutboxMessage
from ownervote.notify.testing import run_worker
from ownervote.roster.models import Estate, Flat

from .conftest import actions, inbox

C = NoticeService.Channel


def png() -> Upload:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return Upload("wall.png", buffer.getvalue(), "image/png")


@pytest.fixture
def wechat_on(settings):
    settings.OWNERVOTE_WECHAT = {
        **settings.OWNERVOTE_WECHAT,
        "app_id": "wx-test",
        "notice_template_id": "TPL-notice",
        "template_backend": "ownervote.identity.wechat.ConsoleTemplateSender",
    }
    ConsoleTemplateSender.reset()
    yield settings
    ConsoleTemplateSender.reset()


def _records(meeting, **filters) -> list[NoticeService]:
    return list(NoticeService.objects.filter(meeting=meeting, **filters).order_by("id"))


def test_inbox_read_serves_the_owners_flats_with_the_warning(owner_world, estates, make_meeting):  # R-MTG-10
    """An owner who opens the notice in the inbox is served, for the flat they are bound to, with
    the version the notice carried; under 随多数 the message carries the warning."""
    Estate.objects.filter(pk=estates["a"].pk).update(follow_majority=True)
    meeting = make_meeting(25, "published")
    zhang = owner_world["zhang"]
    assert not _records(meeting)  # told is not served: nobody read it yet
    (note,) = inbox(zhang, "meeting.published")
    assert service.follow_majority_warning() in note.body
    notify_services.mark_read(actor=zhang, ids=[note.pk])
    (row,) = _records(meeting, channel=C.INBOX_READ)
    assert row.flat == owner_world["flats"]["1栋-101"] and row.user == zhang
    assert row.version == meeting.version == 1 and row.warning_shown
    assert row.reference == f"notification:{note.pk}"
    notify_services.mark_read(actor=zhang, ids=[note.pk])  # read again: nothing new
    assert service.sync(meeting) == 0 and len(_records(meeting)) == 1


def test_the_public_notice_warns_of_follow_majority(client, owner_world, estates, make_meeting):  # R-MTG-10
    Estate.objects.filter(pk=estates["a"].pk).update(follow_majority=True)
    meeting = make_meeting(25, "published")
    page = client.get(reverse("meetings:notice", args=[meeting.pk])).content.decode()
    assert 'id="follow-majority"' in page and "随多数" in page


def test_without_follow_majority_no_warning_is_claimed(owner_world, make_meeting):  # R-MTG-10
    meeting = make_meeting(25, "published")
    li = owner_world["li"]
    (note,) = inbox(li, "meeting.published")
    assert service.follow_majority_warning() not in note.body
    notify_services.mark_read(actor=li)
    (row,) = _records(meeting)
    assert row.flat == owner_world["flats"]["1栋-102"] and not row.warning_shown


def test_sms_accepted_by_the_provider_serves_the_flat(owner_world, make_meeting):  # R-MTG-10
    meeting = make_meeting(25, "published")
    run_worker()
    sms = _records(meeting, channel=C.SMS_SENT)
    assert {(r.user_id, r.flat_id) for r in sms} == {
        (owner_world["zhang"].pk, owner_world["flats"]["1栋-101"].pk),
        (owner_world["li"].pk, owner_world["flats"]["1栋-102"].pk),
    }
    message = OutboxMessage.objects.get(user=owner_world["zhang"], channel="sms", event__contains="published")
    row = next(r for r in sms if r.user_id == owner_world["zhang"].pk)
    assert row.at == message.sent_at and row.reference == f"outbox:{message.pk}" and row.version == 1
    assert not row.warning_shown  # an SMS carries the title only


def test_wechat_accepted_serves_the_flat(owner_world, wechat_on, make_meeting):  # R-MTG-10
    WeChatAccount.objects.create(user=owner_world["zhang"], app_id="wx-test", openid="o-zhang")
    meeting = make_meeting(25, "published")
    run_worker()
    (row,) = _records(meeting, channel=C.WECHAT_SENT)
    assert row.user == owner_world["zhang"] and row.flat == owner_world["flats"]["1栋-101"]
    assert len(ConsoleTemplateSender.outbox) == 1


def test_sync_catches_up_what_the_receivers_missed(owner_world, make_meeting):  # R-MTG-10
    meeting = make_meeting(25, "published")
    run_worker()
    first = len(_records(meeting))
    assert first == 4  # zhang's and li's SMS, each accepted and delivered (the console backend)
    assert service.sync(meeting) == 0  # nothing missing: idempotent


def test_records_are_append_only(owner_world, make_meeting):  # R-MTG-10
    meeting = make_meeting(25, "published")
    run_worker()
    row = _records(meeting)[0]
    with pytest.raises(AppendOnlyError):
        NoticeService.objects.filter(pk=row.pk).update(channel=C.PAPER_POSTED)
    with pytest.raises(AppendOnlyError):
        row.delete()
    if connection.vendor == "postgresql":  # the trigger refuses raw SQL too
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE meetings_noticeservice SET channel = 'paper_posted' WHERE id = %s", [row.pk]
            )


def test_convener_records_paper_service_for_a_building(owner_world, staff, estates, make_meeting):  # R-MTG-10
    Estate.objects.filter(pk=estates["a"].pk).update(follow_majority=True)
    meeting = make_meeting(25, "published")
    flat = owner_world["flats"]["1栋-101"]
    posted = timezone.now() - dt.timedelta(minutes=5)
    rows = service.notice_paper_service(
        actor=staff["convener"],
        meeting_id=meeting.pk,
        place="1栋大堂公告栏",
        posted_at=posted,
        photo=png(),
        building_id=flat.building_id,
        warning_shown=True,
    )
    in_building = Flat.objects.filter(building_id=flat.building_id, removed_at__isnull=True).count()
    assert len(rows) == in_building and all(r.channel == C.PAPER_POSTED for r in rows)
    assert {r.flat.building_id for r in rows} == {flat.building_id}
    assert all(r.place == "1栋大堂公告栏" and r.warning_shown and r.version == 1 for r in rows)
    assert rows[0].photo.content_type == "image/png" and rows[0].recorded_by == staff["convener"]
    assert "meeting.notice_posted" in actions(estates["a"])
    remaining = {f.pk for f in served.unserved(meeting)}
    assert not remaining & {r.flat_id for r in rows}


@pytest.mark.parametrize("case", ["other_convener", "flat_elsewhere", "not_image", "future"])
def test_paper_service_refusals_change_nothing(case, owner_world, staff, estates, make_meeting):  # R-MTG-10
    meeting = make_meeting(25, "published")
    flat = owner_world["flats"]["1栋-101"]
    kwargs = dict(
        actor=staff["convener"],
        meeting_id=meeting.pk,
        place="1栋大堂",
        posted_at=timezone.now() - dt.timedelta(minutes=1),
        photo=png(),
        flat_ids=[flat.pk],
    )
    expected = InvalidInput
    if case == "other_convener":
        kwargs["actor"], expected = staff["other_convener"], (NotFound, Forbidden)
    elif case == "flat_elsewhere":
        other = Flat.objects.exclude(estate=estates["a"]).first()
        if other is None:
            from tests.owners import import_roster

            other = next(iter(import_roster(estates["c"], staff["other_convener"]).values()))
        kwargs["flat_ids"] = [flat.pk, other.pk]
    elif case == "not_image":
        kwargs["photo"] = Upload("wall.png", b"%PDF-1.4 not a photo", "image/png")
    else:
        kwargs["posted_at"] = timezone.now() + dt.timedelta(hours=2)
    before = (NoticeService.objects.count(), len(actions()))
    with pytest.raises(expected), transaction.atomic():
        service.notice_paper_service(**kwargs)
    assert (NoticeService.objects.count(), len(actions())) == before


def test_unserved_list_is_naturally_sorted_and_filtered(owner_world, staff, make_meeting):  # R-MTG-10
    meeting = make_meeting(25, "published")
    flats = served.unserved(meeting)
    keys = [f.sort_key for f in flats]
    assert keys == sorted(keys) and len(flats) == served.counts(meeting)["unserved"]
    run_worker()  # zhang's and li's SMS
    left = {f.pk for f in served.unserved(meeting)}
    assert owner_world["flats"]["1栋-101"].pk not in left
    filtered = served.unserved(meeting, q="201")
    assert filtered and all("201" in f.room or "201" in f.building.name for f in filtered)


def test_convener_page_and_api(client, owner_world, staff, make_meeting):  # R-MTG-10
    meeting = make_meeting(25, "published")
    flat = owner_world["flats"]["1栋-101"]
    client.force_login(staff["convener"])
    url = reverse("meetings:service", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200 and f'value="{flat.pk}"' in page.content.decode()
    photo = png()
    response = client.post(
        url,
        {
            "place": "1栋大堂",
            "posted_at": timezone.localtime(timezone.now() - dt.timedelta(minutes=3)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "flats": [str(flat.pk)],
            "photo": io.BytesIO(photo.content),
        },
        format="multipart",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _records(meeting, channel=C.PAPER_POSTED, flat=flat)
    data = client.get(f"/api/meetings/{meeting.pk}/service?unserved=true").json()
    assert flat.pk not in {r["flat_id"] for r in data["rows"]} and data["served"] >= 1
    owner = owner_world["zhang"]
    client.force_login(owner)
    assert client.get(f"/api/meetings/{meeting.pk}/service").status_code in (403, 404)


def test_the_convener_is_told_of_unserved_flats_before_voting(owner_world, staff, make_meeting):  # R-MTG-10
    from ownervote.meetings import todo as meeting_todos
    from ownervote.meetings.selectors import local_day

    meeting = make_meeting(25, "published")
    key = f"service-{meeting.pk}"
    today = timezone.localdate()
    opens = local_day(meeting.voting_opens_at)

    def todos(user, on):
        return {t.key: t for t in meeting_todos.notice_service(user, on)}

    assert key not in todos(staff["convener"], today)  # weeks before the voting: not yet
    week_before = opens - dt.timedelta(days=7)
    todo = todos(staff["convener"], week_before)[key]
    assert todo.due_on == opens and not todo.urgent
    assert todo.url == reverse("meetings:service", args=[meeting.pk])
    assert str(served.counts(meeting)["unserved"]) in todo.title
    assert key not in todos(staff["other_convener"], week_before)
    flats = [f.pk for f in served.flats_of(meeting)]
    service.notice_paper_service(
        actor=staff["convener"],
        meeting_id=meeting.pk,
        place="小区大门公告栏",
        posted_at=timezone.now() - dt.timedelta(minutes=1),
        photo=png(),
        flat_ids=flats,
    )
    assert key not in todos(staff["convener"], week_before)  # every flat served
