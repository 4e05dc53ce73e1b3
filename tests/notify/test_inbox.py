"""The owner's inbox: notifications written in the change's transaction; the SMS copy leaves through
the outbox worker, only after the commit."""

from __future__ import annotations

import pytest
from django.db import transaction

from ownervote.identity.models import SentSms
from ownervote.notify.models import Notification, OutboxMessage
from ownervote.notify.services import notify
from ownervote.notify.testing import run_worker


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_sends_nothing(owner_world):  # R-BIND-4 (both sides are notified)
    zhang = owner_world["zhang"]
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(users=[zhang], kind="test", title="标题", body="正文", sms=True)
        raise RuntimeError
    assert not Notification.objects.filter(user=zhang).exists()
    assert not OutboxMessage.objects.exists()
    run_worker()
    assert not SentSms.objects.exists()

    with transaction.atomic():
        notify(users=[zhang, zhang], kind="test", title="标题", body="正文", sms=True)
    assert Notification.objects.filter(user=zhang).count() == 1  # the inbox at once
    assert not SentSms.objects.exists()  # the SMS by the worker
    run_worker()
    assert SentSms.objects.filter(mobile_hash=zhang.mobile_hash, template="notice").count() == 1


def test_inbox_shows_own_messages_and_marks_them_read(client, owner_world):
    zhang, li = owner_world["zhang"], owner_world["li"]
    with transaction.atomic():
        notify(users=[zhang], kind="test", title="您的异议已受理", body="召集人将在公示期内核实。")
        notify(users=[li], kind="test", title="别人的消息", body="不应看到")
    client.force_login(zhang)
    page = client.get("/m/inbox/").content.decode()
    assert "您的异议已受理" in page and "别人的消息" not in page
    assert not Notification.objects.filter(user=zhang, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=li, read_at__isnull=True).exists()


def test_inbox_needs_sign_in(client, db):
    response = client.get("/m/inbox/")
    assert response.status_code == 302 and "/m/login" in response["Location"]
