from __future__ import annotations

import pytest

from ownervote.orgs.models import Organisation

from .world import World


@pytest.fixture
def world(staff, estates):
    """Estate a (Shatou street, Futian), convened by ``staff["convener"]``'s owners' committee."""
    convener = Organisation.objects.get(memberships__user=staff["convener"])
    return World(estates["a"], convener)


@pytest.fixture
def world_c(staff, estates):
    """Estate c (Yuehai street, Nanshan): the same city, another street office."""
    convener = Organisation.objects.get(memberships__user=staff["other_convener"])
    return World(estates["c"], convener)
