"""What the benchmarks share once Django is set up: an estate with its convener and an imported,
confirmed roster, and a meeting of yes/no items whose voting is open, both through the real
services. (The environment, the fresh database and gunicorn are in ``cast.py``.)"""

from __future__ import annotations

import datetime as dt
import time


def estate_with_roster(flats: int, *, prefix: str, code: str):
    """A division tree (codes ``{code}4403``...), an estate named ``{prefix}小区`` and its owners'
    committee with one admin (the convener), and a roster of ``flats`` flats through the real
    import (``import_roster.build_xlsx``), its totals confirmed. Returns (estate, convener)."""
    from import_roster import build_xlsx

    from ownervote.core.files import Upload
    from ownervote.orgs.models import Association, Division, Membership, Organisation, User
    from ownervote.roster import services as roster
    from ownervote.roster.models import Estate

    parent = None
    for suffix, kind, name in (
        ("4403", "city", "市"),
        ("440304", "district", "区"),
        ("440304001", "street", "街道"),
        ("440304001001", "community", "社区"),
    ):
        parent, _ = Division.objects.get_or_create(
            code=f"{code}{suffix}", defaults={"kind": kind, "name": f"{prefix}{name}", "parent": parent}
        )
    estate = Estate.objects.create(name=f"{prefix}小区", street=parent.parent, community=parent)
    convener = User.objects.create_user(username=f"{prefix}-convener", real_name=f"{prefix}召集人")
    org = Organisation.objects.create(kind="owners_committee", name=f"{prefix}业委会")
    Membership.objects.create(user=convener, organisation=org, role="admin")
    Association.objects.create(organisation=org, estate=estate, status="approved", applied_by=convener)
    batch = roster.import_preview(
        actor=convener, estate_id=estate.pk, upload=Upload("bench.xlsx", build_xlsx(flats))
    )
    assert batch.status == "previewed", batch.errors[:3]
    roster.import_apply(actor=convener, batch_id=batch.pk, reason="benchmark")
    roster.totals_confirm(actor=convener, estate_id=estate.pk, reason="benchmark")
    return estate, convener


def ensure_calendar() -> None:
    """The statutory holidays of this year and the next two, as the city operator loads them: the
    shipped table where it has the year, else a plain year whose only holiday is New Year's Day (a
    meeting 25 days ahead in December falls in a year the table may not have yet, R-MTG-4)."""
    from django.utils import timezone

    from ownervote.meetings.models import CalendarYear
    from ownervote.rules.calendar import SHIPPED

    this = timezone.localdate().year
    missing = [y for y in range(this, this + 3) if y not in SHIPPED]
    known = set(CalendarYear.objects.filter(year__in=missing).values_list("year", flat=True))
    CalendarYear.objects.bulk_create(
        CalendarYear(year=y, holidays=[f"{y}-01-01"], workdays=[], source="基准测试用日历")
        for y in missing
        if y not in known
    )


def open_meeting(
    convener,
    estate_id: int,
    *,
    title: str,
    items_n: int,
    method: str,
    opened: dt.timedelta = dt.timedelta(hours=1),
    closes: dt.timedelta = dt.timedelta(days=1),
):
    """A meeting of ``items_n`` yes/no items set up, submitted and published through the meeting
    services, its voting window moved to [now - ``opened``, now + ``closes``) and its voting opened
    (``voting_open`` freezes the roll and the counters). Returns (meeting, seconds voting_open took)."""
    from django.utils import timezone

    from ownervote.meetings import services as meetings
    from ownervote.meetings.models import Meeting
    from ownervote.voting.services.opening import voting_open

    ensure_calendar()
    day = timezone.localdate() + dt.timedelta(days=25)
    starts = dt.datetime.combine(day, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    meeting = meetings.meeting_create(
        actor=convener,
        estate_id=estate_id,
        kind="regular",
        title=title,
        place="会所",
        method=method,
        starts_at=starts,
        voting_opens_at=starts,
        voting_closes_at=starts + dt.timedelta(hours=9),
        topics=[
            {
                "title": "议题",
                "items": [
                    {"title": f"事项{i + 1}", "kind": "question", "category": 9} for i in range(items_n)
                ],
            }
        ],
    )
    meetings.meeting_submit(actor=convener, meeting_id=meeting.pk)
    # The street office's 5-day guidance window (R-MTG-2, R-MTG-8) has run out without guidance:
    # the meeting may be publicised today (a benchmark does not wait five days).
    Meeting.objects.filter(pk=meeting.pk).update(guidance_ends_on=timezone.localdate() - dt.timedelta(days=1))
    meetings.meeting_publish(actor=convener, meeting_id=meeting.pk)
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - opened, voting_opens_at=now - opened, voting_closes_at=now + closes
    )
    t0 = time.perf_counter()
    voting_open(meeting_id=meeting.pk)
    return Meeting.objects.get(pk=meeting.pk), time.perf_counter() - t0
