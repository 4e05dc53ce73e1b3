"""Staff read their messages in the console (issue 22 item 5): the console's layout and navigation,
never the owners' phone tab bar; opening a page marks what it shows read; paged, newest first;
"mark all as read" marks only one's own."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from ownervote.audit.models import AuditEvent
from ownervote.notify.models import Notification
from ownervote.notify.services import notify


def _tell(user, title: str, n: int = 1) -> None:
    with transaction.atomic():
        for i in range(n):
            notify(
                users=[user], kind=f"test.{title}.{i}", title=f"{title}{i if n > 1 else ''}", body="请处理。"
            )


@pytest.fixture
def convener_client(client, staff):
    client.force_login(staff["convener"])
    return client


def test_nav_links_to_the_console_inbox_not_the_owner_pages(convener_client, staff):
    _tell(staff["convener"], "收到异议")
    page = convener_client.get(reverse("console:home")).content.decode()
    assert f'href="{reverse("console:inbox")}"' in page and "消息（1 条新）" in page
    assert 'href="/m/inbox/"' not in page


def test_console_inbox_shows_own_messages_in_console_layout_and_marks_them_read(convener_client, staff):
    _tell(staff["convener"], "收到异议")
    _tell(staff["street"], "别人的消息")
    response = convener_client.get(reverse("console:inbox"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "收到异议" in page and "别人的消息" not in page
    assert 'class="mainnav"' in page and 'aria-current="page"' in page  # the console's navigation
    assert "weui-tabbar" not in page  # not the owners' phone tab bar
    assert not Notification.objects.filter(user=staff["convener"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=staff["street"], read_at__isnull=True).exists()


def test_console_inbox_is_paged_and_read_all_marks_the_rest(convener_client, staff):
    _tell(staff["convener"], "消息", n=35)
    _tell(staff["street"], "别人的消息")
    first = convener_client.get(reverse("console:inbox")).content.decode()
    assert "第 1 页，共 2 页" in first
    assert 'id="older"' in first and 'id="read-all"' in first
    assert Notification.objects.filter(user=staff["convener"], read_at__isnull=True).count() == 5
    second = convener_client.get(reverse("console:inbox") + "?page=2").content.decode()
    assert 'id="older"' not in second and "消息0" in second  # the oldest is on the last page
    _tell(staff["convener"], "新消息")
    response = convener_client.post(reverse("console:inbox_read_all"))
    assert response.status_code == 302 and response["Location"] == reverse("console:inbox")
    assert not Notification.objects.filter(user=staff["convener"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=staff["street"], read_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="notify.read", actor=staff["convener"]).exists()


def test_console_inbox_needs_console_sign_in(client, db):
    response = client.get(reverse("console:inbox"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("console:login"))
