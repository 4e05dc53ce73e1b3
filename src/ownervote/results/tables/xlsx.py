"""The .xlsx side of both printed tables: numbers as numbers, the sheet's merged title and lead lines,
the bold header row, the footer (version, generation time, SHA-256), column widths and A4 landscape
printing with the header repeated on each page."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from .. import texts
from ..models import Result
from ..texts import correction_line
from .common import convener_named, footer_text


def number(text: str) -> Decimal | int:
    value = Decimal(str(text))
    return int(value) if value == value.to_integral_value() else value


def ratio(text: str) -> float:
    return float(texts.fraction(text))


def sheet_head(ws, title: str, width: int, lines: list[str]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    last = get_column_letter(max(width, 1))
    ws.append([title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 26
    for line in lines:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=max(width, 1))


def header_row(ws, headers: list[str]) -> int:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    ws.append(headers)
    row = ws.max_row
    thin = Side(style="thin", color="999999")
    for cell in ws[row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.border = Border(bottom=thin)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return row


def footer_rows(ws, result: Result, width: int) -> None:
    ws.append([])
    ws.append([footer_text(result)])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=max(width, 1))


def print_setup(ws, header_row: int) -> None:
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def widths(ws, widths) -> None:
    from openpyxl.utils import get_column_letter

    for idx, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width


def lead_lines(content: dict, result: Result) -> list[str]:
    m = content["meeting"]
    return [
        _("Voting period: %(opens)s to %(closes)s · Convener: %(convener)s · Street office: %(street)s")
        % {
            "opens": m.get("voting_opens_at", ""),
            "closes": m.get("voting_closes_at", ""),
            "convener": convener_named(content),
            "street": m.get("street", ""),
        },
        footer_text(result),
    ] + ([correction_line(content)] if content.get("corrects") else [])  # R-SEC-6
