"""Correcting a publicised result (R-SEC-6; art. 25-27).

Once a version of a meeting's result is publicised, the ballots it counted are sealed
(``voting.services.seal``): no count session opens, no paper ballot is entered or committed. A late
paper ballot, or any other change to the counted ballots, goes through a correction:

1. ``correction_start``: the convener says why (required); the seal is lifted for this meeting,
   the supervising office (the street office; the district bureau where the street office
   convened) is told, the audit log records it. At most one correction is open at a time.
2. The convener counts the late paper ballot(s) as any paper count (``voting.services.paper``).
3. ``results.result_generate`` completes it: the next version is generated with the correction's
   reason and ``content["corrects"]`` (the version it corrects and why), the ballots are sealed
   again, and the supervising office is told. The new version then goes through submission,
   guidance and publicity like any version (art. 25, 26: the seeds have no separate procedure for a
   correction); its publicity needs no separate reason for starting late: the correction is it.

Owners see the correction wherever they see the result: the public page, the printed tables and the
notification of its publicity say "更正" of version N with the reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Conflict, InvalidInput, require
from ownervote.meetings.models import Meeting
from ownervote.voting.services import seal

from ..access import Need, access_result
from ..errors import Code
from ..models import Result, ResultCorrection, ResultPublicity
from . import results

MAX_REASON = 2000


def open_correction(meeting: Meeting) -> ResultCorrection | None:
    """The meeting's open correction, if any."""
    return (
        ResultCorrection.objects.filter(meeting=meeting, result__isnull=True)
        .select_related("corrects")
        .first()
    )


def correcting(result: Result) -> ResultCorrection | None:
    """The latest correction of the publicised ``result``, open or completed, if any."""
    return ResultCorrection.objects.filter(corrects=result).order_by("-opened_at", "-id").first()


def corrects(result: Result) -> dict | None:
    """What ``result`` corrects, as frozen in its content: ``{"number", "reason"}``, or None."""
    found = result.content.get("corrects") if isinstance(result.content, dict) else None
    return found if isinstance(found, dict) else None


def correction_start(*, actor, meeting_id: int, reason: str) -> ResultCorrection:
    """Open a correction of the meeting's publicised result (R-SEC-6). 409
    ``result.not_publicised`` before any publicity (a new version then needs only its reason),
    ``result.correction_open`` while one is open; 422 ``result.correction_reason_required``."""
    reason = str(reason or "").strip()[:MAX_REASON]
    with transaction.atomic():
        meeting = access_result(actor, meeting_id, need=Need.MANAGE, lock=True)
        publicity = (
            ResultPublicity.objects.filter(meeting=meeting)
            .select_related("result")
            .order_by("-published_at", "-id")
            .first()
        )
        require(
            publicity is not None,
            Conflict(
                Code.NOT_PUBLICISED,
                _(
                    "The result is not publicised yet: a correction is for a publicised result. "
                    "Before the publicity, generate a new version with its reason."
                ),
            ),
        )
        require(
            open_correction(meeting) is None,
            Conflict(Code.CORRECTION_OPEN, _("A correction of this result is already open.")),
        )
        require(
            reason,
            InvalidInput(
                Code.CORRECTION_REASON_REQUIRED,
                _("Say why the publicised result is corrected (for example, which late paper ballot)."),
                details={"reason": "required"},
            ),
        )
        corrected = results.current(meeting) or publicity.result
        correction = ResultCorrection.objects.create(
            meeting=meeting, corrects=corrected, reason=reason, opened_by=actor, opened_at=timezone.now()
        )
        seal.unseal(meeting)
        record(
            actor=actor,
            action="result.correction_started",
            obj=correction,
            estate_id=meeting.estate_id,
            summary={"meeting": meeting.pk, "corrects": corrected.number, "reason": reason},
        )
        with translation.override(settings.LANGUAGE_CODE):
            results.tell_supervisor(
                meeting,
                title=gettext("A publicised result is being corrected"),
                body=gettext(
                    "%(convener)s started a correction of version %(n)s of the result of “%(title)s”, "
                    "which is publicised: %(reason)s. Late paper ballots may be entered until the "
                    "corrected version is generated; it will be submitted to you again."
                )
                % {
                    "convener": meeting.convener.name,
                    "n": corrected.number,
                    "title": meeting.title,
                    "reason": reason,
                },
                event=f"result:correction:{correction.pk}:started",
            )
    return correction
