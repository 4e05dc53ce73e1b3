"""Fixtures for objections (R-TRUST-2): estate a's voting meeting (tests/voting/conftest.py) where
zhang voted for 1栋-101 and li for 1栋-102 (co-owned with wang, who never voted), the voting
closed, and the result generated, submitted and publicised from today for 10 days
(``publicised_world``). ``at(days)``: a moment ``days`` days after today, 10:00 Beijing time, for
services' ``now=``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ownervote.results.models import ResultPublicity
from ownervote.results.services import results
from tests.results.test_services import close, publicise, submitted, vote, window_over
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401 - fixtures

BEIJING = ZoneInfo("Asia/Shanghai")


def make_publicised(w: dict) -> dict:
    """zhang votes for 1栋-101, li for 1栋-102; the voting closes; the result is publicised."""
    zhang_receipt = vote(w, "zhang", "1栋-101")
    li_receipt = vote(w, "li", "1栋-102")
    close(w["meeting"])
    made = submitted(w)
    window_over(w)
    publicise(w)
    return {
        **w,
        "result": made,
        "publicity": ResultPublicity.objects.get(result=made),
        "zhang_receipt": zhang_receipt,
        "li_receipt": li_receipt,
    }


@pytest.fixture
def publicised_world(voting_world):  # noqa: F811 - the fixture imported above
    return make_publicised(voting_world)


def at(days: int, hour: int = 10) -> dt.datetime:
    """``days`` days after today (Beijing), at ``hour``:00 Beijing time."""
    day = results.today() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING)
