"""The printable result tables (R-RES-1, R-RES-2; art. 25): the result table and the per-flat table
as PDF and .xlsx, rendered from a generated version's frozen content, downloaded by the convener
and the supervising staff; only the result table is public, once publicised."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from ownervote.audit.models import AuditEvent
from ownervote.results import documents, texts
from ownervote.results.models import Result
from ownervote.results.services import results
from ownervote.voting.services import paper
from ownervote.voting.services.progress import voting_close
from tests.results.scans import uploads
from tests.voting.paper_fixtures import cast, close_now, open_session, roll_of

pytestmark = pytest.mark.django_db

SCRUTINY = {"caller": "陈唱票", "counter": "林计票", "scrutineer": "黄监票"}


def _tool(name: str) -> str:
    """A poppler tool; missing, the test is skipped on a workstation and fails in CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"{name} (poppler-utils) is required in CI")
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


def _text(pdf: bytes, tmp_path, *, page: int | None = None, layout: bool = False) -> str:
    """The PDF's text without white space (long titles wrap); with ``layout``, line by line."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    options = ["-f", str(page), "-l", str(page)] if page else []
    if layout:
        options.append("-layout")
    out = subprocess.run(  # noqa: S603
        [_tool("pdftotext"), *options, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    if layout:
        return "\n".join("".join(line.split()) for line in out.splitlines())
    return "".join(out.split())


def _pngs(pdf: bytes, tmp_path) -> list:
    path = tmp_path / "png.pdf"
    path.write_bytes(pdf)
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "50", str(path), str(tmp_path / "p")], check=True)  # noqa: S603
    return sorted(tmp_path.glob("p-*.png"))


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def generated(voting_world, staff):
    """voting_world after the vote: zhang voted electronically for 1栋-101 (yes to the question,
    the election unmarked); a public count entered li's paper for 1栋-102 (no; the first two
    candidates) and was committed; the voting closed and version 1 was generated."""
    w = voting_world
    m = w["meeting"]
    roll = roll_of(m)
    cast(m, [roll["1栋-101"]], user=w["zhang"])
    close_now(m)
    session = open_session(w["convener"], m, **SCRUTINY)
    cands = w["candidates"]
    paper.entry_save(
        actor=w["convener"],
        session_id=session.pk,
        flat_id=roll["1栋-102"].flat_id,
        round=1,
        answers={str(w["question"].pk): "no", str(w["election"].pk): [cands[0].pk, cands[1].pk]},
        dated_on=timezone.localtime(m.voting_closes_at).date(),
        received_at=m.voting_closes_at,
        received_via="box",
    )
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    voting_close(meeting_id=m.pk)
    result = results.result_generate(actor=w["convener"], meeting_id=m.pk)
    return {
        **w,
        "result": result,
        "roll": roll,
        "other_convener": staff["other_convener"],
        "city": staff["city"],
    }


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(w, kind: str, fmt: str = "pdf", number: int = 1) -> str:
    return reverse(f"results:{fmt}", args=[w["meeting"].pk, number, kind])


def _publicise(w) -> None:
    m = w["meeting"]
    results.result_submit(actor=w["convener"], meeting_id=m.pk, **uploads())
    today = timezone.localdate()
    Result.objects.filter(meeting=m).update(guidance_ends_on=today - dt.timedelta(days=1))
    results.result_publicise(
        actor=w["convener"], meeting_id=m.pk, starts_on=today, ends_on=today + dt.timedelta(days=10)
    )


# --- the PDFs --------------------------------------------------------------------------------------


def test_result_table_pdf(generated, tmp_path):  # R-RES-1 R-RES-2
    w = generated
    r = w["result"]
    response = _client(w["convener"]).get(_url(w, "result"))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.PDF
    assert "no-store" in response["Cache-Control"]
    assert ".pdf" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    pngs = _pngs(pdf, tmp_path)
    assert pngs and all(p.stat().st_size > 0 for p in pngs)
    text = _text(pdf, tmp_path)
    content = r.content
    assert content["meeting"]["estate"] in text
    assert content["meeting"]["title"] in text
    assert w["question"].title in text
    assert w["election"].title in text
    for c in w["candidates"][:2]:  # the ranking
        assert c.name in text
    assert "盖章" in text  # the convener's seal (召集人（盖章）, 盖章处)
    for name in SCRUTINY.values():
        assert name in text
    totals = content["result"]["totals"]
    assert totals["area"] in text
    p = content["result"]["participating"]
    assert texts.pct(p["area_of_total"]) in text and texts.pct(p["owners_of_total"]) in text
    for page in range(1, len(pngs) + 1):  # the version's digest at the foot of every page
        assert r.digest[:16] in _text(pdf, tmp_path, page=page)


def test_flats_table_pdf(generated, tmp_path):  # R-RES-1 R-RES-2
    w = generated
    r = w["result"]
    response = _client(w["convener"]).get(_url(w, "flats"))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.PDF
    pdf = response.content
    pngs = _pngs(pdf, tmp_path)
    assert pngs and all(p.stat().st_size > 0 for p in pngs)
    text = _text(pdf, tmp_path)
    assert r.content["meeting"]["estate"] in text
    assert r.content["meeting"]["title"] in text
    assert w["question"].title in text
    for label in w["roll"]:  # every flat of the roll, voted or not
        assert label in text
    assert "盖章" in text
    for name in SCRUTINY.values():
        assert name in text
    assert r.digest[:16] in text


def test_flats_pdf_repeats_header_and_footer_on_every_page(generated, tmp_path):  # R-RES-2
    """A long per-flat table: the header row and the digest on each page, every flat listed."""
    r = generated["result"]
    content = dict(r.content)
    base = content["flats"]
    content["flats"] = [
        {**base[i % len(base)], "building": f"{i // 100 + 1}栋", "room": f"{i % 100 + 1:03d}"}
        for i in range(250)  # three pages or more at 50-odd rows a page
    ]
    big = Result(number=r.number, content=content, digest=r.digest)
    pdf = documents.flats_pdf(big)
    pages = _pages(pdf, tmp_path)
    assert pages >= 3
    header = "".join(documents.flats_grid(content).header.split())
    for page in range(1, pages + 1):
        lines = _text(pdf, tmp_path, page=page, layout=True).splitlines()
        assert any(r.digest[:16] in line for line in lines)
        if any("栋-" in line for line in lines):  # a table page (the last may hold only the signatures)
            assert header in lines
    text = _text(pdf, tmp_path)
    assert "1栋-001" in text and "2栋-050" in text


def test_blank_signature_lines_without_a_count(generated):  # R-RES-2
    content = dict(generated["result"].content)
    content["scrutiny"] = []
    lines = documents.signatures(content)
    assert len(lines) == 3 and all(line["name"] == "" for line in lines)
    assert [line["name"] for line in documents.signatures(generated["result"].content)] == list(
        SCRUTINY.values()
    )


def test_follow_majority_notice(generated, tmp_path):  # R-RES-1 (R-TALLY-7 said on the table)
    r = generated["result"]
    content = {**r.content, "result": {**r.content["result"], "follow_majority": True}}
    html = documents.result_html(Result(number=1, content=content, digest=r.digest))
    assert "随多数" in html
    assert "随多数" not in documents.result_html(r)


def test_rendered_from_the_frozen_content_only(generated):  # R-RES-1
    """A later change to the meeting does not change a version's tables."""
    w = generated
    r = w["result"]
    before = documents.result_html(r)
    w["question"].__class__.objects.filter(pk=w["question"].pk).update(title="改过的标题")
    r.refresh_from_db()
    after = documents.result_html(r)
    assert after == before
    assert "改过的标题" not in after


# --- the .xlsx files ---------------------------------------------------------------------------


def _sheet(content: bytes, index: int = 0):
    from openpyxl import load_workbook

    return load_workbook(BytesIO(content)).worksheets[index]


def _row_with(ws, column: int, value):
    for row in ws.iter_rows(values_only=True):
        if len(row) >= column and row[column - 1] == value:
            return row
    raise AssertionError(f"no row with {value!r} in column {column}")


def test_result_xlsx(generated):  # R-RES-1
    w = generated
    response = _client(w["convener"]).get(_url(w, "result", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.XLSX
    ws = _sheet(response.content)
    header = _row_with(ws, 1, pgettext("result table", "No."))
    assert header[1] == pgettext("result table", "Item") and len(header) == 18
    row = _row_with(ws, 2, w["question"].title)
    r = next(x for x in w["result"].content["result"]["items"] if x["item"] == w["question"].pk)
    yes, no = r["answers"]["yes"], r["answers"]["no"]
    assert row[0] == w["question"].position
    assert Decimal(str(row[4])) == Decimal(yes["area"]) and row[6] == yes["owners"] == 1
    assert Decimal(str(row[8])) == Decimal(no["area"]) and row[10] == no["owners"] == 1
    assert row[5] == pytest.approx(float(texts.fraction(yes["area_of_participating"])))
    assert row[17] == texts.short_outcome({"kind": "question"}, r)
    totals = w["result"].content["result"]["totals"]
    assert Decimal(str(_row_with(ws, 1, gettext("Total voting rights (m²)"))[1])) == Decimal(totals["area"])
    assert _row_with(ws, 1, gettext("Total owners"))[1] == totals["owners"]
    ranking = _sheet(response.content, 1)
    first = _row_with(ranking, 4, w["candidates"][0].name)
    assert first[4] == 1 and isinstance(first[6], (int, float))


def test_flats_xlsx(generated):  # R-RES-1 R-MTG-10
    w = generated
    response = _client(w["convener"]).get(_url(w, "flats", "xlsx"))
    assert response.status_code == 200
    ws = _sheet(response.content)
    header = _row_with(ws, 1, pgettext("result table", "No."))
    assert header[6] == pgettext("result table", "Served")  # R-MTG-10: how the notice reached the flat
    assert header[7:] == tuple(f"{i.position}. {i.title}" for i in (w["question"], w["election"]))
    flats = {(f["building"], f["room"]): f for f in w["result"].content["flats"]}
    rows = {(row[1], row[2]): row for row in ws.iter_rows(values_only=True) if (row[1], row[2]) in flats}
    assert len(rows) == len(flats) == len(w["roll"])
    zhang = rows[("1栋", "101")]
    assert isinstance(zhang[3], (int, float)) and Decimal(str(zhang[3])) == Decimal(
        flats[("1栋", "101")]["area"]
    )
    assert zhang[4] == documents.channel_label("electronic")
    assert isinstance(zhang[5], dt.datetime)
    assert zhang[6] == texts.service_label(
        flats[("1栋", "101")]["served_by"], flats[("1栋", "101")]["served_at"]
    )
    assert zhang[7:] == (texts.answer_label("yes"), texts.answer_label(""))
    li = rows[("1栋", "102")]
    assert li[4] == documents.channel_label("paper")
    names = "、".join(c.name for c in w["candidates"][:2])
    assert li[7:] == (texts.answer_label("no"), names)
    nobody = next(row for key, row in rows.items() if key not in {("1栋", "101"), ("1栋", "102")})
    assert nobody[4] == documents.channel_label("") and nobody[5] is None and nobody[7:] == (None, None)


# --- who may download -------------------------------------------------------------------------


def test_supervising_staff_download_and_it_is_logged(generated):  # R-RES-2
    w = generated
    for user in (w["street"], w["city"]):
        before = AuditEvent.objects.filter(action="result.document_downloaded").count()
        response = _client(user).get(_url(w, "flats"))
        assert response.status_code == 200
        event = AuditEvent.objects.filter(action="result.document_downloaded").latest("id")
        assert AuditEvent.objects.filter(action="result.document_downloaded").count() == before + 1
        assert event.actor_id == user.pk
        assert event.summary["kind"] == "flats" and event.summary["digest"] == w["result"].digest


@pytest.mark.parametrize("who", ["zhang", "other_convener"])
def test_others_get_404_and_nothing_is_logged(generated, who):  # R-RES-2
    w = generated
    before = AuditEvent.objects.count()
    for kind in ("result", "flats"):
        for fmt in ("pdf", "xlsx"):
            # an owner has no console at all (403, orgs/staff.py); staff elsewhere see nothing (404)
            assert _client(w[who]).get(_url(w, kind, fmt)).status_code == (403 if who == "zhang" else 404)
    assert AuditEvent.objects.count() == before


def test_unknown_kind_or_version_404(generated):  # R-RES-2
    w = generated
    before = AuditEvent.objects.count()
    client = _client(w["convener"])
    assert client.get(_url(w, "ballots")).status_code == 404
    assert client.get(_url(w, "ballots", "xlsx")).status_code == 404
    assert client.get(_url(w, "result", number=2)).status_code == 404
    assert AuditEvent.objects.count() == before


def test_anonymous_is_sent_to_sign_in(generated):
    response = _client().get(_url(generated, "result"))
    assert response.status_code == 302


def test_public_result_pdf_only_once_publicised(generated, tmp_path):  # R-RES-1 R-RES-3
    w = generated
    m = w["meeting"]
    url = reverse("results:public_pdf", args=[m.pk])
    assert _client().get(url).status_code == 404  # submitted? not even that yet
    _publicise(w)
    response = _client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == documents.PDF
    text = _text(response.content, tmp_path)
    assert w["question"].title in text
    assert w["result"].digest[:16] in text
    assert "1栋-101" not in text  # the result table, not the per-flat one
    # the per-flat table has no public address
    assert _client().get(f"/p/meetings/{m.pk}/result/flats.pdf").status_code == 404
    assert _client().get(f"/p/meetings/{m.pk}/result/flats.xlsx").status_code == 404


# --- the API ------------------------------------------------------------------------------------


def _api(w, kind: str, fmt: str = "pdf", number: int = 1) -> str:
    return f"/api/results/meetings/{w['meeting'].pk}/versions/{number}/{kind}.{fmt}"


def test_api_downloads(generated):  # R-RES-1 R-RES-2
    w = generated
    client = _client(w["convener"])
    pdf = client.get(_api(w, "flats"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    xlsx = client.get(_api(w, "result", "xlsx"))
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == documents.XLSX
    unknown = client.get(_api(w, "ballots"))
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "result.document_not_found"
    other = _client(w["other_convener"]).get(_api(w, "flats"))
    assert other.status_code == 404 and other.json()["error"]["code"] == "meeting.not_found"
    assert _client(w["zhang"]).get(_api(w, "result")).status_code == 404
    assert _client().get(_api(w, "result")).status_code == 401


def test_api_public_pdf(generated):  # R-RES-3
    w = generated
    url = f"/api/results/meetings/{w['meeting'].pk}/public/result.pdf"
    refused = _client().get(url)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "result.not_found"
    _publicise(w)
    response = _client().get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
