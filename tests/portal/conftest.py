from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ownervote.bindinglist.models import Publication


@pytest.fixture
def publish(staff):
    """publish(estate, starts_in=0, days=10, withdrawn=False) -> a binding-list publication made
    directly (its service is tested in tests/bindinglist)."""

    def make(estate, *, starts_in: int = 0, days: int = 10, withdrawn: bool = False, by=None):
        by = by or staff["convener"]
        starts = timezone.localdate() + dt.timedelta(days=starts_in)
        return Publication.objects.create(
            estate=estate,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=days - 1),
            binding_count=2,
            list_digest="0" * 64,
            published_by=by,
            publisher_real_name=by.real_name,
            publisher_organisation=by.memberships.get().organisation,
            withdrawn_at=timezone.now() if withdrawn else None,
            withdraw_reason="发布有误" if withdrawn else "",
        )

    return make


def text(response) -> str:
    return response.content.decode()
