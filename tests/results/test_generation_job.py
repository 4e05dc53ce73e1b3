"""Generating the result in the background (issue 21 item 5; R-RES-1): the button's service refuses
at once, records the request and queues one job; the worker generates the version as the person
who asked, reporting its progress; a second click while it is queued or running gets the same job
(the database constraint ``core_job_one_active``, also under concurrent requests on PostgreSQL); a
refusal found by the worker fails the job with its message, and the button starts it again."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ownervote.audit.models import AuditEvent
from ownervote.core import jobs
from ownervote.core.errors import Conflict, Forbidden, InvalidInput
from ownervote.core.models import BackgroundJob
from ownervote.notify.testing import run_worker
from ownervote.results.models import Result
from ownervote.results.services import generation, results
from ownervote.voting.models import CountSession

from .test_services import generated, make_closed

pytestmark = pytest.mark.django_db
TASK = "ownervote.results.services.generation.generate_result"
R = "/api/results"


GENERATION = BackgroundJob.objects.filter(kind="result.generate")  # the opening has its own job


@pytest.fixture
def closed_world(voting_world):
    return make_closed(voting_world)


def start(w, reason: str = "") -> BackgroundJob:
    return generation.result_generation_start(actor=w["convener"], meeting_id=w["meeting"].pk, reason=reason)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- the service and the task ------------------------------------------------------------------


def test_r_res_1_the_request_queues_one_job_and_the_worker_generates_the_version(closed_world):
    w = closed_world
    job = start(w)
    assert (job.status, job.kind, job.target_type, job.target_id) == (
        "queued",
        "result.generate",
        "meetings.meeting",
        w["meeting"].pk,
    )
    assert job.requested_by == w["convener"] and job.percent == 0
    assert not Result.objects.exists()  # nothing generated inside the request
    asked = AuditEvent.objects.get(action="result.generation_requested")
    assert asked.summary["job"] == job.pk

    again = start(w)  # the second click: the same job, nothing recorded or queued again
    assert again.pk == job.pk
    assert AuditEvent.objects.filter(action="result.generation_requested").count() == 1
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1

    run_worker()
    job.refresh_from_db()
    version = Result.objects.get()
    assert job.status == "done" and job.percent == 100 and job.done == job.total == results.BUILD_STEPS
    assert job.outcome == {
        "number": 1,
        "url": reverse("results:version", args=[w["meeting"].pk, 1]),
    }
    assert job.started_at and job.finished_at and job.error == ""
    generated_event = AuditEvent.objects.get(action="result.generated")
    assert generated_event.summary["digest"] == version.digest and version.generated_by == w["convener"]


def test_r_res_1_refusals_are_immediate_and_nothing_is_queued(voting_world):
    w = voting_world
    with pytest.raises(Conflict) as not_closed:
        start(w)
    assert not_closed.value.code == "result.voting_not_closed"
    w = make_closed(w)
    generated(w)
    with pytest.raises(InvalidInput) as no_reason:
        start(w)  # a second version needs its reason
    assert no_reason.value.code == "result.reason_required"
    assert not GENERATION.exists() and not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_a_refusal_found_by_the_worker_fails_the_job_and_the_button_retries(closed_world):
    w = closed_world
    job = start(w)
    CountSession.objects.create(  # a paper count opened after the click
        meeting=w["meeting"], caller="陈", counter="林", scrutineer="黄", opened_by=w["convener"]
    )
    run_worker()
    job.refresh_from_db()
    assert job.status == "failed" and "纸质" in job.error  # the refusal, in Chinese
    assert not Result.objects.exists()
    CountSession.objects.all().delete()
    retry = start(w)
    assert retry.pk != job.pk and retry.status == "queued"
    run_worker()
    retry.refresh_from_db()
    assert retry.status == "done" and Result.objects.get().number == 1


def test_the_task_run_twice_does_the_work_once(closed_world):
    w = closed_world
    job = start(w)
    run_worker()
    assert generation.generate_result.call(job_id=job.pk) == "skipped"
    assert Result.objects.count() == 1


def test_the_database_allows_one_active_job_per_kind_and_object(closed_world):
    w = closed_world
    fields = {"kind": "result.generate", "target_type": "meetings.meeting", "target_id": w["meeting"].pk}
    BackgroundJob.objects.create(**fields, status="done")
    BackgroundJob.objects.create(**fields, status="failed")
    BackgroundJob.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        BackgroundJob.objects.create(**fields, status="running")
    with pytest.raises(IntegrityError), transaction.atomic():
        BackgroundJob.objects.create(**fields, done=3, total=2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions: PostgreSQL")
def test_two_concurrent_clicks_get_one_job_on_postgresql(staff):
    """Two requests insert the same job at once: the second waits for the first's commit on the
    partial unique index, then gets the first job (``jobs.start``)."""
    target = staff["convener"]
    barrier = threading.Barrier(2)
    got: list[int] = []

    def click():
        try:
            barrier.wait()
            with transaction.atomic():
                job, _ = jobs.start(
                    kind="test.concurrent", target=target, actor=None, task=generation.generate_result
                )
                got.append(job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 2 and got[0] == got[1]
    assert BackgroundJob.objects.filter(kind="test.concurrent").count() == 1


# --- the page and the API ----------------------------------------------------------------------


def test_the_page_shows_the_progress_bar_then_the_outcome(closed_world):
    w = closed_world
    m = w["meeting"].pk
    c = client_for(w["convener"])
    done = c.post(reverse("results:generate", args=[m]))
    assert done.status_code == 302
    html = c.get(reverse("results:console", args=[m])).content.decode()
    assert 'id="rr-job"' in html and 'data-status="queued"' in html
    assert "<progress" in html and 'id="rr-job-percent">0%<' in html
    assert f'hx-get="{reverse("results:job", args=[m])}"' in html and "正在生成投票结果" in html

    job = GENERATION.get()
    GENERATION.filter(pk=job.pk).update(status="running", done=3, total=5)  # the worker part-way
    fragment = c.get(reverse("results:job", args=[m])).content.decode()
    assert 'value="60"' in fragment and "60%" in fragment and "hx-trigger" in fragment
    GENERATION.filter(pk=job.pk).update(status="queued", done=0, total=0)

    run_worker()
    fragment = c.get(reverse("results:job", args=[m])).content.decode()
    assert 'id="rr-job-done"' in fragment and "hx-trigger" not in fragment  # polling stops
    assert reverse("results:version", args=[m, 1]) in fragment


def test_a_failed_job_shows_its_error_and_the_button(closed_world):
    w = closed_world
    m = w["meeting"].pk
    job = start(w)
    GENERATION.filter(pk=job.pk).update(status="failed", error="出错了")
    html = client_for(w["convener"]).get(reverse("results:console", args=[m])).content.decode()
    assert 'id="rr-job-error"' in html and "出错了" in html and 'id="generate"' in html


def test_the_api_answers_the_same_job_to_a_second_request(closed_world):
    w = closed_world
    m = w["meeting"].pk
    c = client_for(w["convener"])
    nothing = c.get(f"{R}/meetings/{m}/result/job")
    assert nothing.status_code == 404 and nothing.json()["error"]["code"] == "result.job_not_found"
    first = c.post(f"{R}/meetings/{m}/result", {}, content_type="application/json")
    second = c.post(f"{R}/meetings/{m}/result", {}, content_type="application/json")
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    run_worker()
    status = c.get(first.json()["status_url"]).json()
    assert status["status"] == "done" and status["version"] == 1 and status["error"] == ""


# --- the retry of a failed generation ------------------------------------------------------------


def test_r_res_1_a_failed_generation_is_retried_with_its_reason(closed_world):
    """The worker found a count opened after the click: the job failed. The retry refuses at once
    while the count is open, then queues the same job again (its reason kept), audited."""
    w = closed_world
    job = start(w)
    count = CountSession.objects.create(
        meeting=w["meeting"], caller="陈", counter="林", scrutineer="黄", opened_by=w["convener"]
    )
    run_worker()
    with pytest.raises(Conflict) as still_open:
        generation.result_generation_retry(actor=w["convener"], meeting_id=w["meeting"].pk)
    assert still_open.value.code == "result.count_open"
    assert GENERATION.get().status == "failed"
    count.delete()
    with pytest.raises(Forbidden):
        generation.result_generation_retry(actor=w["street"], meeting_id=w["meeting"].pk)
    retried = generation.result_generation_retry(actor=w["convener"], meeting_id=w["meeting"].pk)
    assert (retried.pk, retried.status, retried.error, retried.retries) == (job.pk, "queued", "", 1)
    event = AuditEvent.objects.get(action="result.generation_retried")
    assert event.summary == {"meeting": w["meeting"].pk, "job": job.pk, "retries": 1}
    with pytest.raises(Conflict) as queued:
        generation.result_generation_retry(actor=w["convener"], meeting_id=w["meeting"].pk)
    assert queued.value.code == "job.not_failed"
    run_worker()
    retried.refresh_from_db()
    assert retried.status == "done" and Result.objects.get().number == 1


def test_the_result_page_and_api_retry_a_failed_generation(closed_world):
    w = closed_world
    m = w["meeting"].pk
    c = client_for(w["convener"])
    assert c.post(reverse("results:job_retry", args=[m])).status_code == 302  # nothing asked: back
    job = start(w)
    GENERATION.filter(pk=job.pk).update(status="failed", error="出错了")
    html = c.get(reverse("results:console", args=[m])).content.decode()
    assert 'id="rr-job-retry"' in html and "按原来的请求重新生成" in html
    street_html = client_for(w["street"]).get(reverse("results:console", args=[m])).content.decode()
    assert 'id="rr-job-error"' in street_html and 'id="rr-job-retry"' not in street_html

    assert c.post(reverse("results:job_retry", args=[m])).status_code == 302
    assert GENERATION.get().status == "queued"
    refused = c.post(f"{R}/meetings/{m}/result/job/retry")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "job.not_failed"
    GENERATION.filter(pk=job.pk).update(status="failed", error="出错了")
    status = c.get(f"{R}/meetings/{m}/result/job").json()
    assert status["retry_url"] == f"{R}/meetings/{m}/result/job/retry" and status["retries"] == 1
    again = c.post(status["retry_url"])
    assert again.status_code == 202 and again.json()["id"] == job.pk and again.json()["retries"] == 2
    run_worker()
    assert c.get(status["status_url"]).json()["version"] == 1
