"""The opening's invitations as a background job (issue 21 item 5; R-VOTE-4: each eligible person is
told how they vote): its progress counts the people told; a failed run is resumed by the convener
(service, page, API), telling only those not told yet, so that nobody gets the invitation twice;
a run whose worker died is marked failed by the next worker's tick once its heartbeat is stale
(``core.jobs.reap_stale``, driven here by a controlled clock), then resumed the same way."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from unittest.mock import patch

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.core import jobs, periodic
from ownervote.core.errors import Conflict, Forbidden, NotFound
from ownervote.core.models import BackgroundJob
from ownervote.meetings.models import Meeting
from ownervote.notify.models import Notification
from ownervote.notify.testing import run_worker
from ownervote.voting.services import invitations, opening
from tests.owners import bind, verified_person
from tests.rosterfiles import mobile, person_id

from .test_voting_open import _long_ago

pytestmark = pytest.mark.django_db
R = "/api/voting"


@pytest.fixture
def world(owner_world, staff, make_meeting, monkeypatch):
    """zhang and li voting electronically (bound a month ago: one shared message); wang (1栋-102)
    and zhao (1栋-201) bound during the publicity, so each gets their own paper-only message. One
    person a batch, so that a run can stop between two of them."""
    monkeypatch.setattr(opening, "INVITE_BATCH", 1)
    zhao = verified_person(mobile(4), "赵六", person_id(4))
    _long_ago(owner_world["zhang"], owner_world["li"])
    meeting = make_meeting(25, "published")
    bind(owner_world["wang"], owner_world["flats"]["1栋-102"])
    bind(zhao, owner_world["flats"]["1栋-201"])
    with patch("django.utils.timezone.now", return_value=meeting.voting_opens_at):
        opening.voting_open(meeting_id=meeting.pk)
    meeting.refresh_from_db()
    people = {k: owner_world[k] for k in ("zhang", "li", "wang")} | {"zhao": zhao}
    NAMES.clear()
    NAMES.update(
        {u.pk: name for u, name in zip(people.values(), ("张三", "李四", "王五", "赵六"), strict=True)}
    )
    job = BackgroundJob.objects.get(kind="voting.invite", target_id=meeting.pk)
    return {**owner_world, **people, "people": people, "meeting": meeting, "job": job, "staff": staff}


class Calls:
    """``opening.notify`` recording who each call tells, failing with ``error`` when it reaches
    ``stop_at`` (the worker's run stops there; that batch's transaction rolls back)."""

    def __init__(self, stop_at=None, error: type[BaseException] = RuntimeError):
        self.told: list[str] = []
        self.stop_at, self.error = stop_at, error

    def __call__(self, *, users, **kwargs):
        if self.stop_at is not None and self.stop_at in users:
            raise self.error("the worker stops here")
        self.told.extend(NAMES.get(u.pk, u.pk) for u in users)
        return real_notify(users=users, **kwargs)


real_notify = opening.notify
NAMES: dict[int, str] = {}  # user id -> name, for the world's four people


def invitations_of(world) -> Counter:
    rows = Notification.objects.filter(kind="meeting.voting_open", user__in=world["people"].values())
    return Counter(NAMES[pk] for pk in rows.values_list("user_id", flat=True))


def everyone_told_once(world) -> bool:
    return invitations_of(world) == Counter({"张三": 1, "李四": 1, "王五": 1, "赵六": 1})


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- the service ----------------------------------------------------------------------------------


def test_r_vote_4_a_failed_run_is_resumed_and_nobody_is_told_twice(world):
    job, convener = world["job"], world["staff"]["convener"]
    first = Calls(stop_at=world["zhao"])
    with patch.object(opening, "notify", first), pytest.raises(RuntimeError):
        opening.tell_voters.call(job_id=job.pk)
    job.refresh_from_db()
    assert first.told == ["张三", "李四", "王五"]  # the shared message, then wang's; zhao's failed
    assert (job.status, job.done, job.total) == ("failed", 3, 4) and "重试" in job.error
    assert invitations_of(world) == Counter({"张三": 1, "李四": 1, "王五": 1})

    retried = invitations.invitation_retry(actor=convener, meeting_id=world["meeting"].pk)
    assert (retried.pk, retried.status, retried.done, retried.total, retried.retries) == (
        job.pk,
        "queued",
        3,
        4,
        1,
    )
    event = AuditEvent.objects.get(action="meeting.invitations_retried")
    assert event.summary == {
        "meeting": world["meeting"].pk,
        "job": job.pk,
        "told": 3,
        "people": 4,
        "retries": 1,
    }

    second = Calls()
    with patch.object(opening, "notify", second):
        run_worker(at=world["meeting"].voting_opens_at)
    job.refresh_from_db()
    assert second.told == ["赵六"]  # resumed after the people told: nobody is sent it again
    assert (job.status, job.done, job.total, job.outcome["people"]) == ("done", 4, 4, 4)
    assert everyone_told_once(world)


def test_a_retry_is_the_conveners_and_only_of_a_failed_job_while_the_voting_is_open(world):
    job, staff, m = world["job"], world["staff"], world["meeting"].pk
    with pytest.raises(Conflict) as queued:
        invitations.invitation_retry(actor=staff["convener"], meeting_id=m)
    assert queued.value.code == "job.not_failed"
    BackgroundJob.objects.filter(pk=job.pk).update(status="failed", error="出错了")
    with pytest.raises(Forbidden) as street:
        invitations.invitation_retry(actor=staff["street"], meeting_id=m)
    assert street.value.code == "meeting.forbidden"
    with pytest.raises(Forbidden):
        invitations.invitation_retry(actor=world["zhang"], meeting_id=m)  # an owner sees the meeting
    with pytest.raises(NotFound):
        invitations.invitation_retry(actor=staff["other_convener"], meeting_id=m)
    Meeting.objects.filter(pk=m).update(status=Meeting.Status.CLOSED)
    with pytest.raises(Conflict) as closed:
        invitations.invitation_retry(actor=staff["convener"], meeting_id=m)
    assert closed.value.code == "meeting.voting_not_open"
    assert BackgroundJob.objects.get(pk=job.pk).status == "failed"
    assert not AuditEvent.objects.filter(action="meeting.invitations_retried").exists()


def test_a_meeting_not_opened_has_no_invitation_job(owner_world, staff, make_meeting):
    meeting = make_meeting(25, "published")
    with pytest.raises(NotFound) as none:
        invitations.invitation_job(actor=staff["convener"], meeting_id=meeting.pk)
    assert none.value.code == "invitations.job_not_found"


# --- the worker that died -------------------------------------------------------------------------


def test_a_run_whose_worker_died_is_marked_failed_by_the_tick_then_resumed(world):
    """The worker process is killed after wang's message (SystemExit is no error ``jobs.run``
    catches: the job stays running, as when the process dies). The next worker's tick marks it
    failed only once the heartbeat is older than OWNERVOTE_JOB_STALE_SECONDS."""
    job, stale = world["job"], settings.OWNERVOTE_JOB_STALE_SECONDS
    t0 = timezone.now().replace(microsecond=0)
    killed = Calls(stop_at=world["zhao"], error=SystemExit)
    with (
        time_machine.travel(t0, tick=False),
        patch.object(opening, "notify", killed),
        pytest.raises(SystemExit),
    ):
        opening.tell_voters.call(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.heartbeat_at) == ("running", 3, 4, t0)

    with time_machine.travel(t0 + dt.timedelta(seconds=stale), tick=False):
        periodic.tick()  # no heartbeat for exactly the limit: still running
    assert BackgroundJob.objects.get(pk=job.pk).status == "running"
    with time_machine.travel(t0 + dt.timedelta(seconds=stale + 1), tick=False):
        periodic.tick()
    job.refresh_from_db()
    assert (job.status, job.done) == ("failed", 3) and "后台" in job.error
    assert job.finished_at == t0 + dt.timedelta(seconds=stale + 1)

    invitations.invitation_retry(actor=world["staff"]["convener"], meeting_id=world["meeting"].pk)
    resumed = Calls()
    with patch.object(opening, "notify", resumed):
        run_worker(at=world["meeting"].voting_opens_at)
    assert resumed.told == ["赵六"] and everyone_told_once(world)
    assert BackgroundJob.objects.get(pk=job.pk).status == "done"


def test_the_reaper_leaves_live_and_finished_jobs_alone(world):
    """Only running jobs without a recent heartbeat are marked; a job claimed before any report
    counts from when it started."""
    stale = settings.OWNERVOTE_JOB_STALE_SECONDS
    now = timezone.now()
    old = now - dt.timedelta(seconds=stale + 1)
    target = {"target_type": "meetings.meeting", "target_id": world["meeting"].pk}
    BackgroundJob.objects.create(kind="t.queued", created_at=old, **target)
    BackgroundJob.objects.create(kind="t.done", status="done", started_at=old, heartbeat_at=old, **target)
    BackgroundJob.objects.create(
        kind="t.live", status="running", started_at=old, heartbeat_at=now - dt.timedelta(seconds=5), **target
    )
    BackgroundJob.objects.create(kind="t.silent", status="running", started_at=old, **target)
    assert jobs.reap_stale(now) == 1
    statuses = dict(BackgroundJob.objects.filter(kind__startswith="t.").values_list("kind", "status"))
    assert statuses == {"t.queued": "queued", "t.done": "done", "t.live": "running", "t.silent": "failed"}
    assert jobs.reap_stale(now) == 0  # a second worker's tick finds nothing left


# --- the page and the API -------------------------------------------------------------------------


def test_the_meeting_page_shows_people_told_and_the_retry(world):
    job, staff, m = world["job"], world["staff"], world["meeting"].pk
    page = reverse("meetings:detail", args=[m])
    convener, street = client_for(staff["convener"]), client_for(staff["street"])
    BackgroundJob.objects.filter(pk=job.pk).update(status="running", done=2, total=4)
    html = convener.get(page).content.decode()
    assert 'id="mt-invite-bar"' in html and 'value="50"' in html and 'id="mt-invite-percent">50%<' in html
    assert "已通知 2 / 4 人" in html and "hx-select" in html  # the shared bar, polled while running

    BackgroundJob.objects.filter(pk=job.pk).update(status="failed", done=0, error="出错了")  # before anyone
    html = convener.get(page).content.decode()
    assert 'id="mt-invite-error"' in html and "出错了" in html and 'id="mt-invite-retry"' in html
    assert "停止前已通知 0 / 4 人" in html
    assert "hx-select" not in html
    assert 'id="mt-invite-retry"' not in street.get(page).content.decode()  # the street office watches

    done = convener.post(reverse("voting:invitations_retry", args=[m]))
    assert done.status_code == 302 and done["Location"] == page
    assert BackgroundJob.objects.get(pk=job.pk).status == "queued"
    html = convener.get(page).content.decode()
    assert "正在向尚未通知的人重新发送投票通知" in html and 'data-status="queued"' in html
    run_worker(at=world["meeting"].voting_opens_at)
    assert 'id="mt-invite-done"' in convener.get(page).content.decode() and everyone_told_once(world)

    again = convener.post(reverse("voting:invitations_retry", args=[m]), follow=True)
    assert "只有失败的后台任务可以重试" in again.content.decode()  # done: refused, shown on the page


def test_the_api_shows_the_job_as_the_results_does_and_retries_it(world):
    job, m = world["job"], world["meeting"].pk
    c = client_for(world["staff"]["convener"])
    got = c.get(f"{R}/meetings/{m}/invitations/job")
    assert got.status_code == 200
    body = got.json()
    assert body["id"] == job.pk and body["status"] == "queued" and body["people"] is None
    assert body["status_url"] == f"{R}/meetings/{m}/invitations/job"
    assert body["retry_url"] == f"{R}/meetings/{m}/invitations/job/retry"
    refused = c.post(body["retry_url"])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "job.not_failed"

    with patch.object(opening, "notify", Calls(stop_at=world["zhao"])), pytest.raises(RuntimeError):
        opening.tell_voters.call(job_id=job.pk)
    failed = c.get(body["status_url"]).json()
    assert (failed["status"], failed["done"], failed["total"], failed["percent"]) == ("failed", 3, 4, 75)
    retried = c.post(body["retry_url"])
    assert retried.status_code == 202
    assert (retried.json()["id"], retried.json()["status"], retried.json()["retries"]) == (
        job.pk,
        "queued",
        1,
    )
    run_worker(at=world["meeting"].voting_opens_at)
    final = c.get(body["status_url"]).json()
    assert (final["status"], final["people"], final["error"]) == ("done", 4, "")
    assert everyone_told_once(world)
