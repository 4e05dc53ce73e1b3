"""Opening the voting of a publicised meeting (art. 13, 18; R-BIND-2, R-VOTE-4), by itself at
``voting_opens_at``: the ownership re-check ends every binding whose flat changed owner, then who
may vote how is frozen (one ``Eligibility`` row per active binding, paper only for a flat bound or
a person verified on or after the first day of the meeting's publicity), the roll and the progress
counters are frozen (``roll.freeze``), the close is queued, and each eligible person is told how
they vote.

Meetings does not import voting: it sends ``meetings.signals``, and ``VotingConfig.ready()``
connects the receivers below, which queue the opening (``open_voting``, defined here beside the
service it runs) when a meeting is publicised, and again when a change moves its time.

Voting opens only on the estate's confirmed totals as the roster still has them (art. 7, 25,
R-ROSTER-1): otherwise the opening is held (``_hold``: recorded on the meeting, the convener and the
supervising office told), and the convener's confirmation of the totals queues it again
(``on_totals_confirmed`` on ``roster.signals.totals_confirmed``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend

from ownervote.audit.services import record
from ownervote.bindings.models import Binding
from ownervote.bindings.services import end_for_ownership_changes
from ownervote.core import jobs
from ownervote.core.access import fetch
from ownervote.core.articles import cite
from ownervote.core.errors import Conflict, require
from ownervote.meetings import access as meeting_access
from ownervote.meetings import audiences as meeting_audiences
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.errors import Code as MeetingCode
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.meetings.selectors import local_minute
from ownervote.notify import sms_titles
from ownervote.notify.services import notify, short_title
from ownervote.roster.services.totals import TotalsCheck, totals_check

from ..tasks import enqueue_close
from .roll import freeze as freeze_roll

log = logging.getLogger(__name__)

S = Meeting.Status
SYSTEM = "system"  # the audit log's actor for what the system does by itself
INVITE = meeting_selectors.INVITE_JOB  # the background job telling each eligible person (core.jobs)
INVITE_BATCH = 200


def eligibility_rows(bindings: Iterable[Binding], since: dt.datetime, meeting: Meeting) -> list[Eligibility]:
    """Art. 18: a flat bound, or a person verified, on or after the first day of the publicity
    votes on paper only in this meeting."""
    rows = []
    for b in bindings:
        identity = getattr(b.user, "verified_identity", None)
        verified_at = [
            t for t in (b.verification.finished_at, identity.verified_at if identity else None) if t
        ]
        if b.bound_at >= since:
            mode, reason = Eligibility.Mode.PAPER_ONLY, Eligibility.Reason.BOUND_DURING_PUBLICITY
        elif any(t >= since for t in verified_at):
            mode, reason = Eligibility.Mode.PAPER_ONLY, Eligibility.Reason.VERIFIED_DURING_PUBLICITY
        else:
            mode, reason = Eligibility.Mode.ELECTRONIC, Eligibility.Reason.NONE
        rows.append(
            Eligibility(meeting=meeting, binding=b, flat=b.flat, user=b.user, mode=mode, reason=reason)
        )
    return rows


def voting_open(*, meeting_id: int) -> Meeting:
    """The system opens the voting at ``voting_opens_at`` (art. 13): the ownership re-check ends
    every binding whose flat changed owner (R-BIND-2), then who may vote how is frozen (R-VOTE-4,
    art. 18): one ``Eligibility`` row per active binding, paper only for a flat bound or a person
    verified on or after the first day of the meeting's publicity. Calling it again does nothing."""
    with transaction.atomic():
        meeting = fetch(Meeting.objects.all(), meeting_id, lock=True)
        require(meeting is not None, meeting_access.missing())
        if meeting.status in (S.VOTING, S.CLOSED):
            return meeting
        require(
            S.VOTING in Meeting.TRANSITIONS[S(meeting.status)],
            Conflict(MeetingCode.WRONG_STATUS, _("Only a publicised meeting opens its voting.")),
        )
        require(
            timezone.now() >= meeting.voting_opens_at,
            Conflict(
                MeetingCode.VOTING_NOT_YET,
                _("Voting opens at %(when)s.") % {"when": local_minute(meeting.voting_opens_at)},
            ),
        )
        meeting = Meeting.objects.select_related("estate", "convener").get(pk=meeting.pk)
        estate = meeting.estate
        # The totals confirmed under the parking setting frozen at publicity (R-ROSTER-5, issue 24).
        totals = totals_check(estate, parking_counts=meeting.counting_settings()[1])
        if not totals.confirmed or totals.stale:
            _hold(meeting, totals)  # R-ROSTER-1: the convener confirms again, then it opens
            return meeting
        ended = end_for_ownership_changes(
            estate=estate,
            actor=SYSTEM,
            note=gettext("Ownership re-check when the voting of “%(title)s” opened (art. 13).")
            % {"title": meeting.title},
        )
        first = meeting_selectors.first_publicity(meeting)
        since = meeting_selectors.day_start(first.starts_on if first else meeting_selectors.held_on(meeting))
        bindings = (
            Binding.objects.filter(estate=estate, status=Binding.Status.ACTIVE)
            .select_related("flat", "flat__building", "user", "user__verified_identity", "verification")
            .order_by("pk")
        )
        rows = eligibility_rows(bindings, since, meeting)
        Eligibility.objects.bulk_create(rows)
        roll_summary = freeze_roll(meeting)
        enqueue_close(meeting)  # the close at voting_closes_at (voting.tasks.close_voting)
        meeting.status = S.VOTING
        meeting.voting_opened_at = timezone.now()
        meeting.opening_refused_at = None
        meeting.opening_refusal = {}
        meeting.save(
            update_fields=[
                "status",
                "voting_opened_at",
                "opening_refused_at",
                "opening_refusal",
                "updated_at",
            ]
        )
        paper = [r for r in rows if r.mode == Eligibility.Mode.PAPER_ONLY]
        record(
            actor=SYSTEM,
            action="meeting.voting_opened",
            obj=meeting,
            estate_id=estate.pk,
            summary={
                "bindings_ended": len(ended),
                "electronic": len(rows) - len(paper),
                "paper_only": len(paper),
                "bound_during_publicity": sum(
                    r.reason == Eligibility.Reason.BOUND_DURING_PUBLICITY for r in paper
                ),
                "verified_during_publicity": sum(
                    r.reason == Eligibility.Reason.VERIFIED_DURING_PUBLICITY for r in paper
                ),
                "publicity_began": since.isoformat(),
                **roll_summary,
            },
        )
        # Each eligible person is told by the worker, in batches with the job's progress (about 20 s
        # at 8,000 flats): the job and its task commit with the opening, so nobody is left untold.
        jobs.start(kind=INVITE, target=meeting, actor=None, task=tell_voters)
    return meeting


def _hold(meeting: Meeting, totals: TotalsCheck) -> None:
    """Voting does not open on totals that are missing or no longer match the roster (art. 7, 25,
    R-ROSTER-1): the meeting stays publicised with the refusal on it (its page shows what changed
    and how to confirm again), the audit log records it, and the convener and the supervising
    office (the street office; the district bureau where the street office convenes) are told. The
    same refusal again (a retried task) changes nothing; confirming the totals queues the opening
    again (``on_totals_confirmed``)."""
    refusal = {
        "code": str(MeetingCode.TOTALS_STALE if totals.confirmed else MeetingCode.TOTALS_UNCONFIRMED),
        **totals.as_dict(),
        "totals_url": reverse("roster:totals", args=[meeting.estate_id]),
    }
    if meeting.opening_refused_at is not None and meeting.opening_refusal == refusal:
        return
    meeting.opening_refused_at = timezone.now()
    meeting.opening_refusal = refusal
    meeting.save(update_fields=["opening_refused_at", "opening_refusal", "updated_at"])
    record(
        actor=SYSTEM,
        action="meeting.voting_held",
        obj=meeting,
        estate_id=meeting.estate_id,
        summary=refusal,
    )
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "title": meeting.title,
            "estate": meeting.estate.name,
            "when": local_minute(meeting.voting_opens_at),
            "url": refusal["totals_url"],
        }
        if totals.confirmed:
            confirmed, now = refusal["confirmed"], refusal["now"]
            why = gettext(
                "the totals confirmed on %(on)s no longer match the roster: confirmed %(cf)s flats, %(co)s "
                "owners, %(ca)s m²; the roster now %(nf)s flats, %(no)s owners, %(na)s m² (%(changed)s flats "
                "added, removed or changed)"
            ) % {
                "on": local_minute(totals.snapshot.confirmed_at),
                "cf": confirmed["flats"],
                "co": confirmed["owners"],
                "ca": confirmed["area"],
                "nf": now["flats"],
                "no": now["owners"],
                "na": now["area"],
                "changed": totals.flats_changed,
            }
        else:
            why = gettext("the estate's total owners and total voting rights were never confirmed")
        body = gettext(
            "%(article)s: voting on “%(title)s” of %(estate)s did not open at %(when)s, because "
            "%(why)s. The convener checks the roster and confirms the totals again (roster, Totals, "
            "“Confirm the totals”: %(url)s); voting then opens by itself."
        ) % {**params, "why": why, "article": cite("R-ROSTER-1", "R-RES-1")}
        common = {
            "kind": "meeting.voting_held",
            "title": gettext("Voting did not open: %(title)s") % params,
            "body": body,
            "link": reverse("meetings:detail", args=[meeting.pk]),
            "estate": meeting.estate,
        }
        event = f"meeting:{meeting.pk}:voting_held:{meeting.opening_refused_at.isoformat()}"
        notify(users=meeting_audiences.convener_members(meeting), event=f"{event}:convener", **common)
        notify(users=meeting_audiences.supervisor_users(meeting), event=f"{event}:supervisor", **common)


def _tell_voters(meeting: Meeting, rows: list[Eligibility], report: jobs.Progress, *, skip: int = 0) -> None:
    """Each eligible person once: how they may vote. Those with every flat electronic share one
    message (one outbox write for the whole estate); each person with a paper-only flat gets their
    own, naming the flat and why (art. 18). Sent in batches of ``INVITE_BATCH`` people, each its
    own transaction, ``report(told, people)`` after each (the shared message tells all its people at
    once). ``skip``: the people a failed run already told (its ``job.done``): a retry resumes after
    them, in the same order; and the outbox sends each (event, person) once, so a batch sent again
    (its report lost with the worker) adds nothing."""
    by_user: dict[int, list[Eligibility]] = defaultdict(list)
    for row in rows:
        by_user[row.user_id].append(row)
    electronic = [
        r[0].user for r in by_user.values() if all(x.mode == Eligibility.Mode.ELECTRONIC for x in r)
    ]
    paper = [r for r in by_user.values() if any(x.mode == Eligibility.Mode.PAPER_ONLY for x in r)]
    people = len(by_user)
    title = gettext("Voting is open: %(title)s") % {"title": meeting.title}
    opening = gettext("Voting on “%(title)s” is open until %(closes)s.") % {
        "title": meeting.title,
        "closes": local_minute(meeting.voting_closes_at),
    }
    common = {
        "kind": "meeting.voting_open",
        "title": title,
        "link": reverse("meetings:notice", args=[meeting.pk]),
        "estate": meeting.estate,
        "sms": True,
        "sms_title": short_title(sms_titles.VOTING_OPEN, meeting=meeting.title, estate=meeting.estate.name),
        "event": f"meeting:{meeting.pk}:voting_open",
    }
    if meeting.method == Meeting.Method.PAPER:
        # A meeting held wholly on paper (art. 11): nobody votes on the phone.
        if skip < people:
            with transaction.atomic():
                notify(
                    users=[r[0].user for r in by_user.values()],
                    body=opening + "\n" + gettext("This meeting votes on paper ballots only."),
                    **common,
                )
        report(people, people)
        return
    if skip < len(electronic):
        with transaction.atomic():
            notify(
                users=electronic,
                body=opening + "\n" + gettext("You may vote electronically or on paper."),
                **common,
            )
    told = len(electronic)
    report(told, people)
    first = max(0, skip - told)  # the paper-only people a failed run told already
    for start in range(first, len(paper), INVITE_BATCH):
        batch = paper[start : start + INVITE_BATCH]
        with transaction.atomic():
            for user_rows in batch:
                notify(
                    users=[user_rows[0].user], body=opening + "\n" + "\n".join(_lines(user_rows)), **common
                )
        report(told + start + len(batch), people)


def _lines(user_rows: list[Eligibility]) -> list[str]:
    lines = []
    for row in user_rows:
        flat = f"{row.flat.building.name}-{row.flat.room}"
        if row.mode == Eligibility.Mode.PAPER_ONLY:
            lines.append(
                gettext("%(flat)s: paper ballot only, because %(reason)s")
                % {"flat": flat, "reason": Eligibility.Reason(row.reason).label}
            )
        else:
            lines.append(gettext("%(flat)s: electronic or paper ballot") % {"flat": flat})
    return lines


def _invite(job, report: jobs.Progress) -> dict:
    meeting = Meeting.objects.select_related("estate").get(pk=job.target_id)
    rows = list(
        Eligibility.objects.filter(meeting=meeting)
        .select_related("user", "flat", "flat__building")
        .order_by("user_id", "pk")
    )
    people = len({r.user_id for r in rows})
    report(min(job.done, people), people)  # a retried job keeps how many it told (job.done)
    _tell_voters(meeting, rows, report, skip=job.done)
    return {"people": people, "url": reverse("meetings:detail", args=[meeting.pk])}


@task()
def tell_voters(*, job_id: int) -> str:
    """The opening's invitations (``_tell_voters``), queued by ``voting_open`` with its job
    (kind ``voting.invite``), and again by ``invitations.invitation_retry`` once it failed (it then
    resumes after the people told); harmless when run twice."""
    return jobs.run(job_id, _invite)


# --- the task, and when it is queued ----------------------------------------------------------


@task()
def open_voting(*, meeting_id: int, opens_at: str) -> str:
    """Open the voting of a publicised meeting (``voting_open``: R-BIND-2, R-VOTE-4). Enqueued on
    publication with ``run_after`` = the meeting's ``voting_opens_at``, and again by a change that
    moves it; ``opens_at`` is the time it was enqueued for. Harmless when that time has moved (the
    newer task opens it), when the meeting was cancelled or already opened, or when it runs early.
    Returns what it did."""
    meeting = Meeting.objects.filter(pk=meeting_id).only("status", "voting_opens_at").first()
    if meeting is None or meeting.status != S.PUBLISHED:
        return "not_publicised"
    if meeting.voting_opens_at != dt.datetime.fromisoformat(opens_at):
        return "moved"
    if timezone.now() < meeting.voting_opens_at:
        return "early"
    if voting_open(meeting_id=meeting_id).status != S.VOTING:
        log.warning("voting of meeting %s held: the estate's totals must be confirmed again", meeting_id)
        return "held"
    log.info("voting of meeting %s opened", meeting_id)
    return "opened"


def enqueue_opening(meeting: Meeting) -> None:
    """The opening of the voting at ``voting_opens_at``. With the database queue the task row is
    written in the caller's transaction, so it exists exactly when the publication commits; another
    task backend gets it after the commit. It does nothing when the time has moved since (a newer
    task carries the new time)."""
    job = open_voting.using(run_after=meeting.voting_opens_at)
    kwargs = {"meeting_id": meeting.pk, "opens_at": meeting.voting_opens_at.isoformat()}
    if isinstance(task_backends[open_voting.backend], DatabaseBackend):
        job.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: job.enqueue(**kwargs))


def on_meeting_published(sender, *, meeting: Meeting, **kwargs) -> None:
    """``meetings.signals.meeting_published``: queue the opening."""
    enqueue_opening(meeting)


def on_totals_confirmed(sender, *, estate, **kwargs) -> None:
    """``roster.signals.totals_confirmed``: a meeting of the estate whose voting was held back for
    want of current totals (R-ROSTER-1) has its opening queued again, to run at once (its time has
    come). Re-trying here, rather than waiting for a button, because confirming the totals is what
    cures the refusal and the opening is the system's act (art. 13): nobody must remember a second
    step while the voting period runs."""
    for meeting in Meeting.objects.filter(
        estate=estate, status=S.PUBLISHED, opening_refused_at__isnull=False
    ).order_by("pk"):
        enqueue_opening(meeting)


def on_meeting_changed(
    sender, *, meeting: Meeting, publicity, voting_opens_at_was: dt.datetime, **kwargs
) -> None:
    """``meetings.signals.meeting_changed``: a change publicised again that moves the opening queues
    it at the new time (the task queued for the old time then does nothing). A cancelled meeting
    needs nothing: its queued opening finds it not publicised."""
    if publicity is not None and meeting.voting_opens_at != voting_opens_at_was:
        enqueue_opening(meeting)
