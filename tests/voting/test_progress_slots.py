"""The progress counters in slots (issue 21; R-VOTE-2): whatever slot each cast lands on, in
whatever order, and whether the slot row existed before or not, the figures (``Progress`` row plus
its slots) equal a recount of the counted ballots."""

from __future__ import annotations

import importlib
import random
from decimal import Decimal
from unittest import mock

import pytest
from django.apps import apps
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.audit.models import AuditEvent
from ownervote.core import prepared
from ownervote.notify.models import Notification
from ownervote.voting.models import Ballot, Channel, Progress, ProgressSlot, RollFlat, Submission
from ownervote.voting.services import progress
from ownervote.voting.services.cast import ballot_cast

from .progress_fixtures import cast, counters, recount

pytestmark = pytest.mark.django_db


def test_voting_open_writes_the_slots_of_every_counter(voting_world):  # R-VOTE-2
    meeting = voting_world["meeting"]
    rows = Progress.objects.filter(meeting=meeting).count()
    assert rows >= 2  # the meeting and its buildings
    assert ProgressSlot.objects.filter(meeting=meeting).count() == rows * ProgressSlot.SLOTS


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_casts_over_any_slots_sum_to_the_ballots_cast(voting_world, data):  # R-VOTE-2
    meeting = voting_world["meeting"]
    with transaction.atomic():
        roll = list(RollFlat.objects.filter(meeting=meeting).order_by("flat_id"))
        groups = data.draw(st.lists(st.integers(0, 3), min_size=len(roll), max_size=len(roll)))
        for r, g in zip(roll, groups, strict=True):
            r.owner_group = f"g{g}"
        RollFlat.objects.bulk_update(roll, ["owner_group"])
        # Some slot rows missing (counters a bulk load wrote before the slots): created on first use.
        slots = list(ProgressSlot.objects.filter(meeting=meeting).values_list("pk", flat=True))
        gone = data.draw(st.lists(st.sampled_from(slots), unique=True, max_size=len(slots)))
        ProgressSlot.objects.filter(pk__in=gone).delete()
        order = data.draw(st.permutations(roll))
        cut = data.draw(st.integers(0, len(order)))
        voting = order[:cut]
        rnd = random.Random(data.draw(st.integers(0, 10_000)))
        while voting:
            size = rnd.randint(1, min(3, len(voting)))
            batch, voting = voting[:size], voting[size:]
            slot = data.draw(st.integers(0, ProgressSlot.SLOTS - 1))
            channel = rnd.choice([Channel.ELECTRONIC, Channel.PAPER])
            with mock.patch.object(progress, "slot_of", lambda _ballots, slot=slot: slot):
                cast(meeting, batch, channel=channel, user=voting_world["zhang"], by=voting_world["convener"])
        assert counters(meeting) == recount(meeting)
        f = progress.figures(meeting)
        assert f["flats_voted"] == cut == sum(b["flats_voted"] for b in f["buildings"])
        assert f["owners_voted"] == len({r.owner_group for r in order[:cut]})
        assert f["area_voted"] == sum((r.area for r in order[:cut]), Decimal("0.00"))
        assert progress.counted(meeting.pk).flats_voted == cut
        assert (
            ProgressSlot.objects.filter(meeting=meeting, building__isnull=True).count() <= ProgressSlot.SLOTS
        )
        transaction.set_rollback(True)


def test_the_area_voted_is_shown_to_the_roll_s_step(voting_world):  # R-VOTE-2
    """Areas whose sum a float cannot hold exactly (348.99 + 89.53): SQLite sums the slots as
    floats, and the owner's receipt page showed "438.520000000000 平方米". The sum is the roll's,
    to the square centimetre, on every database."""
    meeting = voting_world["meeting"]
    roll = list(RollFlat.objects.filter(meeting=meeting).order_by("flat_id")[:2])
    for r, area in zip(roll, ("348.99", "89.53"), strict=True):
        r.area = Decimal(area)
        r.save(update_fields=["area"])
    for slot, r in enumerate(roll):  # two slot rows, so that the read adds them
        with mock.patch.object(progress, "slot_of", lambda _ballots, slot=slot: slot):
            cast(meeting, [r], user=voting_world["zhang"])
    f = progress.figures(meeting)
    assert str(progress.counted(meeting.pk).area_voted) == "438.52"
    assert str(f["area_voted"]) == "438.52"
    assert sum(b["area_voted"] for b in f["buildings"]) == Decimal("438.52")
    assert all(b["area_voted"].as_tuple().exponent == -2 for b in f["buildings"])


def test_figures_a_bulk_load_left_on_the_counter_row_are_added(voting_world):  # R-VOTE-2
    meeting = voting_world["meeting"]
    Progress.objects.filter(meeting=meeting, building__isnull=True).update(flats_voted=5, area_voted=10)
    cast(
        meeting,
        list(RollFlat.objects.filter(meeting=meeting).order_by("flat_id")[:1]),
        user=voting_world["zhang"],
    )
    head = progress.counted(meeting.pk)
    assert head.flats_voted == 6
    assert progress.figures(meeting)["flats_voted"] == 6
    assert (
        head.area_voted == Decimal(10) + RollFlat.objects.filter(meeting=meeting).order_by("flat_id")[0].area
    )


def test_the_migration_writes_the_slots_of_existing_counters(voting_world):  # R-VOTE-2
    meeting = voting_world["meeting"]
    cast(
        meeting,
        list(RollFlat.objects.filter(meeting=meeting).order_by("flat_id")[:2]),
        user=voting_world["zhang"],
    )
    before = progress.figures(meeting)
    # The counters of a meeting opened before the slots: the sums folded into the Progress rows.
    for c in counters(meeting).items():
        building_id, (flats, area, owners, electronic, paper) = c
        rows = Progress.objects.filter(meeting=meeting)
        rows = rows.filter(building_id=building_id) if building_id else rows.filter(building__isnull=True)
        rows.update(
            flats_voted=flats, area_voted=area, owners_voted=owners, electronic=electronic, paper=paper
        )
    ProgressSlot.objects.filter(meeting=meeting).delete()
    migration = importlib.import_module("ownervote.voting.migrations.0008_progress_slots")
    migration.create_slots(apps, None)
    rows = Progress.objects.filter(meeting=meeting).count()
    assert ProgressSlot.objects.filter(meeting=meeting).count() == rows * ProgressSlot.SLOTS
    after = progress.figures(meeting)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


def test_a_read_inside_a_batch_sees_the_slot_writes_sent_before_it(voting_world):  # R-VOTE-2
    meeting = voting_world["meeting"]
    counted: list = []
    with transaction.atomic():
        with prepared.batch():
            prepared.deferred(
                "UPDATE voting_progressslot SET paper = paper + 1 WHERE meeting_id = %s",
                [meeting.pk],
                then=lambda c: counted.append(c.rowcount),
            )
            with prepared.cursor() as c:  # read at once: waits for the UPDATE too
                c.execute("SELECT sum(paper) FROM voting_progressslot WHERE meeting_id = %s", [meeting.pk])
                total = c.fetchone()[0]
        rows = ProgressSlot.objects.filter(meeting=meeting).count()
        assert total == rows and counted == [rows]
        transaction.set_rollback(True)


def test_a_cast_whose_slot_rows_are_missing_is_counted_once(cast_world):  # R-VOTE-2 R-VOTE-1
    """Slot rows missing (``ProgressSlot.SLOTS`` raised after voting opened): the cast's slot rows
    are created and it is counted once. On PostgreSQL the counters are sent in one batch with the
    messages, so the first attempt is rolled back whole (``SlotsMissing``) and the cast runs again;
    one receipt, one ballot, one audit event, one message."""
    w = cast_world
    meeting = w["meeting"]
    flat = w["flat"]["1栋-101"]
    ProgressSlot.objects.filter(meeting=meeting).delete()
    submission = ballot_cast(actor=w["zhang"], meeting_id=meeting.pk, flat_ids=[flat], answers=w["answers"])
    assert Submission.objects.filter(meeting=meeting).count() == 1
    assert Ballot.objects.filter(meeting=meeting, flat_id=flat).count() == 1
    assert AuditEvent.objects.filter(action="ballot.cast", object_id=str(submission.pk)).count() == 1
    assert Notification.objects.filter(user=w["zhang"], kind="ballot.receipt").count() == 1
    assert counters(meeting) == recount(meeting)
    assert progress.counted(meeting.pk).flats_voted == 1
    made = ProgressSlot.objects.filter(meeting=meeting).count()
    if connection.vendor == "postgresql":  # the retry made them all (progress.create_slots)
        buildings = Progress.objects.filter(meeting=meeting, building__isnull=False).count()
        assert made == (buildings + 1) * ProgressSlot.SLOTS
    else:  # each bumped at once: the two it needed (the building's and the meeting's)
        assert made == 2
