"""Owners told of a publicised result, and of what a correction changed (R-RES-3, R-SEC-6).

The message of a correction's version (issue 22 item 8) says, before the result itself, which
publicised result it corrects and from which day, why (the reason the convener gave when starting
the correction), and what changed, old → new: the participation when it moved, each item whose
outcome or figures moved. Its SMS (and WeChat) copy is one segment naming the correction and the
meeting; the public result page shows the same notice (``correction_of``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ownervote.meetings.models import Eligibility, Meeting
from ownervote.notify import sms_titles
from ownervote.notify.services import notify, short_title
from ownervote.orgs.models import User

from ..models import Result, ResultPublicity
from ..texts import correction_changes, correction_notice, outcome_lines


def owners_of(meeting: Meeting) -> list:
    user_ids = set(Eligibility.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=user_ids, is_active=True))


def correction_of(result: Result) -> dict | None:
    """What ``result`` corrects, for owners: ``{"number", "reason", "published_on", "notice",
    "changes"}`` (the corrected version's number, the correction's reason, the first day of that
    version's publicity, the sentence saying so, and the lines of what changed); None for a
    version that corrects nothing."""
    corrects = result.content.get("corrects") if isinstance(result.content, dict) else None
    if not isinstance(corrects, dict):
        return None
    number, reason = corrects.get("number"), str(corrects.get("reason", ""))
    old = Result.objects.filter(meeting_id=result.meeting_id, number=number).first()
    publicity = ResultPublicity.objects.filter(result=old).first() if old else None
    if publicity is None:  # it corrected a version made after the publicised one: that publicity
        publicity = (
            ResultPublicity.objects.filter(meeting_id=result.meeting_id, result__number__lt=result.number)
            .order_by("-published_at", "-id")
            .first()
        )
    published_on = publicity.starts_on if publicity else None
    return {
        "number": number,
        "reason": reason,
        "published_on": published_on,
        "notice": correction_notice(number, published_on, reason),
        "changes": correction_changes(old.content, result.content) if old else [],
    }


def tell_owners(meeting: Meeting, result: Result, *, not_before: dt.datetime | None) -> None:
    """The owners learn the publicised result on its first day, in the inbox and by SMS (one
    segment, pointing to the platform); a correction's version says first what it corrects, why,
    and what changed (R-SEC-6)."""
    with translation.override(settings.LANGUAGE_CODE):
        correction = correction_of(result)
        lines = outcome_lines(result.content)
        if correction is None:
            title = gettext("The result of “%(title)s”") % {"title": meeting.title}
            sms_title = sms_titles.RESULT_PUBLICISED
        else:
            title = gettext("Corrected result of “%(title)s”") % {"title": meeting.title}
            sms_title = sms_titles.RESULT_CORRECTED
            lines = [
                correction["notice"],
                gettext("What changed:"),
                *correction["changes"],
                gettext("The corrected result:"),
                *lines,
            ]
        notify(
            users=owners_of(meeting),
            kind="result.publicised",
            title=title,
            body="\n".join(lines),
            link=reverse("results:public", args=[meeting.pk]),
            estate=meeting.estate,
            sms=True,
            sms_title=short_title(sms_title, meeting=meeting.title, estate=meeting.estate.name),
            event=f"result:{result.pk}:publicised",
            not_before=not_before,
        )
