"""The binding list as printable documents (R-BIND-3, art. 14): a PDF for posting in the estate
with the convener's seal, and an .xlsx. Both hold masked personal data only.

The PDF is HTML + print CSS rendered by WeasyPrint with the Noto Sans CJK SC font, which it embeds
as a subset; A4, the table header repeats on each page, "第 N 页 共 M 页" at the foot of each page
and the place for the convener's seal after the table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ownervote.core.spreadsheets import workbook_bytes

from .models import Publication
from .selectors import ListRow

# WeasyPrint logs every layout step at INFO ("Step 5 - Creating layout - Page 3"): one line per
# page of every download in the server log. Its warnings (unsupported CSS, missing fonts) stay.

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@dataclass(frozen=True)
class ListDocument:
    """Everything a document of the list shows."""

    estate_id: int
    estate_name: str
    rows: list[ListRow]
    publication: Publication | None
    convener: str  # the convener organisation's name, printed beside the seal
    generated_at: dt.datetime
    digest: str

    @property
    def title(self) -> str:
        return _("%(estate)s: owner identity verification and flat binding information") % {
            "estate": self.estate_name
        }

    @property
    def period(self) -> str:
        if self.publication is None:
            return _("Publicity period: none (draft, not published)")
        return _("Publicity period: %(start)s to %(end)s") % {
            "start": self.publication.starts_on.isoformat(),
            "end": self.publication.ends_on.isoformat(),
        }

    def status_text(self, row: ListRow) -> str:
        if row.active:
            return row.status_label
        if row.end_reason_label:
            return f"{row.status_label}（{row.end_reason_label}）"
        return row.status_label


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_counter_css() -> str:
    """The CSS ``content`` of the page footer: "第 " counter(page) " 页 共 " counter(pages) " 页"."""
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", _("Page %(page)s of %(pages)s"))
    out = []
    for part in parts:
        if part == "%(page)s":
            out.append("counter(page)")
        elif part == "%(pages)s":
            out.append("counter(pages)")
        elif part:
            out.append(_css_string(part))
    return " ".join(out)


def list_html(doc: ListDocument) -> str:
    """The HTML the PDF is made from (its only text source)."""
    rows = [
        {
            "n": i,
            "flat": r.flat,
            "holder": r.holder,
            "mobile": r.mobile_masked,
            "bound_at": _local(r.bound_at),
            "status": doc.status_text(r),
            "ended_at": _local(r.ended_at),
            "active": r.active,
        }
        for i, r in enumerate(doc.rows, start=1)
    ]
    published_on = timezone.localtime(doc.publication.published_at).date() if doc.publication else None
    return render_to_string(
        "bindinglist/list_pdf.html",
        {
            "doc": doc,
            "rows": rows,
            "active_count": sum(1 for r in doc.rows if r.active),
            "generated_at": _local(doc.generated_at),
            "published_on": published_on,
            "page_counter": page_counter_css(),
            "running_head": _css_string(doc.title),
        },
    )


def list_pdf_document(doc: ListDocument):
    """The laid-out WeasyPrint document (its pages can be inspected in tests)."""
    from weasyprint import HTML

    return HTML(string=list_html(doc)).render()


def list_pdf(doc: ListDocument) -> bytes:
    return list_pdf_document(doc).write_pdf()


# Column widths in characters (a CJK character counts about two): no., flat, owner, mobile,
# bound at, status, ended at.
XLSX_WIDTHS = (6, 14, 30, 16, 18, 34, 18)


def list_xlsx(doc: ListDocument) -> bytes:
    """One sheet: the title row, the publicity period, the header row, one row per binding."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    headers = [
        pgettext("binding list", "No."),
        pgettext("binding list", "Flat"),
        pgettext("binding list", "Owner name"),
        pgettext("binding list", "Mobile"),
        pgettext("binding list", "Bound at"),
        pgettext("binding list", "Binding status"),
        pgettext("binding list", "Ended at"),
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Binding list")[:31]
    last = get_column_letter(len(headers))
    ws.append([doc.title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.append(
        [
            doc.period
            + "    "
            + _("Bindings: %(n)s (active: %(active)s)")
            % {"n": len(doc.rows), "active": sum(1 for r in doc.rows if r.active)}
        ]
    )
    ws.merge_cells(f"A2:{last}2")
    ws.append(headers)
    thin = Side(style="thin", color="999999")
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.border = Border(bottom=thin)
        cell.alignment = Alignment(horizontal="center")
    for i, r in enumerate(doc.rows, start=1):
        ws.append(
            [i, r.flat, r.holder, r.mobile_masked, _local(r.bound_at), doc.status_text(r), _local(r.ended_at)]
        )
    for idx, width in enumerate(XLSX_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    footer_row = ws.max_row + 2
    ws.cell(
        row=footer_row,
        column=1,
        value=_("Generated %(when)s; SHA-256 of the list: %(digest)s")
        % {
            "when": _local(doc.generated_at),
            "digest": doc.digest,
        },
    )
    ws.merge_cells(start_row=footer_row, start_column=1, end_row=footer_row, end_column=len(headers))
    return workbook_bytes(wb)
