"""rules.rosterimport: how much of the roster a file may change without a typed confirmation, and
when a file is refused as obviously partial (issue 22, R-ROSTER-1, R-ROSTER-4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownervote.rules.rosterimport import (
    BALLOTS,
    BUILDINGS_REMOVED,
    CONFIRM,
    LARGE_SHARE,
    NONE,
    PARTIAL,
    REFUSE,
    import_guard,
)


def guard(total, removed=0, changed=0, buildings=0, ballots=0):
    return import_guard(
        roster_flats=total,
        removed=removed,
        changed=changed,
        buildings_removed=buildings,
        flats_with_ballots=ballots,
    )


def test_the_one_row_file_is_refused_as_partial():  # R-ROSTER-1: 621 of 622 flats removed
    g = guard(622, removed=621)
    assert (g.level, g.reasons, g.affected) == (REFUSE, (PARTIAL,), 621)


def test_a_first_import_and_small_changes_need_no_confirmation():  # R-ROSTER-4
    assert guard(0).level == NONE
    assert guard(622, removed=10, changed=52).level == NONE  # 62 of 622: not more than a tenth


def test_more_than_a_tenth_a_whole_building_or_a_running_vote_needs_confirmation():  # R-ROSTER-1
    assert guard(622, removed=10, changed=53) == guard(622, removed=10, changed=53)
    assert guard(622, removed=10, changed=53).reasons == (LARGE_SHARE,)
    assert guard(622, removed=8, buildings=1).reasons == (BUILDINGS_REMOVED,)
    assert guard(622, changed=1, ballots=1).reasons == (BALLOTS,)
    assert guard(622, changed=1, ballots=1).affected == 1


def test_a_small_roster_is_not_refused_only_confirmed():  # R-ROSTER-1
    assert guard(7, removed=6).level == CONFIRM


def test_counts_must_be_flats_of_the_roster():
    with pytest.raises(ValueError):
        guard(5, removed=3, changed=3)


@given(st.integers(0, 100_000), st.data())
def test_the_levels_follow_the_shares(total, data):  # R-ROSTER-1
    removed = data.draw(st.integers(0, total))
    changed = data.draw(st.integers(0, total - removed))
    g = guard(total, removed, changed)
    if total >= 10 and 2 * removed > total:
        assert g.level == REFUSE
    elif 10 * (removed + changed) > total:
        assert g.level == CONFIRM and g.affected == removed + changed
    else:
        assert g.level == NONE
