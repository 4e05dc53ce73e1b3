"""Proof of service of the meeting notice (R-MTG-10): per flat, how and when the notice reached
its owners, in which version, and whether what reached them carried the 随多数 warning
(R-TALLY-7). A court tests this before it accepts 随多数, so the record is append-only
(``models.NoticeService``) and goes into the result's archive.

- The electronic channels are recorded from notify's own events (``notify.signals``): an inbox
  notice marked read (``inbox_read``), an SMS or WeChat notice the provider accepted (``sms_sent``,
  ``wechat_sent``) and, when the provider's delivery report says it reached the handset, delivered
  (``sms_delivered``, ``wechat_delivered``, at the provider's time; the ``_sent`` record stays). A
  failed delivery report records nothing. A message serves every flat its addressee had an active
  binding to in the estate at that moment. ``sync`` records the same from the outbox for a whole
  meeting (messages sent before the receivers ran, or a receiver that failed), and is safe to run
  any number of times.
- Paper: the convener posts the printed notice (per building or entrance) and records it here with
  a photo of it on the wall (``notice_paper_service``), for the flats it serves.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.bindings.models import Binding
from ownervote.core import files
from ownervote.core.errors import Conflict, InvalidInput, require
from ownervote.core.files import Upload
from ownervote.notify.models import OutboxMessage
from ownervote.roster.models import Flat

from ..access import Need, access_meeting
from ..errors import Code
from ..models import Meeting, NoticeService, Publicity

log = logging.getLogger(__name__)
C = NoticeService.Channel
# The outbox events of the notices to owners (``publicity.tell_owners``): the first publicity, and
# each change publicised again as version N.
EVENT = re.compile(r"^meeting:(\d+):(?:published|changed:v(\d+))$")
NOTICE_KINDS = ("meeting.published", "meeting.changed")
MAX_FLATS = 2000
SERVICE_STATUSES = (Meeting.Status.PUBLISHED, Meeting.Status.VOTING)


def follow_majority_warning() -> str:
    """The warning every notice to owners carries where the estate counts non-voters with the
    majority (随多数, R-TALLY-7), in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "Note: under this estate's rules of procedure, the voting rights of owners who do not vote "
            "are counted with the majority (随多数). If you do not vote, your vote follows the majority."
        )


def carries_warning(text: str) -> bool:
    return follow_majority_warning() in (text or "")


def notice_version(meeting_id: int, event: str) -> int | None:
    """The notice version an owners' message of ``event`` carried; None when it is no notice of
    ``meeting_id``."""
    match = EVENT.match(event or "")
    if match is None or int(match.group(1)) != meeting_id:
        return None
    if match.group(2):
        return int(match.group(2))
    first = Publicity.objects.filter(meeting_id=meeting_id).order_by("published_at", "id").first()
    return first.version.number if first is not None else None


def _flats_bound(user_id: int, estate_id: int, at: dt.datetime) -> list[int]:
    """The flats ``user`` had an active binding to in the estate at ``at``."""
    rows = Binding.objects.filter(user_id=user_id, estate_id=estate_id, bound_at__lte=at).exclude(
        ended_at__lte=at
    )
    return sorted(set(rows.values_list("flat_id", flat=True)))


def _event(event: str, memo: dict) -> tuple[Meeting | None, int | None]:
    """The meeting and notice version of an owners' message's event (looked up once per event)."""
    if event not in memo:
        match = EVENT.match(event or "")
        meeting = None
        if match is not None:
            meeting = Meeting.objects.filter(pk=int(match.group(1))).only("pk", "estate_id").first()
        memo[event] = (meeting, notice_version(meeting.pk, event) if meeting is not None else None)
    return memo[event]


def _facts(message: OutboxMessage) -> list[tuple[str, dt.datetime, str, bool]]:
    """What a message proves: (channel, at, reference, warning shown) for each fact."""
    if message.channel == OutboxMessage.Channel.INBOX:
        note = message.notification
        if note is None or note.read_at is None:
            return []
        return [(C.INBOX_READ, note.read_at, f"notification:{note.pk}", carries_warning(note.body))]
    if message.status != OutboxMessage.Status.SENT or message.sent_at is None:
        return []
    sms = message.channel == OutboxMessage.Channel.SMS
    reference = f"outbox:{message.pk}"
    facts = [(C.SMS_SENT if sms else C.WECHAT_SENT, message.sent_at, reference, False)]  # a title only
    if message.delivery == OutboxMessage.Delivery.DELIVERED and message.delivered_at is not None:
        facts.append((C.SMS_DELIVERED if sms else C.WECHAT_DELIVERED, message.delivered_at, reference, False))
    return facts


def _rows_for(message: OutboxMessage, memo: dict) -> list[NoticeService]:
    if message.kind not in NOTICE_KINDS:
        return []
    meeting, version = _event(message.event, memo)
    if meeting is None or version is None:
        return []
    return [
        row
        for channel, at, reference, warned in _facts(message)
        for row in _served(message, meeting, version, channel, at, reference, warned)
    ]


def _served(message, meeting, version, channel, at, reference, warned) -> list[NoticeService]:
    """One record per flat the message's addressee was bound to in the estate at ``at``."""
    return [
        NoticeService(
            meeting=meeting,
            flat_id=flat_id,
            version=version,
            channel=channel,
            at=at,
            warning_shown=warned,
            user_id=message.user_id,
            reference=reference,
        )
        for flat_id in _flats_bound(message.user_id, meeting.estate_id, at)
    ]


def record_messages(messages) -> int:
    """Record the service the given outbox messages prove (read inbox notices, accepted SMS and
    WeChat notices of meetings); each once however often it is called. Returns how many rows were
    new."""
    memo: dict = {}
    rows = [row for message in messages for row in _rows_for(message, memo)]
    if not rows:
        return 0
    with transaction.atomic():
        before = NoticeService.objects.filter(meeting_id__in={r.meeting_id for r in rows}).count()
        NoticeService.objects.bulk_create(rows, ignore_conflicts=True)
        return NoticeService.objects.filter(meeting_id__in={r.meeting_id for r in rows}).count() - before


def sync(meeting: Meeting) -> int:
    """Record from the outbox whatever service of ``meeting``'s notices is not recorded yet (the
    messages already recorded are skipped without a look-up)."""
    rows = NoticeService.objects.filter(meeting=meeting, user__isnull=False)
    done = set(rows.values_list("reference", flat=True))
    # A message whose delivery came after its acceptance was recorded is looked at again.
    delivered = set(
        rows.filter(channel__in=(C.SMS_DELIVERED, C.WECHAT_DELIVERED)).values_list("reference", flat=True)
    )
    messages = (
        OutboxMessage.objects.filter(kind__in=NOTICE_KINDS, event__startswith=f"meeting:{meeting.pk}:")
        .filter(status=OutboxMessage.Status.SENT)
        .select_related("notification")
        .order_by("pk")
    )
    fresh = (
        m
        for m in messages.iterator(chunk_size=500)
        if (
            f"outbox:{m.pk}" not in done
            or (m.delivery == OutboxMessage.Delivery.DELIVERED and f"outbox:{m.pk}" not in delivered)
        )
        and (m.notification_id is None or f"notification:{m.notification_id}" not in done)
    )
    return record_messages(fresh)


def _safely(messages) -> None:
    try:
        with transaction.atomic():
            record_messages(messages)
    except Exception:  # a record that fails must not undo the read or the send; ``sync`` catches up
        log.exception("proof of service: could not record %s", [m.pk for m in messages])


def on_read(sender, *, user, ids, at, **kwargs) -> None:
    """``notify.signals.notifications_read``: the notices among them are served."""
    messages = OutboxMessage.objects.filter(
        notification_id__in=ids, kind__in=NOTICE_KINDS, event__startswith="meeting:"
    ).select_related("notification")
    messages = list(messages)
    if messages:
        _safely(messages)


def on_sent(sender, *, message, **kwargs) -> None:
    """``notify.signals.message_sent``: an SMS or WeChat notice was accepted by its provider."""
    if message.kind in NOTICE_KINDS:
        _safely([message])


def on_delivered(sender, *, message, **kwargs) -> None:
    """``notify.signals.message_delivered``: the provider reports that an SMS or WeChat notice
    reached the handset (recorded at the provider's time; its ``_sent`` record is kept)."""
    if message.kind in NOTICE_KINDS:
        _safely([message])


# --- paper (the convener posts the printed notice) -------------------------------------------------


def check_photo(upload: Upload | None) -> Upload:
    """The photo of the posted notice, decoded with Pillow: JPEG, PNG or WebP within the size
    limit. Returns it under a neutral name with the content type of what it really is."""
    details = {"field": "photo"}
    require(
        upload is not None and upload.content,
        InvalidInput(Code.SERVICE_PHOTO, _("A photo of the posted notice is required."), details=details),
    )
    not_image = InvalidInput(
        Code.SERVICE_PHOTO,
        _("The photo of the posted notice is not a photo: upload a JPEG, PNG or WebP image."),
        details=details,
    )
    require(len(upload.content) <= settings.OWNERVOTE_MAX_PHOTO_BYTES, not_image)
    content_type, ext = files.photo_type(upload.content, not_image=not_image)
    return Upload(name=f"notice-posted.{ext}", content=upload.content, content_type=content_type)


def _flats_of(meeting: Meeting, flat_ids, building_id) -> list[Flat]:
    rows = Flat.objects.filter(estate_id=meeting.estate_id, removed_at__isnull=True)
    wanted = {int(i) for i in flat_ids or ()}
    if building_id is not None:
        flats = list(rows.filter(building_id=building_id))
        require(
            flats,
            InvalidInput(Code.SERVICE_FLATS, _("That building has no flats in this meeting."), details={}),
        )
        return flats
    require(
        wanted and len(wanted) <= MAX_FLATS,
        InvalidInput(Code.SERVICE_FLATS, _("Choose the flats the posted notice serves."), details={}),
    )
    flats = list(rows.filter(pk__in=wanted))
    missing = sorted(wanted - {f.pk for f in flats})
    require(
        not missing,
        InvalidInput(
            Code.SERVICE_FLATS,
            _("Some of the flats chosen are not in this meeting's estate."),
            details={"flats": missing},
        ),
    )
    return flats


def _check_time(meeting: Meeting, posted_at: dt.datetime) -> None:
    publicity = Publicity.objects.filter(meeting=meeting).order_by("published_at", "id").first()
    require(
        publicity is not None and posted_at >= publicity.published_at - dt.timedelta(days=1),
        InvalidInput(
            Code.SERVICE_TIME,
            _("The notice cannot have been posted before the meeting was publicised."),
            details={"field": "posted_at"},
        ),
    )
    require(
        posted_at <= timezone.now(),
        InvalidInput(
            Code.SERVICE_TIME, _("The notice cannot be posted in the future."), details={"field": "posted_at"}
        ),
    )


def notice_paper_service(
    *,
    actor,
    meeting_id: int,
    place: str,
    posted_at: dt.datetime,
    photo: Upload | None,
    flat_ids=None,
    building_id: int | None = None,
    warning_shown: bool = False,
) -> list[NoticeService]:
    """The convener records that the printed notice (the current version) was posted at ``place``
    at ``posted_at``, serving the flats ``flat_ids`` or every flat of ``building_id``, with a photo
    of it on the wall (R-MTG-10). ``warning_shown``: where the estate counts non-voters with the
    majority, the convener attests that the posted notice carried the warning (the printed notice
    does). Only the meeting's convener (403 ``meeting.forbidden``), only while the meeting is
    publicised or voting (409 ``meeting.wrong_status``); a flat not in the estate, a photo that is
    not an image or a time outside the publicity is refused (422) and nothing is recorded."""
    with transaction.atomic():
        meeting = access_meeting(actor, meeting_id, need=Need.MANAGE, lock=True)
        require(
            meeting.status in SERVICE_STATUSES,
            Conflict(
                Code.WRONG_STATUS,
                _("Service of the notice is recorded while the meeting is publicised or voting."),
            ),
        )
        place = " ".join((place or "").split())[:200]
        require(
            place,
            InvalidInput(
                Code.SERVICE_PLACE, _("Say where the notice was posted."), details={"field": "place"}
            ),
        )
        _check_time(meeting, posted_at)
        flats = _flats_of(meeting, flat_ids, building_id)
        photo = check_photo(photo)
        stored = files.store(photo, uploaded_by=actor)
        warned = bool(warning_shown and meeting.counts_follow_majority)
        running = Publicity.objects.filter(meeting=meeting, superseded_at__isnull=True).first()
        version = running.version.number if running is not None else meeting.version
        rows = NoticeService.objects.bulk_create(
            [
                NoticeService(
                    meeting=meeting,
                    flat=flat,
                    version=version,
                    channel=C.PAPER_POSTED,
                    at=posted_at,
                    warning_shown=warned,
                    place=place,
                    photo=stored,
                    recorded_by=actor,
                )
                for flat in sorted(flats, key=lambda f: (f.sort_key, f.pk))
            ]
        )
        record(
            actor=actor,
            action="meeting.notice_posted",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={
                "version": version,
                "flats": len(rows),
                "building": building_id,
                "place": place,
                "posted_at": posted_at.isoformat(),
                "photo": stored.sha256,
                "warning_shown": warned,
            },
        )
    return rows
