"""Fixtures for binding tests: an organisation owner (the developer of the small roster, whose
unified social credit code is ``credit_code(1)``) and the people it authorises (R-ORG-2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ownervote.core import pii
from ownervote.orgs.models import AuthorisedStaff, Organisation
from ownervote.roster import services as roster_services
from ownervote.roster.models import ImportBatch
from tests.rosterfiles import credit_code, roster_csv


@pytest.fixture
def developer_org(db):
    return Organisation.objects.create(
        kind=Organisation.Kind.OWNER_ORGANISATION, name="深圳某某地产有限公司", credit_code=credit_code(1)
    )


@pytest.fixture
def authorise(developer_org, staff):
    """authorise(id_number, valid_from=-1 day, valid_until=None, revoked=False) -> AuthorisedStaff
    of the developer; dates as day offsets from today."""

    def make(id_number: str, *, valid_from: int = -1, valid_until: int | None = None, revoked: bool = False):
        today = timezone.localdate()
        row = AuthorisedStaff(
            organisation=developer_org,
            valid_from=today + dt.timedelta(days=valid_from),
            valid_until=None if valid_until is None else today + dt.timedelta(days=valid_until),
            revoked_at=timezone.now() if revoked else None,
            authorised_by=staff["convener"],
        )
        pii.seal(row, "name", "陈授权")
        pii.seal(row, "id_number", id_number)
        pii.seal(row, "mobile", "13900003333")
        row.save()
        return row

    return make


@pytest.fixture
def reimport(staff, estates):
    """reimport(rows, reason) applies a new version of estate a's roster as its convener."""

    def apply(rows: list[list], reason: str):
        convener = staff["convener"]
        batch = roster_services.import_preview(
            actor=convener, estate_id=estates["a"].pk, upload=roster_csv(rows)
        )
        assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
        # A large change to a small roster asks for the count the preview shows (issue 22): typed.
        confirm = str(batch.diff["guard"]["affected"])
        return roster_services.import_apply(actor=convener, batch_id=batch.pk, reason=reason, confirm=confirm)

    return apply
