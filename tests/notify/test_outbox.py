"""The notification outbox, in-process: messages written with the event, delivered by the worker
with retries and back-off, once per (event, channel, person), scheduled ones at their time, and a
dead worker's sends recovered without sending anything twice."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st

from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.identity.models import SentSms, SmsCode, WeChatAccount
from ownervote.identity.wechat import ConsoleTemplateSender
from ownervote.notify import tasks
from ownervote.notify.models import DeliveryAttempt, Notification, OutboxMessage
from ownervote.notify.services import cancel_pending, notify
from ownervote.notify.tasks import ensure_sweep
from ownervote.notify.testing import TaskFailed, run_worker

from .providers import DyingBeforeConsoleBackend, FlakySmsBackend, IllegalNumberBackend

pytestmark = pytest.mark.django_db

FLAKY = "tests.notify.providers.FlakySmsBackend"
Status = OutboxMessage.Status


@pytest.fixture
def owners(db):
    return [owner_account_for_mobile(f"1390000000{n}") for n in (1, 2, 3)]


@pytest.fixture
def flaky(settings):
    settings.OWNERVOTE_SMS_BACKEND = FLAKY
    settings.OWNERVOTE_OUTBOX = {
        **settings.OWNERVOTE_OUTBOX,
        "backoff_base_seconds": 60,
        "backoff_max_seconds": 3600,
        "max_attempts": 5,
    }
    FlakySmsBackend.reset()
    return FlakySmsBackend


def _sms(user) -> OutboxMessage:
    return OutboxMessage.objects.get(user=user, channel="sms")


def test_failing_provider_is_retried_with_backoff_then_delivered_once(owners, flaky, caplog):  # R-VOTE-2
    """The provider refuses twice, then accepts: three attempts, each recorded with its back-off,
    and the owner gets one text message."""
    flaky.reset(failures=2)
    zhang = owners[0]
    with transaction.atomic():
        notify(users=[zhang], kind="meeting.reminder", title="请参加投票", body="正文", sms=True)
    message = _sms(zhang)
    assert (message.status, message.attempts) == (Status.PENDING, 0)

    with caplog.at_level(logging.WARNING, logger="ownervote.notify.outbox"):
        run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.last_error == "isp.SYSTEM_ERROR: 运营商系统繁忙"
    first = DeliveryAttempt.objects.get(message=message, number=1)
    assert first.result == "error" and first.retry_at == message.next_attempt_at
    assert dt.timedelta(seconds=48) <= first.retry_at - first.finished_at <= dt.timedelta(seconds=60)
    assert any("attempt 1 failed, retrying" in r.getMessage() for r in caplog.records)

    assert run_worker() == 0  # not due yet: nothing is tried before its back-off
    assert len(flaky.calls) == 1

    run_worker(at=message.next_attempt_at)
    message.refresh_from_db()
    second = DeliveryAttempt.objects.get(message=message, number=2)
    assert (message.status, message.attempts, second.result) == (Status.PENDING, 2, "error")
    # The back-off doubles: 2 x 60 s, less at most a fifth.
    assert dt.timedelta(seconds=96) <= second.retry_at - second.finished_at <= dt.timedelta(seconds=120)

    run_worker(at=message.next_attempt_at)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 3)
    assert message.sent_at == second.retry_at and message.provider_ref == "flaky-1"
    assert list(DeliveryAttempt.objects.filter(message=message).values_list("number", "result")) == [
        (1, "error"),
        (2, "error"),
        (3, "sent"),
    ]
    assert len(flaky.calls) == 3 and len(flaky.accepted) == 1
    rows = SentSms.objects.filter(mobile_hash=zhang.mobile_hash, template="notice")
    assert rows.filter(ok=True).count() == 1 and rows.filter(ok=False).count() == 2
    assert rows.get(ok=True).params() == {"title": "请参加投票"}
    # Nothing more happens later.
    assert run_worker(at=timezone.now() + dt.timedelta(days=2)) == 0
    assert len(flaky.accepted) == 1


def test_gives_up_after_the_last_attempt_and_logs_it(owners, flaky, settings, caplog):
    settings.OWNERVOTE_OUTBOX = {**settings.OWNERVOTE_OUTBOX, "max_attempts": 3}
    flaky.reset(failures=99)
    with transaction.atomic():
        notify(users=[owners[0]], kind="test", title="标题", body="正文", sms=True)
    message = _sms(owners[0])
    with caplog.at_level(logging.ERROR, logger="ownervote.notify.outbox"):
        for _ in range(5):
            run_worker(at=max(message.next_attempt_at, timezone.now()))
            message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    assert message.last_error == "isp.SYSTEM_ERROR: 运营商系统繁忙" and message.sent_at is None
    assert len(flaky.calls) == 3
    assert DeliveryAttempt.objects.get(message=message, number=3).retry_at is None
    assert any("failed after 3 attempt(s)" in r.getMessage() for r in caplog.records)


def test_a_refusal_that_cannot_change_is_not_retried(owners, settings):
    settings.OWNERVOTE_SMS_BACKEND = "tests.notify.providers.IllegalNumberBackend"
    IllegalNumberBackend.calls = 0
    with transaction.atomic():
        notify(users=[owners[0]], kind="test", title="标题", body="正文", sms=True)
    run_worker()
    message = _sms(owners[0])
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert message.last_error == "isv.MOBILE_NUMBER_ILLEGAL: 非法手机号"
    assert run_worker(at=timezone.now() + dt.timedelta(days=1)) == 0
    assert IllegalNumberBackend.calls == 1


def test_the_same_event_reaches_a_person_once_per_channel(owners):  # R-VOTE-2
    zhang, li, wang = owners
    with transaction.atomic():
        first = notify(
            users=[zhang, li], kind="vote.reminder", title="提醒", body="正文", sms=True, event="e:1"
        )
    with transaction.atomic():  # the same event again (a retried job): only wang is new
        second = notify(
            users=[zhang, li, wang], kind="vote.reminder", title="提醒", body="正文", sms=True, event="e:1"
        )
    assert [n.user for n in first] == [zhang, li] and [n.user for n in second] == [wang]
    run_worker()
    for person in owners:
        assert Notification.objects.filter(user=person, kind="vote.reminder").count() == 1
        assert SentSms.objects.filter(mobile_hash=person.mobile_hash, template="notice").count() == 1
    assert OutboxMessage.objects.filter(event="e:1").count() == 6
    # The database itself refuses a second row for the same (event, channel, person).
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(
            event="e:1", channel="sms", user=zhang, kind="x", title="x", not_before=timezone.now(),
            next_attempt_at=timezone.now(),
        )  # fmt: skip
    # Without an event every call is its own.
    with transaction.atomic():
        notify(users=[zhang], kind="vote.reminder", title="提醒", body="正文")
        notify(users=[zhang], kind="vote.reminder", title="提醒", body="正文")
    assert Notification.objects.filter(user=zhang, kind="vote.reminder").count() == 3


def test_a_scheduled_message_leaves_at_its_time(owners):  # R-MTG-4
    """The community committee's invitation, written when the meeting is published, reaches the
    inbox and the phone three working days before the meeting, not earlier."""
    zhang = owners[0]
    at = timezone.now() + dt.timedelta(days=10)
    with transaction.atomic():
        written = notify(
            users=[zhang], kind="meeting.invitation", title="邀请列席业主大会", body="正文", sms=True,
            event="meeting.invitation:7", not_before=at,
        )  # fmt: skip
    assert written == []
    assert not Notification.objects.filter(user=zhang).exists()
    assert OutboxMessage.objects.filter(event="meeting.invitation:7", status=Status.PENDING).count() == 2
    assert run_worker() == 0
    assert run_worker(at=at - dt.timedelta(seconds=1)) == 0
    assert not Notification.objects.filter(user=zhang).exists() and not SentSms.objects.exists()

    run_worker(at=at)
    note = Notification.objects.get(user=zhang)
    assert note.title == "邀请列席业主大会" and note.kind == "meeting.invitation"
    inbox = OutboxMessage.objects.get(event="meeting.invitation:7", channel="inbox")
    assert (inbox.status, inbox.notification, inbox.sent_at) == (Status.SENT, note, at)
    assert _sms(zhang).status == Status.SENT
    assert SentSms.objects.filter(mobile_hash=zhang.mobile_hash, ok=True).count() == 1


def test_cancel_pending_stops_what_has_not_left(owners):  # R-MTG-6: a changed meeting's old invitation
    zhang, li, _ = owners
    at = timezone.now() + dt.timedelta(days=5)
    with transaction.atomic():
        notify(users=[zhang, li], kind="meeting.invitation", title="邀请", body="正文", sms=True,
               event="meeting.invitation:8", not_before=at)  # fmt: skip
        notify(
            users=[zhang], kind="other", title="别的", body="正文", sms=True, event="other:1", not_before=at
        )
    with transaction.atomic():
        assert cancel_pending(event="meeting.invitation:8") == 4
    assert cancel_pending(event="meeting.invitation:8") == 0  # nothing left to cancel
    run_worker(at=at)
    assert set(
        OutboxMessage.objects.filter(event="meeting.invitation:8").values_list("status", flat=True)
    ) == {Status.CANCELLED}
    assert not Notification.objects.filter(kind="meeting.invitation").exists()
    assert Notification.objects.filter(kind="other", user=zhang).count() == 1  # the other event still left
    assert SentSms.objects.filter(ok=True).count() == 1


def test_a_rolled_back_change_leaves_no_message_and_no_task(owners):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(users=owners, kind="test", title="标题", body="正文", sms=True)
        raise RuntimeError
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_an_owner_without_a_mobile_gets_only_the_inbox(db, staff):
    with transaction.atomic():
        notify(users=[staff["convener"]], kind="test", title="标题", body="正文", sms=True)
    assert list(OutboxMessage.objects.values_list("channel", "status")) == [("inbox", "sent")]


# --- a worker that died during a send (in-process; the real kill is in test_worker_kill.py) ---


def _die_during_send(settings, backend: str, owner, **kwargs) -> OutboxMessage:
    settings.OWNERVOTE_SMS_BACKEND = backend
    with transaction.atomic():
        notify(users=[owner], kind="test", title="标题", body="正文", sms=True, event="e:dead", **kwargs)
    with pytest.raises(TaskFailed):
        run_worker()
    message = OutboxMessage.objects.exclude(channel="inbox").get(event="e:dead")
    assert (message.status, message.attempts) == (Status.SENDING, 1)
    return message


def test_a_send_the_provider_confirms_is_not_sent_again(owners, settings):
    """The console provider took the message, then the worker died: after the lease, the sweep asks
    the provider (its own record, by OutId), which says it has it; nothing is sent again."""
    zhang = owners[0]
    message = _die_during_send(settings, "tests.notify.providers.DyingConsoleBackend", zhang)
    ensure_sweep()
    assert ensure_sweep() is False  # one sweep waiting is enough
    run_worker()  # the lease has not run out: the message is left to its worker
    message.refresh_from_db()
    assert message.status == Status.SENDING

    run_worker(at=message.lease_until + dt.timedelta(seconds=1))
    message.refresh_from_db()
    assert (message.status, message.attempts, message.maybe_sent) == (Status.SENT, 1, False)
    assert message.provider_ref.startswith("console-")
    attempt = DeliveryAttempt.objects.get(message=message)
    assert attempt.result == "confirmed" and "provider confirmed" in attempt.error
    assert SentSms.objects.get(mobile_hash=zhang.mobile_hash).ok  # the SMS log says so too
    # The sweep keeps itself scheduled.
    assert DBTaskResult.objects.filter(task_path="ownervote.notify.tasks.sweep", status="READY").count() == 1


def test_a_send_the_provider_never_got_is_sent_again(owners, settings):
    zhang = owners[0]
    DyingBeforeConsoleBackend.armed = True
    message = _die_during_send(settings, "tests.notify.providers.DyingBeforeConsoleBackend", zhang)
    DyingBeforeConsoleBackend.armed = False  # the new worker's sends go through
    ensure_sweep()
    run_worker(at=message.lease_until + dt.timedelta(seconds=1))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert list(DeliveryAttempt.objects.filter(message=message).values_list("number", "result")) == [
        (1, "not_received"),
        (2, "sent"),
    ]
    lost, delivered = SentSms.objects.filter(mobile_hash=zhang.mobile_hash).order_by("pk")
    assert not lost.ok and lost.error.startswith("not received") and delivered.ok


def test_a_send_nobody_can_confirm_is_marked_not_repeated(owners, settings, caplog):
    """A provider that cannot say what it received (another backend now): the message is
    ``failed`` with ``maybe_sent`` and the reason, and never sent again."""
    message = _die_during_send(settings, "tests.notify.providers.DyingConsoleBackend", owners[0])
    settings.OWNERVOTE_SMS_BACKEND = FLAKY
    FlakySmsBackend.reset()
    ensure_sweep()
    with caplog.at_level(logging.ERROR, logger="ownervote.notify.outbox"):
        run_worker(at=message.lease_until + dt.timedelta(seconds=1))
    message.refresh_from_db()
    assert (message.status, message.maybe_sent) == (Status.FAILED, True)
    assert "cannot tell whether it got the message" in message.last_error
    assert FlakySmsBackend.calls == []
    assert any("not sent again" in r.getMessage() for r in caplog.records)
    # An operator's retry leaves it alone unless told that a second copy is acceptable.
    assert tasks.retry_failed([message.pk]) == 0
    assert tasks.retry_failed([message.pk], include_maybe_sent=True) == 1
    run_worker()
    message.refresh_from_db()
    assert message.status == Status.SENT and len(FlakySmsBackend.accepted) == 1


# --- WeChat template messages ----------------------------------------------------------------


@pytest.fixture
def wechat_on(settings):
    settings.OWNERVOTE_WECHAT = {
        **settings.OWNERVOTE_WECHAT,
        "app_id": "wx-test",
        "notice_template_id": "TPL-notice",
        "template_backend": "ownervote.identity.wechat.ConsoleTemplateSender",
    }
    ConsoleTemplateSender.reset()
    yield settings
    ConsoleTemplateSender.reset()


def test_a_linked_owner_gets_the_notice_on_wechat_instead_of_sms(owners, wechat_on, estates):  # R-VOTE-2
    zhang, li, _ = owners
    WeChatAccount.objects.create(user=zhang, app_id="wx-test", openid="o-zhang")
    with transaction.atomic():
        notify(users=[zhang, li], kind="vote.reminder", title="请在投票截止前投票", body="正文",
               link="/m/meetings/1/", estate=estates["a"], sms=True)  # fmt: skip
    run_worker()
    assert OutboxMessage.objects.get(user=zhang, channel="wechat").status == Status.SENT
    assert not OutboxMessage.objects.filter(user=zhang, channel="sms").exists()
    assert OutboxMessage.objects.get(user=li, channel="sms").status == Status.SENT
    (sent,) = ConsoleTemplateSender.outbox
    assert sent.openid == "o-zhang" and sent.template_id == "TPL-notice"
    assert sent.data["thing1"] == "请在投票截止前投票" and sent.data["thing2"] == "碧海花园"
    assert sent.url == "http://127.0.0.1:8000/m/meetings/1/"
    assert sent.client_msg_id == f"ownervote-{OutboxMessage.objects.get(user=zhang, channel='wechat').pk}"


def test_wechat_dead_worker_resent_only_inside_the_dedup_window(owners, wechat_on):
    """WeChat cannot be asked what it received, but drops a repeat with the same client_msg_id
    within 10 minutes: a dead worker's send is retried inside that window (the person still gets
    one message), and after it is marked and not repeated."""
    zhang, li, _ = owners
    WeChatAccount.objects.create(user=zhang, app_id="wx-test", openid="o-zhang")
    WeChatAccount.objects.create(user=li, app_id="wx-test", openid="o-li")
    wechat_on.OWNERVOTE_WECHAT = {
        **wechat_on.OWNERVOTE_WECHAT,
        "template_backend": "tests.notify.providers.DyingTemplateSender",
    }
    with transaction.atomic():
        notify(users=[zhang], kind="a", title="一", body="正文", sms=True, event="w:1")
    with pytest.raises(TaskFailed):
        run_worker()
    with transaction.atomic():
        notify(users=[li], kind="b", title="二", body="正文", sms=True, event="w:2")
    with pytest.raises(TaskFailed):
        run_worker()
    wechat_on.OWNERVOTE_WECHAT = {
        **wechat_on.OWNERVOTE_WECHAT, "template_backend": "ownervote.identity.wechat.ConsoleTemplateSender"
    }  # fmt: skip
    first = OutboxMessage.objects.get(event="w:1", channel="wechat")
    second = OutboxMessage.objects.get(event="w:2", channel="wechat")
    ensure_sweep()
    run_worker(at=first.lease_until + dt.timedelta(seconds=1))  # 5 minutes on: inside the window
    first.refresh_from_db()
    assert (first.status, first.attempts) == (Status.SENT, 2)
    assert [m.openid for m in ConsoleTemplateSender.outbox] == ["o-zhang", "o-li"]  # the repeat was dropped

    second.refresh_from_db()
    assert second.status == Status.SENT  # recovered in the same sweep, also inside its window
    # A dead send found after the window is not repeated.
    wechat_on.OWNERVOTE_WECHAT = {
        **wechat_on.OWNERVOTE_WECHAT,
        "template_backend": "tests.notify.providers.DyingTemplateSender",
    }
    with transaction.atomic():
        notify(users=[zhang], kind="c", title="三", body="正文", sms=True, event="w:3")
    with pytest.raises(TaskFailed):
        run_worker()
    wechat_on.OWNERVOTE_WECHAT = {
        **wechat_on.OWNERVOTE_WECHAT, "template_backend": "ownervote.identity.wechat.ConsoleTemplateSender"
    }  # fmt: skip
    third = OutboxMessage.objects.get(event="w:3", channel="wechat")
    run_worker(at=timezone.now() + dt.timedelta(minutes=15))
    third.refresh_from_db()
    assert (third.status, third.maybe_sent, third.attempts) == (Status.FAILED, True, 1)
    assert "not sent again" in third.last_error
    assert [m.data["thing1"] for m in ConsoleTemplateSender.outbox] == ["一", "二", "三"]
    assert not OutboxMessage.objects.filter(event="w:3", channel="sms").exists()  # no second copy by SMS


def test_a_linked_owner_who_unfollowed_gets_the_sms_instead(owners, wechat_on, settings):
    zhang = owners[0]
    account = WeChatAccount.objects.create(user=zhang, app_id="wx-test", openid="o-zhang")
    with transaction.atomic():
        notify(users=[zhang], kind="test", title="标题", body="正文", sms=True, event="u:1")
    account.delete()  # unlinked before the worker got to it
    run_worker()
    wechat = OutboxMessage.objects.get(event="u:1", channel="wechat")
    assert wechat.status == Status.FAILED and "no linked WeChat account" in wechat.last_error
    assert OutboxMessage.objects.get(event="u:1", channel="sms").status == Status.SENT
    assert SentSms.objects.filter(mobile_hash=zhang.mobile_hash, ok=True).count() == 1


# --- the sweep -------------------------------------------------------------------------------


def test_the_sweep_requeues_messages_a_dead_batch_left(owners):
    """A worker killed in the middle of a batch leaves its task RUNNING forever and the rest of
    the batch pending: after a lease's time the sweep queues them again."""
    with transaction.atomic():
        notify(users=owners, kind="test", title="标题", body="正文", sms=True)
    DBTaskResult.objects.filter(task_path="ownervote.notify.tasks.deliver").update(status="RUNNING")
    assert run_worker() == 0
    ensure_sweep()
    run_worker()  # too early: the batch may still be running
    assert OutboxMessage.objects.filter(channel="sms", status=Status.PENDING).count() == 3
    later = timezone.now() + dt.timedelta(seconds=tasks.config()["lease_seconds"] + 61)
    run_worker(at=later)
    assert OutboxMessage.objects.filter(channel="sms", status=Status.SENT).count() == 3
    assert SentSms.objects.filter(ok=True).count() == 3


def test_the_sweep_purges_old_codes_and_the_old_sms_log(owners, settings):  # R-SEC-1
    settings.OWNERVOTE_OUTBOX = {**settings.OWNERVOTE_OUTBOX, "sent_sms_retention_days": 30}
    now = timezone.now()
    for age in (dt.timedelta(hours=23), dt.timedelta(hours=25)):
        code = SmsCode.objects.create(
            mobile_hash="h", mobile_masked="139****0001", purpose="sign_in", code_hash="x", expires_at=now
        )
        SmsCode.objects.filter(pk=code.pk).update(created_at=now - age)
    from ownervote.identity.sms import send_sms

    old = send_sms(mobile="13900000001", template="notice", params={"title": "旧"})
    SentSms.objects.filter(pk=old.pk).update(sent_at=now - dt.timedelta(days=31))
    recent = send_sms(mobile="13900000001", template="notice", params={"title": "新"})
    counts = tasks.sweep_once()
    assert counts["sms_codes_purged"] == 1 and counts["sent_sms_purged"] == 1
    assert SmsCode.objects.count() == 1
    assert list(SentSms.objects.values_list("pk", flat=True)) == [recent.pk]


# --- what an operator sees ---------------------------------------------------------------------


def test_outbox_command_shows_the_state_and_sends_failed_messages_again(owners, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.OWNERVOTE_SMS_BACKEND = "tests.notify.providers.IllegalNumberBackend"
    with transaction.atomic():
        notify(users=owners[:2], kind="test", title="标题", body="正文", sms=True, event="op:1")
    run_worker()
    out = StringIO()
    call_command("outbox", stdout=out)
    text = out.getvalue()
    assert "inbox    sent           2" in text and "sms      failed         2" in text
    assert "op:1 sms" in text and "isv.MOBILE_NUMBER_ILLEGAL" in text

    settings.OWNERVOTE_SMS_BACKEND = "ownervote.identity.sms.backends.ConsoleBackend"
    failed = list(OutboxMessage.objects.filter(status=Status.FAILED).values_list("pk", flat=True))
    out = StringIO()
    call_command("outbox", "--retry", *map(str, failed), stdout=out)
    assert out.getvalue().strip() == "2 message(s) queued again"
    run_worker()
    assert OutboxMessage.objects.filter(channel="sms", status=Status.SENT).count() == 2
    # Only failed messages are sent again: a sent one is left alone.
    out = StringIO()
    call_command("outbox", "--retry", *map(str, failed), stdout=out)
    assert out.getvalue().strip() == "0 message(s) queued again"


@pytest.mark.urls("tests.notify.admin_urls")
def test_admin_lists_the_outbox_with_each_attempt(owners, flaky, admin_client):
    flaky.reset(failures=1)
    with transaction.atomic():
        notify(users=[owners[0]], kind="test.admin", title="标题", body="正文", sms=True, event="adm:1")
    run_worker()
    message = _sms(owners[0])
    listing = admin_client.get("/admin/notify/outboxmessage/", {"status__exact": "pending"})
    assert listing.status_code == 200 and "adm:1" in listing.content.decode()
    page = admin_client.get(f"/admin/notify/outboxmessage/{message.pk}/change/").content.decode()
    assert "isp.SYSTEM_ERROR" in page and str(message.next_attempt_at.year) in page
    # The action sends failed messages again and leaves the rest.
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.FAILED)
    response = admin_client.post(
        "/admin/notify/outboxmessage/",
        {"action": "send_again", "_selected_action": [message.pk]},
        follow=True,
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.attempts == 0


@given(
    attempts=st.integers(min_value=1, max_value=60),
    share=st.floats(min_value=0, max_value=1),
    base=st.floats(min_value=1, max_value=600),
    cap=st.floats(min_value=1, max_value=86_400),
)
def test_backoff_doubles_up_to_the_cap_less_at_most_a_fifth(attempts, share, base, cap):
    with override_settings(OWNERVOTE_OUTBOX={"backoff_base_seconds": base, "backoff_max_seconds": cap}):
        wait = tasks.backoff(attempts, jitter=share).total_seconds()
        nominal = min(base * 2 ** (attempts - 1), cap)
        assert nominal * 0.8 - 1e-6 <= wait <= nominal + 1e-6
        # Never shorter than the try before it (for the same draw), never past the cap.
        assert tasks.backoff(attempts + 1, jitter=share).total_seconds() >= wait - 1e-6
        assert wait <= cap + 1e-6
