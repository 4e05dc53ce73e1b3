"""Fixtures for complaints (R-SEC-4): estate a's owners (tests/conftest.py ``owner_world``), an
owner the roster lists but who is neither verified nor bound (赵六, signed in by SMS with the
mobile the roster has for them), files to attach, and readers of the audit log and the inboxes."""

from __future__ import annotations

import pytest

from ownervote.audit.models import AuditEvent
from ownervote.core.files import Upload
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.notify.models import Notification, OutboxMessage
from tests.pdfs import minimal_pdf
from tests.rosterfiles import mobile

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_FILE = minimal_pdf("complaint")
TEXT = "计票时监票人不在场，纸质选票没有当众清点。"


def png(name: str = "现场.png") -> Upload:
    return Upload(name=name, content=PNG, content_type="image/png")


@pytest.fixture
def zhao(owner_world):
    """赵六: owns 1栋-201 and 2栋-201 in estate a's roster, signed in by SMS, not verified, not bound."""
    return owner_account_for_mobile(mobile(4))


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


def sms_to(user) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(user=user, channel=OutboxMessage.Channel.SMS).order_by("id"))


@pytest.fixture
def snapshot():
    def take() -> tuple[int, int]:
        return AuditEvent.objects.count(), Notification.objects.count()

    return take
