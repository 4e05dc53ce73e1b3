"""Issue 22 item 4 (R-ROSTER-4): every problem of every row of a roster file is reported at once,
and the refused file comes back marked up (the cells at fault red with a comment, a column "错误")
from the service, the preview page and the API."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict
from ownervote.roster import services
from ownervote.roster.importing import MAX_ERRORS
from ownervote.roster.models import ImportBatch
from tests.rosterfiles import flat_row, mobile, person_id, roster_csv, roster_xlsx

pytestmark = pytest.mark.django_db

# One row, three problems: a negative area, a 6-digit ID number, a short mobile.
THREE_WRONG = flat_row("1栋", "901", "-5", "钱七", "440304", "13912")


def _refused(staff, estates, rows, make=roster_csv) -> ImportBatch:
    batch = services.import_preview(actor=staff["convener"], estate_id=estates["a"].pk, upload=make(rows))
    assert batch.status == ImportBatch.Status.REFUSED
    return batch


def _sheet(content: bytes):
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in ws[1]]
    return ws, header


def test_every_problem_of_a_row_is_reported_not_only_the_first(staff, estates, small_roster):  # R-ROSTER-4
    batch = _refused(staff, estates, [*small_roster, THREE_WRONG])
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [
        (9, "手机号码", "roster.mobile_invalid"),
        (9, "证件号码", "roster.id_number_invalid"),
        (9, "面积", "roster.area_not_positive"),
    ]


def test_a_missing_cell_does_not_hide_the_other_problems(staff, estates, small_roster):  # R-ROSTER-4
    row = flat_row("1栋", "902", "", "钱七", "440304", mobile(60))
    row[4] = "别墅"  # use
    batch = _refused(staff, estates, [*small_roster, row])
    assert sorted(e["code"] for e in batch.errors) == [
        "roster.id_number_invalid",
        "roster.required",
        "roster.use_invalid",
    ]


@pytest.mark.parametrize("make", [roster_csv, roster_xlsx], ids=["csv", "xlsx"])
def test_the_refused_file_comes_back_with_every_problem_marked(
    staff, estates, small_roster, make
):  # R-ROSTER-4
    batch = _refused(staff, estates, [*small_roster, THREE_WRONG], make)
    content = services.import_errors_xlsx(actor=staff["convener"], batch_id=batch.pk)
    ws, header = _sheet(content)
    assert header[-1] == "错误"
    assert ws.cell(row=9, column=2).value == "901"  # the user's own rows, where they were
    marks = ws.cell(row=9, column=len(header)).value
    assert "面积" in marks and "证件号码" in marks and "手机号码" in marks
    assert "大于 0" in marks  # in Chinese
    for col in (header.index("面积"), header.index("证件号码"), header.index("手机号码")):
        cell = ws.cell(row=9, column=col + 1)
        assert cell.fill.fgColor.rgb.endswith("FFC7CE") and cell.comment is not None
    assert ws.cell(row=2, column=len(header)).value is None  # good rows unmarked
    assert ws.cell(row=2, column=3).comment is None
    assert AuditEvent.objects.filter(
        action="roster.import_errors_downloaded", object_id=str(batch.pk)
    ).exists()


def test_the_marked_up_file_has_every_problem_beyond_the_listed_ones(staff, estates):  # R-ROSTER-4
    rows = [
        flat_row("1栋", f"{1000 + i}", "-1", "孙八", person_id(i), mobile(i)) for i in range(MAX_ERRORS + 5)
    ]
    batch = _refused(staff, estates, rows)
    assert batch.errors[-1]["code"] == "roster.too_many_errors"
    ws, header = _sheet(services.import_errors_xlsx(actor=staff["convener"], batch_id=batch.pk))
    marked = [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=len(header)).value]
    assert len(marked) == MAX_ERRORS + 5


def test_a_file_that_passed_has_nothing_to_mark(staff, estates, small_roster):  # R-ROSTER-4
    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv(small_roster)
    )
    with pytest.raises(Conflict) as exc:
        services.import_errors_xlsx(actor=staff["convener"], batch_id=batch.pk)
    assert exc.value.code == "import.not_refused"


def test_the_preview_page_offers_the_marked_up_file(client, staff, estates, small_roster):  # R-ROSTER-4
    estate = estates["a"]
    client.force_login(staff["convener"])
    up = roster_csv([*small_roster, THREE_WRONG])
    response = client.post(
        reverse("roster:import", args=[estate.pk]),
        {"file": SimpleUploadedFile(up.name, up.content, up.content_type)},
    )
    page = client.get(response["Location"]).content.decode()
    batch = ImportBatch.objects.get(estate=estate)
    link = reverse("roster:import_errors", args=[estate.pk, batch.pk])
    assert link in page and "3 个问题" in page
    download = client.get(link)
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"] and "no-store" in download["Cache-Control"]
    _ws, header = _sheet(download.content)
    assert header[-1] == "错误"


def test_the_api_gives_the_marked_up_file(staff, estates, small_roster):  # R-ROSTER-4
    api = Client()
    api.force_login(staff["convener"])
    a = estates["a"].pk
    up = roster_csv([*small_roster, THREE_WRONG])
    batch = api.post(
        f"/api/estates/{a}/imports", {"file": SimpleUploadedFile(up.name, up.content, up.content_type)}
    ).json()
    assert batch["status"] == "refused" and len(batch["errors"]) == 3
    response = api.get(f"/api/estates/{a}/imports/{batch['id']}/errors.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws, header = _sheet(response.content)
    assert "证件号码" in ws.cell(row=9, column=len(header)).value
