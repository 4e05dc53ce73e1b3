"""Helpers for the progress tests: writing ballots straight through ``answers.write`` and
``progress.add_ballots`` (as the cast and the paper count do), and recounting from the ballots."""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from ownervote.meetings.models import Item, Meeting
from ownervote.voting.models import Ballot, Channel, CountSession, Progress, RollFlat, Submission
from ownervote.voting.services import answers, progress

_codes = itertools.count(1)


def clean_yes(meeting: Meeting) -> answers.CleanBallot:
    items = answers.meeting_items(meeting)
    question = next(i for i in items if i.kind == Item.Kind.QUESTION)
    return answers.clean(items, {str(question.pk): "yes"})


def cast(meeting: Meeting, roll: list[RollFlat], *, channel: str = Channel.ELECTRONIC, user=None, by=None):
    """Write counted ballots for ``roll`` (one submission or one count session) and add them to the
    counters. ``user`` casts electronic ballots; ``by`` opens the paper count session."""
    now = timezone.now()
    if channel == Channel.ELECTRONIC:
        n = next(_codes)
        sub = Submission.objects.create(
            meeting=meeting, code=f"T{n:010d}", salt="s", digest="0" * 64, user=user, cast_at=now
        )
        fields = {"submission": sub, "cast_by": user}
    else:
        session = CountSession.objects.filter(meeting=meeting, status=CountSession.Status.OPEN).first()
        if session is None:
            session = CountSession.objects.create(
                meeting=meeting, caller="甲", counter="乙", scrutineer="丙", opened_by=by or user
            )
        fields = {"count_session": session, "dated_on": timezone.localdate()}
    ballots = answers.write(
        meeting=meeting, roll=roll, ballot=clean_yes(meeting), channel=channel, cast_at=now, **fields
    )
    progress.add_ballots(meeting=meeting, ballots=ballots)
    return ballots


def recount(meeting: Meeting) -> dict:
    """The counters as a full recount of the counted ballots gives them: ``{building_id or None:
    (flats, area, owners, electronic, paper)}``."""
    building_of = dict(RollFlat.objects.filter(meeting=meeting).values_list("flat_id", "building_id"))
    acc = defaultdict(lambda: [0, Decimal("0.00"), set(), 0, 0])
    for flat_id, area, group, channel in Ballot.objects.filter(meeting=meeting, superseded=False).values_list(
        "flat_id", "area", "owner_group", "channel"
    ):
        for key in (None, building_of[flat_id]):
            a = acc[key]
            a[0] += 1
            a[1] += area
            a[2].add(group)
            a[3 if channel == Channel.ELECTRONIC else 4] += 1
    out = {k: (a[0], a[1], len(a[2]), a[3], a[4]) for k, a in acc.items()}
    for p in Progress.objects.filter(meeting=meeting):
        out.setdefault(p.building_id, (0, Decimal("0.00"), 0, 0, 0))
    return out


def counters(meeting: Meeting) -> dict:
    """The counters with their slots added (``progress.counted``), by building (None: the meeting)."""
    out = {}
    for building_id in Progress.objects.filter(meeting=meeting).values_list("building_id", flat=True):
        c = progress.counted(meeting.pk, building_id)
        out[building_id] = (c.flats_voted, c.area_voted, c.owners_voted, c.electronic, c.paper)
    return out
