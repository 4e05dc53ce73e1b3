"""/api/notifications: everyone reads and marks only their own messages."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from ownervote.audit.models import AuditEvent
from ownervote.notify.models import Notification
from ownervote.notify.services import MAX_IDS, notify

API = "/api/notifications"


@pytest.fixture
def messages(owner_world):
    """Three messages for zhang (oldest first), one for li."""
    zhang, li = owner_world["zhang"], owner_world["li"]
    with transaction.atomic():
        rows = [notify(users=[zhang], kind="test", title=f"消息{n}", body="正文")[0] for n in range(3)]
        rows.append(notify(users=[li], kind="test", title="李四的消息", body="正文")[0])
    return rows


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, body):
    return client.post(f"{API}/read", body, content_type="application/json")


def unread_of(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def test_list_is_mine_newest_first(owner_world, messages):
    body = signed_in(owner_world["zhang"]).get(API).json()
    assert body["unread"] == 3 and body["count"] == 3
    assert [item["title"] for item in body["items"]] == ["消息2", "消息1", "消息0"]
    assert all(item["unread"] and item["read_at"] is None for item in body["items"])
    assert set(body["items"][0]) == {
        "id",
        "kind",
        "title",
        "body",
        "link",
        "estate_id",
        "created_at",
        "read_at",
        "unread",
    }


def test_list_pages(owner_world, messages):
    client = signed_in(owner_world["zhang"])
    body = client.get(API, {"limit": 2, "offset": 1}).json()
    assert [item["title"] for item in body["items"]] == ["消息1", "消息0"]
    assert body["count"] == 3 and body["unread"] == 3  # the totals, not the page's
    for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}):
        response = client.get(API, bad)
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_input"


def test_someone_without_messages_gets_an_empty_list(owner_world, messages):
    body = signed_in(owner_world["newcomer"]).get(API).json()
    assert body == {"unread": 0, "count": 0, "items": []}


def test_read_all(owner_world, messages):
    zhang, li = owner_world["zhang"], owner_world["li"]
    client = signed_in(zhang)
    before = AuditEvent.objects.filter(action="notify.read").count()
    response = post(client, {})
    assert response.status_code == 200 and response.json() == {"marked": 3, "unread": 0}
    assert unread_of(zhang) == 0 and unread_of(li) == 1  # li's message untouched
    event = AuditEvent.objects.filter(action="notify.read").latest("id")
    assert event.actor == zhang and event.summary == {"count": 3, "all": True}
    # Nothing left: nothing changes, nothing is logged.
    assert post(client, {}).json() == {"marked": 0, "unread": 0}
    assert AuditEvent.objects.filter(action="notify.read").count() == before + 1
    assert all(item["read_at"] and not item["unread"] for item in client.get(API).json()["items"])


def test_read_some(owner_world, messages):
    zhang = owner_world["zhang"]
    response = post(signed_in(zhang), {"ids": [messages[0].pk, messages[2].pk]})
    assert response.json() == {"marked": 2, "unread": 1}
    assert Notification.objects.get(pk=messages[1].pk).read_at is None
    # Already read ones count for nothing the second time.
    assert post(signed_in(zhang), {"ids": [messages[0].pk, messages[1].pk]}).json() == {
        "marked": 1,
        "unread": 0,
    }


def test_empty_list_marks_nothing(owner_world, messages):
    assert post(signed_in(owner_world["zhang"]), {"ids": []}).json() == {"marked": 0, "unread": 3}


def test_someone_elses_message_refuses_the_whole_request(owner_world, messages):
    zhang, li = owner_world["zhang"], owner_world["li"]
    response = post(signed_in(zhang), {"ids": [messages[0].pk, messages[3].pk]})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "notification.not_found" and error["message"] == "未找到该消息。"
    assert unread_of(zhang) == 3 and unread_of(li) == 1  # not even zhang's own one
    assert post(signed_in(zhang), {"ids": [10**9]}).status_code == 404
    assert not AuditEvent.objects.filter(action="notify.read").exists()


def test_bad_bodies_are_refused(owner_world, messages):
    client = signed_in(owner_world["zhang"])
    for body in ({"ids": "all"}, {"ids": ["x"]}, {"ids": list(range(1, MAX_IDS + 2))}):
        response = post(client, body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid_input"
    assert unread_of(owner_world["zhang"]) == 3


def test_anonymous_is_401(db):
    client = Client()
    assert client.get(API).status_code == 401
    response = post(client, {})
    assert response.status_code == 401 and response.json()["error"]["code"] == "auth.required"


def test_unread_count_service_and_inbox_agree(client, owner_world, messages):
    """Opening the inbox marks the shown messages read through the same service (and its audit)."""
    zhang = owner_world["zhang"]
    client.force_login(zhang)
    client.get("/m/inbox/")
    assert signed_in(zhang).get(API).json()["unread"] == 0
    assert AuditEvent.objects.filter(action="notify.read", actor=zhang).count() == 1
    client.get("/m/inbox/")  # nothing unread: no second event
    assert AuditEvent.objects.filter(action="notify.read", actor=zhang).count() == 1
