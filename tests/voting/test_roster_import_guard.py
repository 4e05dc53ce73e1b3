"""voting answers roster's ``flats_in_use``: a roster import that changes a flat holding a ballot of
a meeting still voting needs a typed confirmation (issue 22, R-ROSTER-1)."""

from __future__ import annotations

from ownervote.roster import services as roster_services
from ownervote.roster.signals import flats_with_running_ballots
from ownervote.voting.services import cast
from tests.rosterfiles import roster_csv, small_roster


def test_a_flat_with_a_ballot_of_a_running_meeting_needs_confirmation(cast_world, estates):  # R-ROSTER-1
    w = cast_world
    flat = w["flat"]["1栋-101"]
    assert flats_with_running_ballots(estates["a"]) == set()
    cast.ballot_cast(actor=w["zhang"], meeting_id=w["meeting"].pk, flat_ids=[flat], answers=w["answers"])
    assert flats_with_running_ballots(estates["a"]) == {flat}
    rows = small_roster()
    rows[0][2] = "90.00"  # 1栋-101's area corrected during the vote
    batch = roster_services.import_preview(
        actor=w["convener"], estate_id=estates["a"].pk, upload=roster_csv(rows)
    )
    guard = batch.diff["guard"]
    assert guard["level"] == "confirm" and "ballots" in guard["reasons"] and guard["flats_with_ballots"] == 1
