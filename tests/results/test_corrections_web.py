"""Paper ballots after the publicity and corrections, through the API and the console and public
pages (R-SEC-6; issue 19, point 2). The services are tested in test_corrections.py."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from ownervote.results.models import ResultCorrection
from ownervote.results.services import corrections, results
from ownervote.results.tables.flats import flats_html
from ownervote.results.tables.result import result_html, result_xlsx
from ownervote.voting.models import BallotSeal, CountSession
from ownervote.voting.services import paper
from tests.results.test_corrections import LATE, REASON, enter, publicised  # noqa: F401
from tests.results.test_services import closed_world, publicise, window_over  # noqa: F401
from tests.voting.paper_fixtures import open_session

from .scans import uploads

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def correct_through_the_services(w: dict):
    """Correction started, the late ballot counted, v2 generated, submitted and publicised."""
    meeting = w["meeting"]
    corrections.correction_start(actor=w["convener"], meeting_id=meeting.pk, reason=REASON)
    session = open_session(w["convener"], meeting)
    enter(w, session)
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    results.result_generate(actor=w["convener"], meeting_id=meeting.pk)
    results.result_submit(actor=w["convener"], meeting_id=meeting.pk, **uploads())
    window_over(w)
    publicise(w)


# --- API -----------------------------------------------------------------------------------------


def test_api_refuses_a_count_after_the_publicity_then_corrects(publicised):  # noqa: F811 - R-SEC-6
    w = publicised
    m = w["meeting"].pk
    c = client(w["convener"])
    sealed = c.post(
        f"/api/voting/meetings/{m}/count-sessions",
        {"caller": "陈", "counter": "林", "scrutineer": "黄"},
        content_type="application/json",
    )
    assert sealed.status_code == 409
    error = sealed.json()["error"]
    assert error["code"] == "ballot.sealed" and "表决结果已公示" in error["message"]
    assert not CountSession.objects.filter(meeting_id=m).exists()

    blank = c.post(
        f"/api/results/meetings/{m}/result/corrections", {"reason": "  "}, content_type="application/json"
    )
    assert blank.status_code == 422 and blank.json()["error"]["code"] == "result.correction_reason_required"
    again = c.post(
        f"/api/results/meetings/{m}/result", {"reason": "重新生成"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "result.correction_required"

    started = c.post(
        f"/api/results/meetings/{m}/result/corrections", {"reason": REASON}, content_type="application/json"
    )
    assert started.status_code == 201, started.content
    assert started.json() | {"opened_at": None} == {
        "id": ResultCorrection.objects.get().pk,
        "corrects": 1,
        "reason": REASON,
        "opened_at": None,
        "version": None,
        "completed_at": None,
    }
    assert c.get(f"/api/results/meetings/{m}/result").json()["correction"]["reason"] == REASON
    dup = c.post(
        f"/api/results/meetings/{m}/result/corrections", {"reason": "x"}, content_type="application/json"
    )
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "result.correction_open"
    opened = c.post(
        f"/api/voting/meetings/{m}/count-sessions",
        {"caller": "陈", "counter": "林", "scrutineer": "黄"},
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.content


def test_api_street_office_may_not_correct(publicised):  # noqa: F811 - R-SEC-6
    w = publicised
    refused = client(w["street"]).post(
        f"/api/results/meetings/{w['meeting'].pk}/result/corrections",
        {"reason": REASON},
        content_type="application/json",
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "result.forbidden"
    assert not ResultCorrection.objects.exists()


def test_api_marks_the_correcting_version_for_everybody(publicised):  # noqa: F811 - R-SEC-6
    w = publicised
    correct_through_the_services(w)
    m = w["meeting"].pk
    versions = client(w["convener"]).get(f"/api/results/meetings/{m}/result").json()["versions"]
    assert [(v["number"], v["corrects"]) for v in versions] == [
        (2, {"number": 1, "reason": REASON}),
        (1, None),
    ]
    public = Client().get(f"/api/results/public/meetings/{m}/result").json()
    assert public["version"] == 2 and public["corrects"] == {"number": 1, "reason": REASON}


def test_openapi_documents_the_correction(publicised, client):  # noqa: F811 - R-SEC-6
    schema = client.get("/api/openapi.json").json()
    op = schema["paths"]["/api/results/meetings/{meeting_id}/result/corrections"]["post"]
    assert {"201", "409", "422"} <= set(op["responses"])
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][ref]["required"] == ["reason"]


# --- pages ---------------------------------------------------------------------------------------


def test_console_refuses_the_count_and_offers_the_correction(publicised):  # noqa: F811 - R-SEC-6
    w = publicised
    m = w["meeting"].pk
    c = client(w["convener"])
    page = c.get(f"/console/meetings/{m}/result/").content.decode()
    assert 'id="correction-form"' in page and 'id="generate-form"' not in page
    count = c.post(
        f"/console/meetings/{m}/count/",
        {"caller": "陈", "counter": "林", "scrutineer": "黄"},
        follow=True,
    )
    assert "表决结果已公示" in count.content.decode()
    assert not CountSession.objects.filter(meeting_id=m).exists()

    blank = c.post(f"/console/meetings/{m}/result/correction", {"reason": " "})
    assert blank.status_code == 422 and "请说明更正已公示结果的理由" in blank.content.decode()
    assert not ResultCorrection.objects.exists() and BallotSeal.objects.get(meeting_id=m).sealed

    done = c.post(f"/console/meetings/{m}/result/correction", {"reason": REASON}, follow=True)
    body = done.content.decode()
    assert done.status_code == 200 and 'id="correction-open"' in body and REASON in body
    assert 'id="generate-form"' in body and not BallotSeal.objects.get(meeting_id=m).sealed


def test_public_page_and_documents_say_correction(publicised, client):  # noqa: F811 - R-SEC-6
    w = publicised
    m = w["meeting"].pk
    corrections.correction_start(actor=w["convener"], meeting_id=m, reason=REASON)
    during = client.get(f"/p/meetings/{m}/result/").content.decode()
    assert 'id="rp-correction-open"' in during and REASON in during
    session = open_session(w["convener"], w["meeting"])
    enter(w, session)
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    results.result_generate(actor=w["convener"], meeting_id=m)
    results.result_submit(actor=w["convener"], meeting_id=m, **uploads())
    window_over(w)
    publicise(w)
    page = client.get(f"/p/meetings/{m}/result/").content.decode()
    assert 'id="rp-corrects"' in page and "本结果更正" in page and "（第 1 版）" in page and REASON in page
    assert 'id="rp-correction-open"' not in page
    console = Client()
    console.force_login(w["convener"])
    listing = console.get(f"/console/meetings/{m}/result/").content.decode()
    assert 'data-corrects="1"' in listing and "更正第 1 版" in listing
    assert "更正已公示的第 1 版" in console.get(f"/console/meetings/{m}/result/v2/").content.decode()
    v2 = results.current(w["meeting"])
    assert "更正已公示的第 1 版" in result_html(v2) and REASON in flats_html(v2)
    sheet = load_workbook(io.BytesIO(result_xlsx(v2))).active
    assert any("更正已公示的第 1 版" in str(c.value) for row in sheet.iter_rows(max_row=6) for c in row)
