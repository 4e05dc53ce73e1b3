"""A refused roster file given back to its user with every problem marked on it (issue 22): each
cell at fault filled in red with a comment saying what is wrong, and a last column "错误" listing
every problem of the row in words. An .xlsx comes back as the user's own workbook (its formatting
and other sheets kept, formulas as the values that were checked); a .csv as an .xlsx of its cells,
since a CSV cannot carry colours or comments. No database access here."""

from __future__ import annotations

import io
from collections import defaultdict

from ownervote.core import spreadsheets

from . import importing

ERROR_COLUMN = "错误"
_KEY_OF_HEADER = {zh: key for key, zh in importing.HEADERS_ZH.items()}
_FILL = "FFC7CE"  # Excel's own "bad" red


def marked_up(name: str, content: bytes, errors: list[dict]) -> bytes:
    """``content`` (the file as uploaded) with ``errors`` (``ParseResult.errors``) marked on it."""
    # Imported here: openpyxl is heavy and only this download and the exports need it.
    from openpyxl import Workbook, load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    table = importing.read_table(name, content)  # the cells as the check read them
    index, _missing = importing.map_header(table[0]) if table else ({}, [])
    if name.lower().endswith(".xlsx"):
        # read_table checked it (no zip bomb, a real workbook); data_only: values, not formulas.
        wb = load_workbook(io.BytesIO(content), data_only=True)
        ws = wb.worksheets[0]
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = "业主名册"
        for row in table:
            ws.append([str(v) for v in row])
    by_row: dict[int, list[str]] = defaultdict(list)
    by_cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    for e in errors:
        row = e.get("row") or 0
        if row < 1:
            continue
        by_row[row].append(f"{e['column']}：{e['message']}" if e.get("column") else e["message"])
        col = index.get(_KEY_OF_HEADER.get(e.get("column") or "", ""))
        if col is not None:
            by_cell[(row, col + 1)].append(e["message"])
    width = max((len(r) for r in table), default=0)
    error_col = max(ws.max_column, width) + 1
    header = ws.cell(row=1, column=error_col, value=ERROR_COLUMN)
    header.font = Font(bold=True, color="9C0006")
    fill = PatternFill("solid", start_color=_FILL, end_color=_FILL)
    for (row, col), messages in by_cell.items():
        cell = ws.cell(row=row, column=col)
        cell.fill = fill
        cell.comment = Comment("\n".join(messages), "OwnerVote", width=300, height=40 + 20 * len(messages))
    for row, messages in by_row.items():
        cell = ws.cell(row=row, column=error_col, value="；".join(messages))
        cell.fill = fill
    ws.column_dimensions[header.column_letter].width = 60
    return spreadsheets.workbook_bytes(wb)
