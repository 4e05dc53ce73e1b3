"""R-SEC-5 with R-SEC-3: connected as the application's database role, a ballot can be cast but
no cast ballot, choice or submission can be rewritten, deleted or truncated, nor their triggers
switched off or dropped."""

from __future__ import annotations

import pytest

from ownervote.voting.models import Ballot, Choice, Submission
from ownervote.voting.services import cast
from tests.dbroles import as_role, count, postgres_only, refused

pytestmark = [postgres_only, pytest.mark.django_db]

TABLES = ("voting_submission", "voting_ballot", "voting_choice")


def _cast(w, flat="1栋-101", who="zhang"):
    return cast.ballot_cast(
        actor=w[who], meeting_id=w["meeting"].pk, flat_ids=[w["flat"][flat]], answers=w["answers"]
    )


def test_the_app_role_casts_a_ballot(app_role, cast_world):  # R-SEC-5, R-SEC-3: the normal work
    with as_role(app_role) as cur:
        cur.execute("SELECT current_user")
        assert cur.fetchone()[0] == app_role
        submission = _cast(cast_world)
    assert Submission.objects.filter(pk=submission.pk).exists()
    assert Ballot.objects.count() == 1 and Choice.objects.count() > 0


TAMPERING = [
    "UPDATE voting_ballot SET partial = NOT partial",
    "DELETE FROM voting_ballot",
    "UPDATE voting_choice SET answer = 'no'",
    "DELETE FROM voting_choice",
    "UPDATE voting_submission SET digest = 'x'",
    "DELETE FROM voting_submission",
    "TRUNCATE voting_submission, voting_ballot, voting_choice",
    "SET LOCAL ownervote.allow_truncate = on; TRUNCATE voting_submission, voting_ballot, voting_choice",
    "ALTER TABLE voting_ballot DISABLE TRIGGER USER",
    "ALTER TABLE voting_choice DISABLE TRIGGER voting_choice_append_only",
    "DROP TRIGGER voting_ballot_append_only ON voting_ballot",
    "DROP TRIGGER voting_submission_no_truncate ON voting_submission",
]


@pytest.mark.parametrize("sql", TAMPERING)
def test_the_app_role_cannot_rewrite_ballots(app_role, cast_world, sql):  # R-SEC-5, R-SEC-3
    _cast(cast_world)
    before = {t: count(t) for t in TABLES}
    choices = list(Choice.objects.values_list("pk", "answer"))
    message = refused(app_role, sql)
    assert "permission denied" in message or "must be owner" in message, message
    assert {t: count(t) for t in TABLES} == before
    assert list(Choice.objects.values_list("pk", "answer")) == choices
