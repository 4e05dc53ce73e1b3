"""The street office's guidance on an entered meeting (art. 12, R-MTG-2): within 5 days of its
entry; the convener is told."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Conflict, InvalidInput, require
from ownervote.notify.services import notify

from .. import audiences, permissions, selectors
from ..access import Need, access_meeting
from ..errors import Code
from ..models import Guidance, Meeting
from .common import S, clean, link


def guidance_give(*, actor, meeting_id: int, text: str) -> Guidance:
    """The street office of the estate's street gives a guidance opinion on an entered meeting,
    within 5 days of its entry (art. 12, R-MTG-2; 409 ``meeting.guidance_closed`` after). The
    convener is told."""
    text = clean(text)
    today = timezone.localdate()
    with transaction.atomic():
        meeting = access_meeting(actor, meeting_id, need=Need.GUIDE, lock=True)
        require(
            meeting.status in (S.SUBMITTED, S.PUBLISHED),
            Conflict(Code.WRONG_STATUS, _("Guidance is given on an entered meeting before voting.")),
        )
        ends_on = meeting.guidance_ends_on.isoformat() if meeting.guidance_ends_on else None
        require(
            selectors.guidance_open(meeting, today),
            Conflict(
                Code.GUIDANCE_CLOSED,
                _("The guidance window ended on %(date)s (5 days after the entry, art. 12).")
                % {"date": ends_on or ""},
                details={"guidance_ends_on": ends_on},
            ),
        )
        require(text, InvalidInput(Code.GUIDANCE_REQUIRED, _("Write the guidance opinion.")))
        organisation = permissions.supervising_organisation(actor, meeting)
        guidance = Guidance.objects.create(
            meeting=meeting,
            organisation=organisation,
            author=actor,
            author_real_name=actor.display_name(),
            version=meeting.version,
            text=text,
        )
        record(
            actor=actor,
            action="meeting.guidance_given",
            obj=guidance,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "version": meeting.version,
                "organisation": organisation.pk,
                "author_real_name": guidance.author_real_name,
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            },
        )
        _tell_convener(meeting, guidance)
    return guidance


def _tell_convener(meeting: Meeting, guidance: Guidance) -> None:
    office = guidance.organisation.name
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=audiences.convener_members(meeting),
            kind="meeting.guidance",
            title=gettext("Guidance from %(office)s") % {"office": office},
            body=gettext("%(office)s gave a guidance opinion on the meeting “%(title)s”:\n%(text)s")
            % {"office": office, "title": meeting.title, "text": guidance.text},
            link=link("detail", meeting.pk),
            estate=meeting.estate,
            event=f"meeting:{meeting.pk}:guidance:{guidance.pk}",
        )
