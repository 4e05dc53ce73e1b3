"""The lists of a meeting's flats in their natural order (issue 22 item 7): the not-voted list of
the progress page (R-VOTE-2), the per-flat result table (R-RES-1) and the paper ballots' roll
(R-PAPER-3) read 1栋-101, 1栋-102, 1栋-1001 … 2栋 … 10栋, never 1001…1006, 101…104."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.results.services.results import flats_table
from ownervote.voting.services import progress
from ownervote.voting.services.paper_ballots import roll_flats
from tests.owners import import_roster
from tests.roster.test_natural_order import NATURAL, natural_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(staff, estates, make_voting_meeting):
    import_roster(estates["a"], staff["convener"], natural_rows())
    return make_voting_meeting()


def label(r) -> str:
    return f"{r.building.name}-{r.flat.room}"


def test_the_not_voted_list_is_in_natural_order(meeting, staff):  # R-VOTE-2
    assert [label(r) for r in progress.not_voted(meeting)] == NATURAL
    figures = progress.figures(meeting)
    assert [b["building"] for b in figures["buildings"]] == ["1栋", "2栋", "10栋"]
    paged = progress.NotVotedList(meeting, figures["buildings"])
    assert [label(r) for r in paged[0:3] + paged[3:8]] == NATURAL  # pages join up, in order

    client = Client()
    client.force_login(staff["convener"])
    page = client.get(reverse("voting:progress", args=[meeting.pk])).content.decode()
    listed = [f"{b}-{r}" for b, r in re.findall(r"<tr><td>(\d+栋)</td><td>(\d+)</td>", page)]
    assert listed == NATURAL, listed


def test_the_per_flat_table_and_the_paper_roll_are_in_natural_order(meeting):  # R-RES-1 R-PAPER-3
    assert [f"{f['building']}-{f['room']}" for f in flats_table(meeting, [], [])] == NATURAL
    assert [label(r) for r in roll_flats(meeting)] == NATURAL
