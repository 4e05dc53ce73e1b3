"""Fixtures for results: the voting fixtures (a meeting of estate a open for voting), and
``closed_meeting`` helpers to close it after ballots were written."""

from tests.voting.conftest import cast_world, make_voting_meeting, voting_world  # noqa: F401
