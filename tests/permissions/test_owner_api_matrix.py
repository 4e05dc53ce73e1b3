"""Who may call the owner-facing API endpoints (sign-in, verification, bindings, binding list,
objections, notifications, meetings): one table per app in ``owner_rows_<app>.py``, every
endpoint x every role of the owner world, written by hand from the rules:

- R-ID-1/R-ID-2: people verify themselves; only the estate's convener verifies on site, and the
  on-site photos are seen by that convener and the supervising street office only.
- R-ID-3: only the city operator changes verification methods; notices are public.
- R-BIND-1: only a verified person binds, and only a flat they own in the roster.
- R-BIND-3/R-BIND-4: the binding list is seen by the estate's bound owners and the staff who see
  the estate; the convener publishes it and decides objections; a bound owner files them.
- R-MTG-1..7: a meeting's draft is its convener's; once entered the staff who see the estate see
  it, once publicised its bound owners too, and its notice is public; only its convener changes
  it; only the estate's street office guides it; only the city operator keeps the calendar.
- Missing and not visible look the same (404); visible but not allowed is 403; no credentials 401.

The world (tests/conftest.py ``owner_world``): estate a with the small roster; ``zhang`` bound to
1栋-101, ``li`` bound to 1栋-102, ``wang`` verified co-owner of 1栋-102 but unbound, ``newcomer``
signed in but unverified; ``convener`` keeps a; ``street`` is Shatou (a's street);
``other_convener`` keeps c in Nanshan; ``city`` is the city operator. Estate a also has three
meetings: ``draft``, ``entered`` and ``published`` (with a ``document``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ownervote.bindinglist.models import Objection, Publication
from ownervote.core.files import Upload, store
from ownervote.verification.models import Method, Verification
from tests.meetings.conftest import guide
from tests.owners import ensure_totals
from tests.pdfs import minimal_pdf

from .owner_matrix import OWNER_ROLES

User = get_user_model()

ROWS = []
for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if info.name.startswith("owner_rows_"):
        ROWS.extend(importlib.import_module(f"{__package__}.{info.name}").ROWS)


def test_every_row_lists_every_role():
    for row in ROWS:
        assert tuple(row.expected) == OWNER_ROLES, row.id


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


PDF = minimal_pdf()  # a meeting document must be a whole PDF
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def world(owner_world, staff, estates, geo):
    convener = staff["convener"]
    today = timezone.localdate()
    publication = Publication.objects.create(
        estate=estates["a"],
        starts_on=today,
        ends_on=today + dt.timedelta(days=9),
        binding_count=2,
        list_digest="0" * 64,
        published_by=convener,
        publisher_real_name=convener.real_name,
        publisher_organisation=convener.memberships.get().organisation,
    )
    objection = Objection.objects.create(
        publication=publication,
        binding=owner_world["zhang_binding"],
        filed_by=owner_world["li"],
        reason="101房已于去年出售，张三不再是业主。",
    )
    with transaction.atomic():
        photo1 = store(Upload("id.png", PNG, "image/png"), uploaded_by=convener)
        photo2 = store(Upload("holding.png", PNG, "image/png"), uploaded_by=convener)
    onsite = Verification.objects.create(
        user=owner_world["wang"],
        method=Method.ON_SITE,
        status=Verification.Status.PASSED,
        estate=estates["a"],
        checked_by=convener,
        checker_real_name=convener.real_name,
        ownership_proof_checked=True,
        id_document_checked=True,
        id_photo=photo1,
        holding_photo=photo2,
        finished_at=timezone.now(),
    )
    meetings = _meetings(convener, estates["a"])
    users = {
        "zhang": owner_world["zhang"],
        "li": owner_world["li"],
        "wang": owner_world["wang"],
        "newcomer": owner_world["newcomer"],
        "convener": convener,
        "street": staff["street"],
        "other_convener": staff["other_convener"],
        "city": staff["city"],
    }
    flats = owner_world["flats"]
    return {
        "users": users,
        "ids": {
            "a": estates["a"].pk,
            "b": estates["b"].pk,
            "c": estates["c"].pk,
            "flat101": flats["1栋-101"].pk,
            "flat102": flats["1栋-102"].pk,
            "flat201": flats["1栋-201"].pk,
            "zhang_binding": owner_world["zhang_binding"].pk,
            "li_binding": owner_world["li_binding"].pk,
            "publication": publication.pk,
            "objection": objection.pk,
            "onsite": onsite.pk,
            **meetings,
        },
    }


def _meetings(convener, estate) -> dict[str, int]:
    """Three meetings of estate a: a draft, one entered today and one publicised today (with a
    document), made through the services (R-MTG-1, R-MTG-3)."""
    from ownervote.meetings import services as meetings

    def make(days: int):
        day = timezone.localdate() + dt.timedelta(days=days)
        starts = dt.datetime.combine(day, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        return meetings.meeting_create(
            actor=convener,
            estate_id=estate.pk,
            kind="regular",
            title=f"业主大会会议（{days}日后）",
            place="碧海花园会所",
            method="mixed",
            starts_at=starts,
            voting_opens_at=starts,
            voting_closes_at=starts + dt.timedelta(hours=9),
            topics=[
                {
                    "title": "物业管理",
                    "items": [{"title": "是否续聘物业服务企业", "kind": "question", "category": 4}],
                }
            ],
        )

    draft, entered, published = make(25), make(26), make(27)
    ensure_totals(published.estate, convener)  # R-ROSTER-1: entered on confirmed totals
    for meeting in (entered, published):
        meetings.meeting_submit(actor=convener, meeting_id=meeting.pk)
    document = meetings.document_add(
        actor=convener,
        meeting_id=published.pk,
        kind="other",
        title="会议议程",
        upload=Upload("议程.pdf", PDF),
    )
    for meeting in (entered, published):
        guide(meeting)  # art. 12, R-MTG-2: publicised after the guidance
    meetings.meeting_publish(actor=convener, meeting_id=published.pk)
    ids = {"draft": draft.pk, "entered": entered.pk, "published": published.pk, "document": document.pk}
    return {**ids, **_voting_meeting(make(28), convener), **_result_meeting(make(29), convener)}


def _voting_meeting(meeting, convener) -> dict[str, int]:
    """A fourth meeting whose voting is open now: zhang (1栋-101) and li (1栋-102) were verified and
    bound a month before its publicity, so both vote electronically (R-VOTE-4)."""
    from ownervote.meetings import services as meetings
    from ownervote.meetings.models import Item
    from tests.voting.conftest import long_ago, open_now

    meetings.meeting_submit(actor=convener, meeting_id=meeting.pk)
    long_ago(*User.objects.filter(bindings__estate=meeting.estate).distinct())
    guide(meeting)  # art. 12, R-MTG-2
    meetings.meeting_publish(actor=convener, meeting_id=meeting.pk)
    open_now(meeting)
    return {"voting": meeting.pk, "voting_item": Item.objects.get(meeting=meeting).pk}


def _result_meeting(meeting, convener) -> dict[str, int]:
    """A fifth meeting whose voting has closed, zhang having voted for 1栋-101: its result version
    1 is generated and submitted to the street office (guidance window open), not yet publicised.
    Rows that need it publicised do so in their ``setup`` (``publicise_result``)."""
    from ownervote.meetings.models import Meeting
    from ownervote.results.services import results
    from ownervote.voting.models import RollFlat
    from tests.results.scans import uploads
    from tests.voting.paper_fixtures import cast, close_now

    ids = _voting_meeting(meeting, convener)
    meeting = Meeting.objects.get(pk=ids["voting"])
    roll = list(RollFlat.objects.filter(meeting=meeting, flat__room="101", flat__building__name="1栋"))
    voter = User.objects.filter(bindings__flat_id=roll[0].flat_id).first()
    cast(meeting, roll, user=voter)
    close_now(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED)
    results.result_generate(actor=convener, meeting_id=meeting.pk)
    results.result_submit(actor=convener, meeting_id=meeting.pk, **uploads())
    return {"closed": meeting.pk, "closed_item": ids["voting_item"]}


def publicise_result(world: dict) -> None:
    """Row setup: the street office's window ends, and the convener publicises the result from today."""
    from ownervote.results.models import Result
    from ownervote.results.services import results

    today = timezone.localdate()
    Result.objects.filter(meeting_id=world["ids"]["closed"]).update(
        guidance_ends_on=today - dt.timedelta(days=1)
    )
    results.result_publicise(
        actor=world["users"]["convener"],
        meeting_id=world["ids"]["closed"],
        starts_on=today,
        ends_on=today + dt.timedelta(days=10),
    )


def call(world: dict, role: str, row):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    if row.setup is not None:
        row.setup(world)
    path = row.path.format(**world["ids"])
    body = row.body(world["ids"]) if callable(row.body) else row.body
    method = getattr(client, row.route.split()[0].lower())
    if row.multipart:
        return method(path, body)
    if body is None:
        return method(path)
    return method(path, body, content_type="application/json")


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_owner_api_matrix(world, row):  # R-ID-1 R-ID-2 R-ID-3 R-BIND-1 R-BIND-3 R-BIND-4 R-SEC-1 R-MTG-1..7
    got = {}
    for role in OWNER_ROLES:
        with rolled_back():
            response = call(world, role, row)
        got[role] = response.status_code
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}, (role, response.content)
    wrong = {
        role: f"expected {want}, got {got[role]}" for role, want in row.expected.items() if got[role] != want
    }
    assert not wrong, wrong
