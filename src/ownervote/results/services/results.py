"""Generating, submitting, guiding and publicising a meeting's result (art. 25-27; R-RES-1..4).

- ``result_generate``: once voting has closed and no paper count is open, the convener freezes the
  result as a new ``Result`` version (its content and SHA-256); from the second version a reason is
  required and the previous version is marked superseded. Once a version is publicised its
  ballots are sealed (R-SEC-6): a new version is then generated only to complete an open correction
  (``corrections``), whose reason it takes and which it names as corrected (``content["corrects"]``).
- ``result_submit``: the convener submits the current version to the supervising office (the
  street office; the district bureau where the street office convened) with the scans of the
  printed result table and per-flat table, sealed and signed (``scans``; R-RES-2); the office then
  has 3 days to give guidance (``guidance_give``).
- ``result_publicise``: the convener publicises the result for at least 10 days, starting within 3
  days of the resolution; a later start needs its reason, which is recorded and shown to the street
  office. On-time publicity is always possible (R-RES-3): after the guidance, or without it from the
  last day of the guidance window or of the 3 days of the publicity, whichever comes first
  (``rules.results.may_publicise``). Guidance given after the publicity started is shown with it.

Every window is counted as the Civil Code counts periods (R-MTG-8, ``rules.results`` on the
official calendar): the day of the act is not counted, a last day that is a day off moves to the
next working day, a day ends at 24:00 Beijing time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Conflict, InvalidInput, require
from ownervote.core.files import Upload
from ownervote.meetings import audiences, served
from ownervote.meetings import permissions as meeting_permissions
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Meeting
from ownervote.notify.services import notify
from ownervote.rules import publicity as publicity_rules
from ownervote.rules import results as result_rules
from ownervote.rules import tally
from ownervote.verify.merkle import canonical
from ownervote.voting.models import Ballot, CountSession, RollFlat, Submission
from ownervote.voting.services import seal
from ownervote.voting.services.cast import normalise_code
from ownervote.voting.services.progress import voting_close as close_the_voting

from ..access import Need, access_result
from ..errors import Code
from ..models import Result, ResultCorrection, ResultGuidance, ResultPublicity
from ..tasks import enqueue_prerender
from ..texts import correction_line
from . import anchoring, announce, archive, counting, scans

S = Meeting.Status
CONTENT_FORMAT = "ownervote.result"
CONTENT_VERSION = 1
GUIDANCE_DAYS = result_rules.GUIDANCE_DAYS  # art. 25 "3日内"
PUBLICITY_WITHIN_DAYS = result_rules.PUBLICITY_WITHIN_DAYS  # art. 26 "作出决议后3日内"
MAX_TEXT = 5000
NO_RESULT = _("No result has been generated for this meeting yet.")


def today() -> dt.date:
    return timezone.localdate(timezone.now(), meeting_selectors.beijing())


def _local(moment: dt.datetime | None) -> str:
    return (
        timezone.localtime(moment, meeting_selectors.beijing()).strftime("%Y-%m-%d %H:%M") if moment else ""
    )


def digest_of(content: dict) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def versions(meeting: Meeting) -> QuerySet[Result]:
    return Result.objects.filter(meeting=meeting).order_by("-number")


def current(meeting: Meeting) -> Result | None:
    return Result.objects.filter(meeting=meeting, superseded_at__isnull=True).first()


def _current_or_409(meeting: Meeting) -> Result:
    result = current(meeting)
    require(result is not None, Conflict(Code.NONE, NO_RESULT))
    return result


# --- the frozen content ------------------------------------------------------------------------


def _items(meeting: Meeting) -> list[dict]:
    items = list(meeting.items.prefetch_related("candidates").order_by("position", "id"))
    scoped = archive.scope_entries(meeting, items)  # R-MTG-9: only items for part of the estate
    return [
        {
            "id": i.pk,
            "position": i.position,
            "title": i.title,
            "kind": i.kind,
            "category": i.category,
            "threshold": tally.threshold_of(i.category),
            "seats": i.seats,
            "candidates": [{"id": c.pk, "position": c.position, "name": c.name} for c in i.candidates.all()],
        }
        | ({"scope": scoped[i.pk]} if i.pk in scoped else {})
        for i in items
    ]


def _flat_answer(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(c) for c in sorted(value))
    return str(value)


def flats_table(meeting: Meeting, items: list[dict], rows: list[counting.BallotRow]) -> list[dict]:
    """The per-flat table (分户结果统计表, art. 25): every flat on the roll, in building and room
    order, with its area, how it voted (electronic, paper or not at all) and its answer to each
    item (``""`` unmarked; an election's chosen candidate ids joined by commas)."""
    by_flat = {r.flat_id: r for r in rows}
    inside = archive.scoped_flat_ids(meeting)  # R-MTG-9: a flat outside an item's scope: OUT_OF_SCOPE
    first = served.first_service(meeting)  # R-MTG-10: how the notice first reached the flat
    roll = (
        RollFlat.objects.filter(meeting=meeting)
        .select_related("flat", "building")
        .order_by("flat__sort_key", "flat_id")
    )
    out = []
    for r in roll:
        ballot = by_flat.get(r.flat_id)
        out.append(
            {
                "building": r.building.name,
                "room": r.flat.room,
                "area": tally.area_text(r.area),
                "channel": ballot.channel if ballot else "",
                "cast_at": _local(ballot.cast_at) if ballot else "",
                "partial": ballot.partial if ballot else False,
                "answers": [
                    archive.OUT_OF_SCOPE
                    if r.flat_id not in inside.get(i["id"], (r.flat_id,))
                    else _flat_answer(ballot.answers.get(i["id"]))
                    if ballot
                    else ""
                    for i in items
                ],
                "served_by": first[r.flat_id].channel if r.flat_id in first else "",
                "served_at": served.local(first[r.flat_id].at) if r.flat_id in first else "",
            }
        )
    return out


def _scrutiny(meeting: Meeting) -> list[dict]:
    return [
        {
            "caller": s.caller,
            "counter": s.counter,
            "scrutineer": s.scrutineer,
            "place": s.place,
            "committed_at": _local(s.committed_at),
        }
        for s in CountSession.objects.filter(meeting=meeting, status=CountSession.Status.COMMITTED).order_by(
            "committed_at", "id"
        )
    ]


BUILD_STEPS = 5  # the steps of ``build_content`` a background job reports (core.jobs)


def build_content(
    meeting: Meeting,
    *,
    number: int,
    reason: str,
    generated_at: dt.datetime,
    corrects: dict | None = None,
    progress=None,
) -> tuple[dict, str]:
    """The content of a new version and its Merkle root; ``corrects`` (``{"number", "reason"}``):
    the publicised version a correction's version corrects (R-SEC-6). ``progress(done, total)``,
    when given, is told after each of its ``BUILD_STEPS`` steps."""
    step = progress or (lambda done, total: None)
    rows = counting.ballot_rows(meeting)
    step(1, BUILD_STEPS)
    items = _items(meeting)
    outcome = counting.compute(meeting)
    step(2, BUILD_STEPS)
    root = archive.merkle_root(meeting, rows=rows)
    services = archive.service_entries(meeting)  # R-MTG-10, recorded up to now first
    step(3, BUILD_STEPS)
    estate = meeting.estate
    with translation.override(settings.LANGUAGE_CODE):  # frozen in the site's language, as the tables
        capacity = meeting.convener.convener_capacity
    content = {
        "format": CONTENT_FORMAT,
        "version": CONTENT_VERSION,
        "number": number,
        "reason": reason,
        "generated_at": _local(generated_at),
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "estate": estate.name,
            "street": estate.street.name,
            "convener": meeting.convener.name,
            # R-ORG-3, R-ORG-4: the kind of the convening organisation, and the capacity a street
            # office or community committee convenes in ("" for an owners' committee or a group).
            "convener_kind": meeting.convener.kind,
            "convener_capacity": capacity,
            "kind": meeting.kind,
            "method": meeting.method,
            "starts_at": _local(meeting.starts_at),
            "voting_opens_at": _local(meeting.voting_opens_at),
            "voting_closes_at": _local(meeting.voting_closes_at),
        },
        "parking_counts": meeting.counting_settings()[1],  # frozen at publicity (R-ROSTER-5)
        "items": items,
        "result": tally.to_json(outcome),
        "merkle_root": root,
        "scrutiny": _scrutiny(meeting),
        "flats": flats_table(meeting, items, rows),
        "services": services,
        "services_digest": archive.services_digest(services),
        "audit_heads": anchoring.heads_now(estate.pk),  # R-SEC-5: the chain as this version found it
    }
    step(4, BUILD_STEPS)
    if corrects is not None:
        content["corrects"] = corrects
    return content, root


def summary_of(outcome: dict) -> dict:
    """The figures oversight reads, from ``tally.to_json``."""
    passed = failed = no_quorum = 0
    for r in outcome["items"]:
        if not (r["quorum"]["area"] and r["quorum"]["owners"]):
            no_quorum += 1
        elif r["passed"] or r.get("elected"):
            passed += 1
        else:
            failed += 1
    return {
        "total_area": Decimal(outcome["totals"]["area"]),
        "total_owners": outcome["totals"]["owners"],
        "voted_area": Decimal(outcome["participating"]["area"]),
        "voted_owners": outcome["participating"]["owners"],
        "items_passed": passed,
        "items_failed": failed,
        "items_no_quorum": no_quorum,
    }


# --- generate ---------------------------------------------------------------------------------


def _clean(text, limit: int = MAX_TEXT) -> str:
    return str(text or "").strip()[:limit]


def _correction_to_complete(meeting: Meeting) -> ResultCorrection | None:
    """The open correction a new version completes; None before any publicity. 409
    ``result.correction_required`` when the result is publicised and no correction is open
    (R-SEC-6)."""
    correction = ResultCorrection.objects.filter(meeting=meeting, result__isnull=True).first()
    require(
        correction is not None or not ResultPublicity.objects.filter(meeting=meeting).exists(),
        Conflict(
            Code.CORRECTION_REQUIRED,
            _(
                "This result is publicised: a new version corrects it. Start a correction with its "
                "reason first; generating the new version completes it."
            ),
        ),
    )
    return correction


def _complete(correction: ResultCorrection, result: Result, *, actor, now: dt.datetime) -> None:
    """The correction's new version is generated: the ballots are sealed again, the audit log and
    the supervising office are told (R-SEC-6)."""
    meeting = result.meeting
    correction.result, correction.completed_at = result, now
    correction.save(update_fields=["result", "completed_at"])
    seal.seal(meeting, version=result.number)
    record(
        actor=actor,
        action="result.correction_completed",
        obj=correction,
        estate_id=meeting.estate_id,
        summary={
            "meeting": meeting.pk,
            "corrects": correction.corrects.number,
            "number": result.number,
            "digest": result.digest,
            "reason": correction.reason,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        tell_supervisor(
            meeting,
            title=gettext("A corrected result"),
            body=gettext(
                "%(convener)s generated version %(n)s of the result of “%(title)s”, correcting the "
                "publicised version %(old)s: %(reason)s. It will be submitted to you for guidance."
            )
            % {
                "convener": meeting.convener.name,
                "n": result.number,
                "old": correction.corrects.number,
                "title": meeting.title,
                "reason": correction.reason,
            },
            event=f"result:{result.pk}:corrects",
        )


def generate_preconditions(
    meeting: Meeting, reason: str
) -> tuple[str, ResultCorrection | None, Result | None]:
    """What ``result_generate`` refuses (409 ``result.voting_not_closed``, ``result.count_open``,
    ``result.correction_required``; 422 ``result.reason_required``), checked again by the background
    job's request (``generation``) so that a refusal is immediate. Returns the reason (an open
    correction's by default), the correction the version completes, the version it supersedes."""
    require(
        meeting.status == S.CLOSED,
        Conflict(Code.VOTING_NOT_CLOSED, _("The result is generated after the voting has closed.")),
    )
    require(
        not CountSession.objects.filter(meeting=meeting, status=CountSession.Status.OPEN).exists(),
        Conflict(
            Code.COUNT_OPEN,
            _("A paper ballot count is still open: commit or finish it before generating the result."),
        ),
    )
    correction = _correction_to_complete(meeting)
    if correction is not None:
        reason = reason or correction.reason
    previous = current(meeting)
    require(
        previous is None or reason,
        InvalidInput(
            Code.REASON_REQUIRED,
            _("Say why the result is generated again (for example, which correction was made)."),
            details={"reason": "required"},
        ),
    )
    return reason, correction, previous


def _counted_state(meeting: Meeting, correction, previous) -> tuple:
    """What the content was built from: the ballots (append-only: their count and last id), the
    committed paper counts, the open correction and the current version."""
    ballots = Ballot.objects.filter(meeting=meeting).aggregate(n=Count("pk"), last=Max("pk"))
    counts = CountSession.objects.filter(meeting=meeting, status=CountSession.Status.COMMITTED).count()
    return (
        ballots["n"],
        ballots["last"],
        counts,
        correction.pk if correction else None,
        previous.pk if previous else None,
    )


def _plan(meeting: Meeting, reason: str, now: dt.datetime, progress=None) -> tuple:
    reason, correction, previous = generate_preconditions(meeting, reason)
    number = previous.number + 1 if previous else 1
    corrects = {"number": correction.corrects.number, "reason": correction.reason} if correction else None
    content, root = build_content(
        meeting, number=number, reason=reason, generated_at=now, corrects=corrects, progress=progress
    )
    return _counted_state(meeting, correction, previous), reason, correction, previous, content, root


def result_generate(*, actor, meeting_id: int, reason: str = "", progress=None) -> Result:
    """Freeze the meeting's result as a new version (R-RES-1). 409 ``result.voting_not_closed``
    before the close, ``result.count_open`` while a paper count is open,
    ``result.correction_required`` once publicised without an open correction (R-SEC-6); 422
    ``result.reason_required`` for a second version without a reason. With an open correction, the
    new version completes it and takes its reason unless given one.

    The content (the long part at 50,000 flats) is built before the meeting's row is locked, telling
    ``progress(done, total)`` (the background job, ``generation``) as it goes; under the lock the
    preconditions are checked again, the content is built again if a ballot or a count came in
    meanwhile, and the audit heads are read afresh."""
    asked = _clean(reason)
    now = timezone.now()
    meeting = access_result(actor, meeting_id, need=Need.MANAGE)
    state, *_ = planned = _plan(meeting, asked, now, progress)
    with transaction.atomic():
        meeting = access_result(actor, meeting_id, need=Need.MANAGE, lock=True)
        reason, correction, previous = generate_preconditions(meeting, asked)
        if _counted_state(meeting, correction, previous) != state:
            planned = _plan(meeting, asked, now)  # a ballot or a count came in meanwhile
        content, root = planned[-2:]
        content["audit_heads"] = anchoring.heads_now(meeting.estate_id)  # R-SEC-5: as found under the lock
        number = content["number"]
        corrects = content.get("corrects")
        if previous is not None:
            previous.superseded_at = now
            previous.save(update_fields=["superseded_at"])
        result = Result.objects.create(
            **summary_of(content["result"]),
            meeting=meeting,
            number=number,
            reason=reason,
            content=content,
            digest=digest_of(content),
            merkle_root=root,
            follow_majority=content["result"]["follow_majority"],
            resolved_on=previous.resolved_on if previous else today(),
            generated_by=actor,
            generated_at=now,
        )
        record(
            actor=actor,
            action="result.generated",
            obj=result,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "number": number,
                "digest": result.digest,
                "merkle_root": root,
                "reason": reason,
                "follow_majority": result.follow_majority,
                "flats_voted": content["result"]["flats_voted"],
                "services_digest": content["services_digest"],
                "corrects": corrects["number"] if corrects else None,
            },
        )
        if correction is not None:
            _complete(correction, result, actor=actor, now=now)
        elif previous is not None and previous.submitted_at:
            tell_supervisor(
                meeting,
                title=gettext("A new version of a result"),
                body=gettext("%(convener)s generated version %(n)s of the result of “%(title)s”: %(reason)s")
                % {"convener": meeting.convener.name, "n": number, "title": meeting.title, "reason": reason},
                event=f"result:{result.pk}:regenerated",
            )
        anchoring.keep_version_heads(result)
        enqueue_prerender(result)  # a large roll's per-flat PDF, rendered in the background
    return result


# --- submit and guidance (art. 25, R-RES-2) ----------------------------------------------------


def _console_link(meeting: Meeting) -> str:
    return reverse("results:console", args=[meeting.pk])


def tell_supervisor(meeting: Meeting, *, title: str, body: str, event: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=audiences.supervisor_users(meeting),
            kind="result.street_office",
            title=title,
            body=body,
            link=_console_link(meeting),
            estate=meeting.estate,
            event=event,
        )


def result_submit(
    *, actor, meeting_id: int, result_scan: Upload | None = None, flats_scan: Upload | None = None
) -> Result:
    """Submit the current version to the supervising office (art. 25) with the scans of the result
    table and the per-flat table, sealed and signed (R-RES-2): its guidance window of 3 days starts.
    409 ``result.already_submitted``; 422 ``result.scan_required``, ``result.scan_type``,
    ``file.too_large`` (``details`` names the field)."""
    with transaction.atomic():
        meeting = access_result(actor, meeting_id, need=Need.MANAGE, lock=True)
        result = _current_or_409(meeting)
        require(
            result.submitted_at is None,
            Conflict(Code.ALREADY_SUBMITTED, _("This version was already submitted to the street office.")),
        )
        uploads = {
            scans.RESULT: scans.checked(scans.RESULT, result_scan),
            scans.FLATS: scans.checked(scans.FLATS, flats_scan),
        }
        scans.attach(result, actor=actor, uploads=uploads)
        result.submitted_at = timezone.now()
        result.submitted_by = actor
        result.guidance_ends_on = guidance_until(today())
        result.save(
            update_fields=[
                "submitted_at",
                "submitted_by",
                "guidance_ends_on",
                "result_scan",
                "result_scan_sha256",
                "flats_scan",
                "flats_scan_sha256",
            ]
        )
        record(
            actor=actor,
            action="result.submitted",
            obj=result,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "number": result.number,
                "digest": result.digest,
                "result_scan_sha256": result.result_scan_sha256,
                "flats_scan_sha256": result.flats_scan_sha256,
                "guidance_ends_on": result.guidance_ends_on.isoformat(),
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            tell_supervisor(
                meeting,
                title=gettext("A result was submitted"),
                body=gettext(
                    "%(convener)s submitted the result of “%(title)s” (version %(n)s). "
                    "You may give guidance until %(date)s."
                )
                % {
                    "convener": meeting.convener.name,
                    "title": meeting.title,
                    "n": result.number,
                    "date": result.guidance_ends_on.isoformat(),
                },
                event=f"result:{result.pk}:submitted",
            )
    return result


def guidance_until(submitted_on: dt.date) -> dt.date:
    """The last day of the guidance window of a result submitted on ``submitted_on`` (R-MTG-8)."""
    return result_rules.guidance_until(meeting_selectors.calendar(), submitted_on)


def guidance_open(result: Result, on: dt.date | None = None) -> bool:
    on = on or today()
    return result.guidance_ends_on is not None and on <= result.guidance_ends_on


def guidance_give(*, actor, meeting_id: int, text: str) -> ResultGuidance:
    """The street office's guidance opinion on the submitted result, within 3 days (art. 25).
    403 ``result.guidance_forbidden``, 409 ``result.not_submitted`` / ``result.guidance_closed``."""
    text = _clean(text)
    with transaction.atomic():
        meeting = access_result(actor, meeting_id, need=Need.GUIDE, lock=True)
        result = _current_or_409(meeting)
        require(
            result.submitted_at is not None,
            Conflict(Code.NOT_SUBMITTED, _("The convener has not submitted this result yet.")),
        )
        require(
            guidance_open(result),
            Conflict(
                Code.GUIDANCE_CLOSED,
                _("The guidance window ended on %(date)s (3 days after the submission, art. 25).")
                % {"date": result.guidance_ends_on.isoformat()},
                details={"guidance_ends_on": result.guidance_ends_on.isoformat()},
            ),
        )
        require(text, InvalidInput(Code.GUIDANCE_REQUIRED, _("Write the guidance opinion.")))
        organisation = meeting_permissions.supervising_organisation(actor, meeting)
        guidance = ResultGuidance.objects.create(
            result=result,
            organisation=organisation,
            author=actor,
            author_real_name=actor.display_name(),
            text=text,
        )
        record(
            actor=actor,
            action="result.guidance_given",
            obj=guidance,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "number": result.number,
                "organisation": organisation.pk,
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "after_publicity": ResultPublicity.objects.filter(result=result).exists(),
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                users=audiences.convener_members(meeting),
                kind="result.guidance",
                title=gettext("Guidance on the result from %(office)s") % {"office": organisation.name},
                body=gettext("%(office)s gave a guidance opinion on the result of “%(title)s”:\n%(text)s")
                % {"office": organisation.name, "title": meeting.title, "text": text},
                link=_console_link(meeting),
                estate=meeting.estate,
                event=f"result:{result.pk}:guidance:{guidance.pk}",
            )
    return guidance


# --- publicity (art. 26, 29; R-RES-3) -----------------------------------------------------------


def publicity_due_by(result: Result) -> dt.date:
    """The last day the publicity may start on without a reason: 3 days after the resolution,
    counted as the Civil Code counts periods (R-MTG-8)."""
    return result_rules.publicity_due_by(meeting_selectors.calendar(), result.resolved_on)


def publicise_from(result: Result) -> dt.date | None:
    """The first day the convener may publicise the submitted ``result`` without guidance (R-RES-3):
    None before the submission."""
    if result.guidance_ends_on is None:
        return None
    return result_rules.may_publicise_from(result.guidance_ends_on, publicity_due_by(result))


def may_publicise(result: Result, *, guided: bool, on: dt.date | None = None) -> bool:
    """Whether the convener may publicise the submitted ``result`` on ``on`` (today): after the
    guidance, or from ``publicise_from`` without it (R-RES-3)."""
    if result.guidance_ends_on is None:
        return False
    return result_rules.may_publicise(
        today=on or today(),
        guided=guided,
        guidance_ends_on=result.guidance_ends_on,
        due_by=publicity_due_by(result),
    )


PUBLICITY_PROBLEMS = {
    publicity_rules.STARTS_IN_PAST: _("The publicity cannot start in the past."),
    publicity_rules.ENDS_BEFORE_START: _("The publicity must end after it starts."),
    publicity_rules.TOO_SHORT: _("The publicity must last at least 10 days (art. 26, 29)."),
}


def result_publicise(
    *, actor, meeting_id: int, starts_on: dt.date, ends_on: dt.date, late_reason: str = ""
) -> ResultPublicity:
    """Publicise the current, submitted version (R-RES-3). 409 ``result.not_submitted``,
    ``result.guidance_pending`` (the street office may still give guidance and has not),
    ``result.already_publicised``; 422 ``result.publicity_invalid`` with the problems,
    ``result.late_reason_required`` when it starts more than 3 days after the resolution."""
    late_reason = _clean(late_reason)
    with transaction.atomic():
        meeting = access_result(actor, meeting_id, need=Need.MANAGE, lock=True)
        result = _current_or_409(meeting)
        require(
            result.submitted_at is not None,
            Conflict(
                Code.NOT_SUBMITTED,
                _("Submit the result to the street office first; it may give guidance within 3 days."),
            ),
        )
        require(
            not ResultPublicity.objects.filter(result=result).exists(),
            Conflict(Code.ALREADY_PUBLICISED, _("This version of the result is already publicised.")),
        )
        guided = ResultGuidance.objects.filter(result=result).exists()
        start = publicise_from(result)
        require(
            may_publicise(result, guided=guided),
            Conflict(
                Code.GUIDANCE_PENDING,
                _(
                    "The street office may give guidance until %(until)s: publicise after its "
                    "guidance, or from %(date)s without it (art. 25, 26)."
                )
                % {"until": result.guidance_ends_on.isoformat(), "date": start.isoformat()},
                details={
                    "guidance_ends_on": result.guidance_ends_on.isoformat(),
                    "publicise_from": start.isoformat(),
                },
            ),
        )
        problems = publicity_rules.publicity_problems(starts_on, ends_on, today())
        require(
            not problems,
            InvalidInput(
                Code.PUBLICITY_INVALID,
                " ".join(str(PUBLICITY_PROBLEMS[p]) for p in problems),
                details={"problems": problems},
            ),
        )
        due = publicity_due_by(result)
        if not late_reason:  # R-SEC-6: a correction's publicity is late for the correction's reason
            with translation.override(settings.LANGUAGE_CODE):
                late_reason = correction_line(result.content)
        require(
            starts_on <= due or late_reason,
            InvalidInput(
                Code.LATE_REASON_REQUIRED,
                _(
                    "The publicity should start by %(date)s (3 days after the resolution, art. 26): "
                    "say why it starts later."
                )
                % {"date": due.isoformat()},
                details={"late_reason": "required", "due_by": due.isoformat()},
            ),
        )
        publicity = ResultPublicity.objects.create(
            meeting=meeting,
            result=result,
            starts_on=starts_on,
            ends_on=ends_on,
            late_reason=late_reason if starts_on > due else "",
            published_by=actor,
        )
        seal.seal(meeting, version=result.number)  # R-SEC-6: its ballots can no longer change
        record(
            actor=actor,
            action="result.publicised",
            obj=publicity,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "number": result.number,
                "digest": result.digest,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "late": starts_on > due,
                "guided": guided,
            },
        )
        announce.tell_owners(
            meeting,
            result,
            not_before=meeting_selectors.day_start(starts_on) if starts_on > today() else None,
        )
    return publicity


# --- closing the voting from the result page, and the receipts of the public page ---------------


def voting_close(*, actor, meeting_id: int) -> Meeting:
    """The convener closes the voting once its period has passed, when the system has not yet
    (``voting.services.progress.voting_close``: 409 ``meeting.voting_not_over`` before the close,
    ``meeting.wrong_status`` unless voting). Anybody else who sees the console: 403."""
    meeting = access_result(actor, meeting_id, need=Need.MANAGE)
    return close_the_voting(meeting_id=meeting.pk)


def can_close_now(meeting: Meeting) -> bool:
    return meeting.status == S.VOTING and timezone.now() >= meeting.voting_closes_at


RECEIPTS_PAGE = 500
RECEIPT_NOT_FOUND = _("No ballot of this meeting has this receipt code.")


def counted_receipts(meeting: Meeting) -> QuerySet:
    """The electronic submissions of the meeting whose ballots are counted, by ballot hash (an
    order that says nothing about who voted when)."""
    return (
        Submission.objects.filter(meeting=meeting, ballots__superseded=False)
        .distinct()
        .order_by("digest", "id")
    )


def receipt_for(meeting: Meeting, code: str) -> dict | None:
    """The receipt ``code`` (any spelling) of this meeting: ``{"submission", "counted", "page"}``
    with the page of ``counted_receipts`` that lists its hash; None when the meeting has no such
    receipt. Never how it voted."""
    wanted = normalise_code(code)
    if not wanted:
        return None
    submission = Submission.objects.filter(meeting=meeting, code=wanted).first()
    if submission is None:
        return None
    counted = submission.ballots.filter(superseded=False).exists()
    before = counted_receipts(meeting).filter(digest__lt=submission.digest).count() if counted else 0
    return {"submission": submission, "counted": counted, "page": before // RECEIPTS_PAGE + 1}
