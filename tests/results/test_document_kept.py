"""The printable tables of a version are rendered once and kept (R-RES-1): a version never changes,
so every later download serves the same bytes, kept encrypted (the per-flat table shows how every
flat voted), per kind, format and language; a large roll's per-flat PDF is rendered in the
background as soon as the version is generated (``results.tasks.prerender``)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from ownervote.audit.models import AuditEvent
from ownervote.core import files
from ownervote.results import documents
from ownervote.results.models import Result, ResultDocument
from ownervote.results.services import results
from ownervote.results.tasks import prerender
from ownervote.voting.services.progress import voting_close
from tests.results.scans import uploads
from tests.voting.paper_fixtures import cast, close_now, roll_of

pytestmark = pytest.mark.django_db

TASK_PATH = "ownervote.results.tasks.prerender"


@pytest.fixture
def generated(voting_world):
    """voting_world after the vote: zhang voted electronically for 1栋-101, the voting closed and
    version 1 was generated (its roll is far below OWNERVOTE_PRERENDER_MIN_FLATS)."""
    w = voting_world
    m = w["meeting"]
    roll = roll_of(m)
    cast(m, [roll["1栋-101"]], user=w["zhang"])
    close_now(m)
    voting_close(meeting_id=m.pk)
    result = results.result_generate(actor=w["convener"], meeting_id=m.pk)
    return {**w, "result": result, "roll": roll}


@pytest.fixture
def renders(monkeypatch):
    """Every call of ``documents.render``, as (version number, kind, format, language)."""
    calls = []
    real = documents.render

    def counting(result, kind, fmt):
        calls.append((result.number, kind, fmt, translation.get_language()))
        return real(result, kind, fmt)

    monkeypatch.setattr(documents, "render", counting)
    return calls


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(w, kind: str, fmt: str = "pdf", number: int = 1) -> str:
    return reverse(f"results:{fmt}", args=[w["meeting"].pk, number, kind])


def _download(w, number: int, *, kind: str = documents.FLATS, fmt: str = "pdf") -> bytes:
    content, _name, _mime = documents.version_document(
        actor=w["convener"], meeting_id=w["meeting"].pk, number=number, kind=kind, fmt=fmt
    )
    return content


def test_second_download_serves_the_kept_bytes(generated, renders):  # R-RES-1 R-RES-2
    w = generated
    client = _client(w["convener"])
    logged = AuditEvent.objects.filter(action="result.document_downloaded")
    first = client.get(_url(w, "flats"))
    second = client.get(_url(w, "flats"))
    assert first.status_code == second.status_code == 200
    assert first.content.startswith(b"%PDF-")
    assert second.content == first.content  # the same file, not a new rendering
    assert renders == [(1, "flats", "pdf", "zh-hans")]
    (kept,) = ResultDocument.objects.all()
    assert (kept.result_id, kept.kind, kept.fmt, kept.language) == (w["result"].pk, "flats", "pdf", "zh-hans")
    # every download is still logged, kept or not (R-RES-2)
    assert logged.count() == 2
    assert [e.summary["kind"] for e in logged] == ["flats", "flats"]
    assert {e.summary["digest"] for e in logged} == {w["result"].digest}


def test_every_table_of_a_version_is_kept_once(generated, renders):  # R-RES-1
    w = generated
    for kind in documents.KINDS:
        for fmt in documents.FORMATS:
            assert _download(w, 1, kind=kind, fmt=fmt) == _download(w, 1, kind=kind, fmt=fmt)
    assert len(renders) == 4
    assert ResultDocument.objects.filter(result=w["result"]).count() == 4


def test_kept_bytes_are_encrypted_at_rest(generated):  # R-RES-1 (the per-flat table is private)
    w = generated
    pdf = _download(w, 1)
    stored = ResultDocument.objects.select_related("file").get().file
    blob = bytes(stored.data_enc)
    assert b"%PDF" not in blob and pdf not in blob
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest() and stored.size == len(pdf)
    assert files.read(stored) == pdf
    assert stored.uploaded_by_id == w["result"].generated_by_id
    assert stored.content_type == documents.PDF and stored.name.endswith("-v1.pdf")


def test_a_new_version_gets_its_own_document(generated, renders):  # R-RES-1
    w = generated
    v1 = _download(w, 1)
    results.result_generate(actor=w["convener"], meeting_id=w["meeting"].pk, reason="更正一张纸质选票")
    v2 = _download(w, 2)
    assert v2 != v1
    assert _download(w, 1) == v1 and _download(w, 2) == v2
    assert [n for n, *_rest in renders] == [1, 2]
    kept = ResultDocument.objects.order_by("result__number")
    assert [d.result.number for d in kept] == [1, 2]


def test_english_and_chinese_are_kept_separately(generated, renders):  # R-RES-1
    w = generated
    chinese = _download(w, 1)
    with translation.override("en"):
        english = _download(w, 1)
        assert _download(w, 1) == english
    assert english != chinese
    assert _download(w, 1) == chinese
    assert [lang for *_rest, lang in renders] == ["zh-hans", "en"]
    assert set(ResultDocument.objects.values_list("language", flat=True)) == {"zh-hans", "en"}


def test_a_concurrent_first_download_serves_the_winners_bytes(generated, monkeypatch):  # R-RES-1
    """Two first downloads at once both render; the one that keeps it second gets the unique
    constraint and serves what the first kept, so every copy of a version is the same file."""
    w = generated
    result = w["result"]
    real = documents.render
    winner = b"%PDF-1.7 the other download's file"

    def racing(r, kind, fmt):
        content = real(r, kind, fmt)
        stored = files.store(files.Upload("winner.pdf", winner, documents.PDF), uploaded_by=w["convener"])
        ResultDocument.objects.create(result=r, kind=kind, fmt=fmt, language="zh-hans", file=stored)
        return content

    monkeypatch.setattr(documents, "render", racing)
    assert documents.kept(result, documents.FLATS, "pdf") == winner
    assert ResultDocument.objects.count() == 1


def test_the_public_result_table_is_kept(generated, renders):  # R-RES-1 R-RES-3
    w = generated
    m = w["meeting"]
    results.result_submit(actor=w["convener"], meeting_id=m.pk, **uploads())
    today = timezone.localdate()
    Result.objects.filter(meeting=m).update(guidance_ends_on=today - dt.timedelta(days=1))
    results.result_publicise(
        actor=w["convener"], meeting_id=m.pk, starts_on=today, ends_on=today + dt.timedelta(days=10)
    )
    url = reverse("results:public_pdf", args=[m.pk])
    first, second = Client().get(url), Client().get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first.content.startswith(b"%PDF-")
    assert renders == [(1, "result", "pdf", "zh-hans")]


def test_the_task_renders_and_keeps_the_per_flat_pdf(generated, renders):  # R-RES-1
    w = generated
    result = w["result"]
    with translation.override("en"):  # the worker's language does not matter: the site's does
        assert prerender.call(result_id=result.pk) == "rendered"
    (kept,) = ResultDocument.objects.all()
    assert (kept.result_id, kept.kind, kept.fmt, kept.language) == (result.pk, "flats", "pdf", "zh-hans")
    assert files.read(kept.file).startswith(b"%PDF-")
    # the convener's download then serves it; a second run of the task does nothing
    assert _download(w, 1) == files.read(kept.file)
    assert prerender.call(result_id=result.pk) == "kept"
    assert renders == [(1, "flats", "pdf", "zh-hans")]
    assert prerender.call(result_id=result.pk + 1000) == "missing"


def test_generate_enqueues_the_task_only_for_a_large_roll(generated, settings):  # R-RES-1
    w = generated
    flats = len(w["result"].content["flats"])
    assert flats == len(w["roll"]) and flats < 1000
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()  # version 1: small roll
    settings.OWNERVOTE_PRERENDER_MIN_FLATS = flats + 1
    results.result_generate(actor=w["convener"], meeting_id=w["meeting"].pk, reason="更正一张纸质选票")
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()
    settings.OWNERVOTE_PRERENDER_MIN_FLATS = flats
    v3 = results.result_generate(actor=w["convener"], meeting_id=w["meeting"].pk, reason="再次更正")
    (task,) = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert task.args_kwargs["kwargs"] == {"result_id": v3.pk}
    assert task.status == "READY"
    assert not ResultDocument.objects.exists()  # queued, not rendered in the request
