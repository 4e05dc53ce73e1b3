"""Fixtures for the binding list and objections: publications made directly (the publish service
is tested on its own), files to attach, and readers of the audit log and the inboxes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.bindinglist.models import Publication
from ownervote.notify.models import Notification
from tests.pdfs import minimal_pdf

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_FILE = minimal_pdf("objection")
REASON = "101房已于去年出售，现绑定人不再是业主。"


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def make_publication(estates, staff):
    """make_publication(start=0, end=10, estate="a", withdrawn=False): a publication of the list,
    offsets in days from today, made directly."""

    def make(start: int = 0, end: int = 10, *, estate: str = "a", withdrawn: bool = False) -> Publication:
        convener = staff["convener"]
        return Publication.objects.create(
            estate=estates[estate],
            starts_on=days(start),
            ends_on=days(end),
            binding_count=0,
            list_digest="0" * 64,
            published_by=convener,
            publisher_real_name=convener.real_name,
            publisher_organisation=convener.memberships.get().organisation,
            withdrawn_at=timezone.now() if withdrawn else None,
            withdraw_reason="测试撤回" if withdrawn else "",
        )

    return make


@pytest.fixture
def running(make_publication, owner_world):
    """Estate a's list publicised from today for 10 days, with zhang and li bound."""
    return make_publication(0, 10)


def actions(estate=None) -> list[str]:
    rows = AuditEvent.objects.all()
    if estate is not None:
        rows = rows.filter(estate_id=estate.pk)
    return list(rows.order_by("id").values_list("action", flat=True))


def inbox(user, kind: str | None = None) -> list[Notification]:
    rows = Notification.objects.filter(user=user)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("id"))


@pytest.fixture
def snapshot():
    """What a refused call must leave untouched: counts of audit events and inbox rows."""

    def take() -> tuple[int, int]:
        return AuditEvent.objects.count(), Notification.objects.count()

    return take
