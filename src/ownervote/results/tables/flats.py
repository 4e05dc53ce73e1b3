"""The per-flat table (分户结果统计表) of a version, art. 25 (R-RES-1): every flat on the roll with its
area, how it voted (electronic, paper or not at all) and its answer to each item; as a PDF laid out
for speed (one fixed-width text line per flat over a raster grid) and an .xlsx (elections by the
candidates' names)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ownervote.core.spreadsheets import workbook_bytes

from .. import texts
from ..models import Result
from . import xlsx
from .common import (
    FLATS,
    channel_label,
    doc_title,
    flat_label,
    heading,
    page_context,
    write_pdf,
)


def _answer_texts(content: dict) -> list[dict]:
    """Per item: how to print an answer. Questions: yes / no / abstain / not marked; elections: the
    chosen candidates' ballot numbers (PDF) or names (.xlsx)."""
    out = []
    for item in content["items"]:
        if item["kind"] == "election":
            number = {str(c["id"]): str(c["position"]) for c in item["candidates"]}
            name = {str(c["id"]): c["name"] for c in item["candidates"]}
            out.append({"election": True, "number": number, "name": name})
        else:
            out.append(
                {
                    "election": False,
                    "labels": {a: texts.answer_label(a) for a in ("yes", "no", "abstain", "")},
                }
            )
    return out


def _answer(spec: dict, value: str, *, names: bool = False) -> str:
    if value == texts.OUT_OF_SCOPE:  # R-MTG-9: the flat does not vote on this item
        return _("not in scope")
    if not spec["election"]:
        return spec["labels"].get(value, value)
    if names:
        return texts.election_answer(value, spec["name"])
    return texts.election_answer(value, spec["number"], sep=",")


def flats_summary(content: dict) -> dict:
    flats = content.get("flats") or []
    electronic = sum(1 for f in flats if f["channel"] == "electronic")
    paper = sum(1 for f in flats if f["channel"] == "paper")
    return {
        "flats": len(flats),
        "electronic": electronic,
        "paper": paper,
        "not_voted": len(flats) - electronic - paper,
    }


# The per-flat table is laid out in the monospaced cut of the same Noto Sans CJK family (a CJK
# character is exactly two Latin ones wide), one text line per flat, a chunk of lines per table
# row, with the grid drawn by one repeated raster background image. A table cell per value costs
# WeasyPrint about ten times as much: 2,000 flats took 20 s that way.
MONO_FONT = "Noto Sans Mono CJK SC"
# Lines per table row, never split across pages (no ruled blank lines at a page foot): short
# chunks leave little unused at a page's foot.
CHUNK = 4
PAGE_WIDTH_PT = (297 - 24) * 72 / 25.4  # A4 landscape less the side margins of base.html
# Dense but legible in print (issue 22 item 10: 602 flats took 16 pages at 8 pt on 12 pt lines;
# 7 pt on 8.75 pt lines takes 12 or fewer, tests/results/test_documents_layout.py).
MAX_FONT_PT = 7.0
MIN_FONT_PT = 4.0
LINE_SPACING = 1.25


def text_width(text: str) -> int:
    """Width in half-width columns: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(0, width - text_width(text))
    return fill + text if right else text + fill


@dataclass(frozen=True)
class Grid:
    """The per-flat table as fixed-width text lines: ``header`` and ``lines``, the column
    ``edges`` (in half-width columns), the font size and line height (pt), and the grid image."""

    header: str
    lines: list[str]
    edges: list[int]
    width: int
    font_pt: float
    line_pt: float

    @property
    def table_pt(self) -> str:
        """The table's width: the text and its borders (a fixed layout never measures the text)."""
        return f"{self.width * self.font_pt / 2 + 1:.2f}"

    @property
    def chunks(self) -> list[str]:
        return ["\n".join(self.lines[i : i + CHUNK]) for i in range(0, len(self.lines), CHUNK)]

    @property
    def grid_uri(self) -> str:
        """A PNG tile one line high (``GRID_DPI``): the line under it and the column separators.
        A raster tile is embedded once and referenced by every table row; an SVG tile was drawn
        again for each row, a tenth of the whole rendering time."""
        return _grid_png(self.width * self.font_pt / 2, self.line_pt, tuple(self.edges), self.font_pt / 2)

    @property
    def grid_size(self) -> str:
        """The tile's CSS ``background-size``: the raster's pixels are not CSS pixels."""
        return f"{self.width * self.font_pt / 2:.2f}pt {self.line_pt:.2f}pt"


GRID_DPI = 600  # the printer's resolution or better: a 0.5 pt line is 4 dots
GRID_GREY = 0x77


def _grid_png(width_pt: float, height_pt: float, edges: tuple[int, ...], column_pt: float) -> str:
    from PIL import Image, ImageDraw

    def dots(pt: float) -> int:
        return round(pt / 72 * GRID_DPI)

    w, h, line = max(1, dots(width_pt)), max(1, dots(height_pt)), max(1, dots(0.5))
    tile = Image.new("LA", (w, h), (0, 0))
    draw = ImageDraw.Draw(tile)
    draw.rectangle([0, h - line, w, h], fill=(GRID_GREY, 255))
    for edge in edges:
        x = dots(edge * column_pt) - line // 2
        draw.rectangle([x, 0, x + line - 1, h], fill=(GRID_GREY, 255))
    out = io.BytesIO()
    tile.save(out, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def has_service(content: dict) -> bool:
    """Whether the version records the service of the notice per flat (R-MTG-10)."""
    return "services" in content


def flats_grid(content: dict) -> Grid:
    """The per-flat table's columns: No., flat, area (m²), channel, cast at, how the notice was
    served (R-MTG-10), one per item."""
    specs = _answer_texts(content)
    channels = {"electronic": channel_label("electronic"), "paper": channel_label("paper")}
    not_voted = channel_label("")
    headers = [
        pgettext("result table", "No."),
        pgettext("result table", "Flat"),
        _("Area"),
        _("Channel"),
        _("Cast at"),
    ] + [_("Item %(n)s") % {"n": item["position"]} for item in content["items"]]
    service = has_service(content)  # R-MTG-10: versions generated before it have no column
    if service:
        headers.insert(5, pgettext("result table", "Served"))
    right = [True, False, True, False, False] + [False] * (len(content["items"]) + service)
    rows = []
    for n, f in enumerate(content.get("flats") or [], start=1):
        voted = bool(f["channel"])
        rows.append(
            [
                str(n),
                flat_label(f["building"], f["room"]),
                f["area"],
                channels.get(f["channel"], not_voted),
                f["cast_at"] if voted else "",
            ]
            + ([texts.service_label(f.get("served_by", ""), f.get("served_at", ""))] if service else [])
            + [
                _answer(spec, value) if voted else ""
                for spec, value in zip(specs, f["answers"], strict=False)
            ]
        )
    widths = [text_width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            w = text_width(cell)
            if w > widths[i]:
                widths[i] = w

    def line(cells: list[str]) -> str:
        return "".join(" " + _pad(c, widths[i], right[i]) + " " for i, c in enumerate(cells))

    edges, x = [], 0
    for w in widths[:-1]:
        x += w + 2
        edges.append(x)
    width = sum(widths) + 2 * len(widths)
    font_pt = max(MIN_FONT_PT, min(MAX_FONT_PT, int(PAGE_WIDTH_PT / (width / 2) * 10) / 10))
    return Grid(
        header=line(headers),
        lines=[line(r) for r in rows],
        edges=edges,
        width=width,
        font_pt=font_pt,
        line_pt=round(font_pt * LINE_SPACING, 2),
    )


def flats_context(content: dict) -> dict:
    items = [
        {
            "position": item["position"],
            "title": item["title"],
            "is_election": item["kind"] == "election",
            "seats": item.get("seats"),
            "candidates": item["candidates"],
        }
        for item in content["items"]
    ]
    return {
        "items": items,
        "summary": flats_summary(content),
        "total_area": content["result"]["totals"]["area"],
        "grid": flats_grid(content),
        "mono_font": MONO_FONT,
    }


def flats_html(result: Result) -> str:
    """The HTML the per-flat table's PDF is made from (its only text source)."""
    return render_to_string(
        "results/documents/flats.html",
        {**page_context(result, FLATS), **flats_context(result.content)},
    )


def flats_pdf(result: Result) -> bytes:
    """The per-flat table (分户结果统计表) as an A4 landscape PDF, the header repeated on each page."""
    return write_pdf(flats_html(result))


def _cast_at(text: str):
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return text or None


def flats_xlsx(result: Result) -> bytes:
    """The per-flat table as .xlsx: one row per flat on the roll; elections list the chosen
    candidates by name."""
    from openpyxl import Workbook

    content = result.content
    specs = _answer_texts(content)
    headers = [
        pgettext("result table", "No."),
        _("Building"),
        _("Room"),
        _("Area (m²)"),
        _("Channel"),
        _("Cast at"),
    ] + [f"{item['position']}. {item['title']}" for item in content["items"]]
    service = has_service(content)
    if service:
        headers.insert(6, pgettext("result table", "Served"))
    wb = Workbook()
    ws = wb.active
    ws.title = _("Per-flat result")[:31]
    s = flats_summary(content)
    xlsx.sheet_head(
        ws,
        f"{heading(content)} · {doc_title(FLATS)}",
        len(headers),
        [
            *xlsx.lead_lines(content, result),
            _("Flats: %(flats)s; electronic: %(electronic)s; paper: %(paper)s; not voted: %(not_voted)s") % s,
        ],
    )
    header_row = xlsx.header_row(ws, headers)
    not_voted = channel_label("")
    # ``ws.max_row`` scans every cell written so far: the row number is counted here instead.
    row_no = header_row
    for n, f in enumerate(content.get("flats") or [], start=1):
        voted = bool(f["channel"])
        row_no += 1
        ws.append(
            [
                n,
                f["building"],
                f["room"],
                xlsx.number(f["area"]),
                channel_label(f["channel"]) if voted else not_voted,
                _cast_at(f["cast_at"]) if voted else None,
            ]
            + ([texts.service_label(f.get("served_by", ""), f.get("served_at", ""))] if service else [])
            + [
                (_answer(spec, value, names=True) if voted else None)
                for spec, value in zip(specs, f["answers"], strict=False)
            ]
        )
        if voted:
            ws.cell(row=row_no, column=6).number_format = "yyyy-mm-dd hh:mm"
    xlsx.footer_rows(ws, result, len(headers))
    xlsx.widths(ws, (8, 12, 10, 12, 10, 18) + (22,) * service + (18,) * len(content["items"]))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    xlsx.print_setup(ws, header_row)
    return workbook_bytes(wb)
