"""The signed table (art. 25, R-RES-2): the convener submits the scans of the printed result table and
per-flat table, sealed and signed by the scrutineers; their SHA-256 is kept with the version; the
supervising office downloads both; owners (anybody) read the signed result table once publicised.
A submission without the scans, or with a file that is not a scan or is too large, is refused with
a clear message and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import InvalidInput, NotFound
from ownervote.core.files import read
from ownervote.core.models import StoredFile
from ownervote.results.models import Result
from ownervote.results.services import results, scans
from tests.pdfs import minimal_pdf

from .scans import FLATS_PNG, NOT_A_SCAN, RESULT_PDF, files, sha, uploads
from .test_services import generated, make_closed, publicise, refused, state, window_over

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_world(voting_world):
    return make_closed(voting_world)


def submit(w, **kw):
    return results.result_submit(actor=w["convener"], meeting_id=w["meeting"].pk, **kw)


def client_for(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


# --- the service -----------------------------------------------------------------------------------


def test_r_res_2_submission_keeps_both_scans_and_their_sha256(closed_world):
    w = closed_world
    generated(w)
    done = submit(w, **uploads())
    assert (done.result_scan_sha256, done.flats_scan_sha256) == (sha(RESULT_PDF), sha(FLATS_PNG))
    assert read(done.result_scan) == RESULT_PDF and done.result_scan.content_type == "application/pdf"
    assert read(done.flats_scan) == FLATS_PNG and done.flats_scan.content_type == "image/png"
    assert bytes(done.result_scan.data_enc) != RESULT_PDF  # encrypted at rest
    event = AuditEvent.objects.get(action="result.submitted")
    assert event.summary["result_scan_sha256"] == sha(RESULT_PDF)
    assert event.summary["flats_scan_sha256"] == sha(FLATS_PNG)


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({}, "result.scan_required", "result_scan"),
        ({"result_scan": uploads()["result_scan"]}, "result.scan_required", "flats_scan"),
        (uploads(result=b""), "result.scan_required", "result_scan"),
        (uploads(result=NOT_A_SCAN), "result.scan_type", "result_scan"),
        (uploads(flats=b"<html>not a scan</html>"), "result.scan_type", "flats_scan"),
        # only starts like a PDF (issue 22 item 10): a scan is a whole file
        (uploads(result=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), "file.not_pdf", "fields"),
    ],
)
def test_r_res_2_a_submission_without_proper_scans_is_refused(closed_world, kw, code, field):
    w = closed_world
    generated(w)
    files_before = StoredFile.objects.count()
    refused(InvalidInput, code, lambda: submit(w, **kw))
    assert StoredFile.objects.count() == files_before
    with pytest.raises(InvalidInput) as caught:
        submit(w, **kw)
    assert field in caught.value.details
    assert Result.objects.get().submitted_at is None


@override_settings(OWNERVOTE_MAX_UPLOAD_BYTES=max(len(RESULT_PDF), len(FLATS_PNG)) + 10)
def test_r_res_2_a_scan_too_large_is_refused(closed_world):
    w = closed_world
    generated(w)
    before = (state(), StoredFile.objects.count())
    with pytest.raises(InvalidInput) as caught:
        submit(w, **uploads(flats=FLATS_PNG + b"\x00" * len(RESULT_PDF)))
    assert caught.value.code == "file.too_large" and "flats_scan" in caught.value.details
    assert (state(), StoredFile.objects.count()) == before


def test_r_res_2_the_supervising_office_downloads_the_scans_owners_do_not(closed_world, staff):
    w = closed_world
    generated(w)
    submit(w, **uploads())
    m = w["meeting"].pk
    content, name, mime = scans.scan_read(actor=w["street"], meeting_id=m, number=1, kind="flats")
    assert (content, mime) == (FLATS_PNG, "image/png") and name.endswith("-v1.png")
    event = AuditEvent.objects.filter(action="result.scan_downloaded").get()
    assert event.summary["kind"] == "flats" and event.summary["sha256"] == sha(FLATS_PNG)
    assert scans.scan_read(actor=staff["district"], meeting_id=m, number=1, kind="result")[0] == RESULT_PDF
    for outsider in (w["zhang"], staff["other_street"]):
        with pytest.raises(NotFound):
            scans.scan_read(actor=outsider, meeting_id=m, number=1, kind="result")
    with pytest.raises(NotFound):
        scans.scan_read(actor=w["street"], meeting_id=m, number=1, kind="ballots")


def test_r_res_2_the_signed_result_table_is_public_once_publicised(closed_world):
    w = closed_world
    generated(w)
    submit(w, **uploads())
    with pytest.raises(NotFound):
        scans.public_scan(meeting_id=w["meeting"].pk)
    window_over(w)
    publicise(w)
    content, _name, mime = scans.public_scan(meeting_id=w["meeting"].pk)
    assert (content, mime) == (RESULT_PDF, "application/pdf")


def test_r_res_2_a_new_version_is_submitted_with_its_own_scans(closed_world):
    w = closed_world
    generated(w)
    submit(w, **uploads())
    generated(w, reason="补录纸质票")
    v2 = submit(w, **uploads(result=minimal_pdf("v2")))
    v1 = Result.objects.get(number=1)
    assert v2.result_scan_sha256 == sha(minimal_pdf("v2")) != v1.result_scan_sha256


# --- the page and the API ----------------------------------------------------------------------------


def test_r_res_2_page_refuses_a_submission_without_scans_on_its_fields(closed_world):
    w = closed_world
    generated(w)
    url = reverse("results:submit", args=[w["meeting"].pk])
    page = client_for(w["convener"]).get(reverse("results:console", args=[w["meeting"].pk])).content.decode()
    assert (
        'enctype="multipart/form-data"' in page
        and 'name="result_scan"' in page
        and 'name="flats_scan"' in page
    )
    missing = client_for(w["convener"]).post(url, files(flats=None))
    assert missing.status_code == 422
    html = missing.content.decode()
    assert 'id="id_flats_scan_error"' in html and "签字" in html
    bad = client_for(w["convener"]).post(url, files(result=NOT_A_SCAN))
    assert bad.status_code == 422 and 'id="id_result_scan_error"' in bad.content.decode()
    assert Result.objects.get().submitted_at is None


def test_r_res_2_page_submits_with_scans_and_shows_them_to_the_office_and_the_public(closed_world):
    w = closed_world
    generated(w)
    m = w["meeting"].pk
    assert client_for(w["convener"]).post(reverse("results:submit", args=[m]), files()).status_code == 302
    html = client_for(w["street"]).get(reverse("results:console", args=[m])).content.decode()
    assert sha(RESULT_PDF) in html and sha(FLATS_PNG) in html
    scan_url = reverse("results:scan", args=[m, 1, "flats"])
    assert scan_url in html
    got = client_for(w["street"]).get(scan_url)
    assert got.status_code == 200 and got.content == FLATS_PNG and got["Content-Type"] == "image/png"
    assert client_for(w["zhang"]).get(scan_url).status_code == 403  # an owner: no console (orgs/staff.py)
    assert Client().get(reverse("results:public_scan", args=[m])).status_code == 404
    window_over(w)
    publicise(w)
    public = Client().get(reverse("results:public", args=[m])).content.decode()
    assert 'id="rp-scan"' in public and sha(RESULT_PDF) in public and sha(FLATS_PNG) not in public
    assert Client().get(reverse("results:public_scan", args=[m])).content == RESULT_PDF


def test_r_res_2_api_submission_needs_the_scans(closed_world):
    w = closed_world
    generated(w)
    path = f"/api/results/meetings/{w['meeting'].pk}/result/submission"
    missing = client_for(w["convener"]).post(path, files(result=None))
    assert missing.status_code == 422
    body = missing.json()["error"]
    assert body["code"] == "result.scan_required" and "result_scan" in body["details"]
    bad = client_for(w["convener"]).post(path, files(flats=NOT_A_SCAN))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "result.scan_type"
    assert Result.objects.get().submitted_at is None
    done = client_for(w["convener"]).post(path, files())
    assert done.status_code == 200 and done.json()["flats_scan_sha256"] == sha(FLATS_PNG)
    scan = client_for(w["street"]).get(f"/api/results/meetings/{w['meeting'].pk}/versions/1/result/signed")
    assert scan.status_code == 200 and scan.content == RESULT_PDF


def test_r_res_2_the_database_refuses_a_submission_without_scans(closed_world):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    made = generated(closed_world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.filter(pk=made.pk).update(submitted_at=timezone.now())
