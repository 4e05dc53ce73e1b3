"""The printable result tables of a version (art. 25; R-RES-1, R-RES-2): the result table (投票结果统计表)
and the per-flat table (分户结果统计表), each as a PDF and an .xlsx.

Everything is read from the frozen ``Result.content`` (and its ``digest``), never from the live
meeting, so every copy of a version says the same. Every PDF page carries the version number, the
generation time and the content's SHA-256 in its footer; both PDFs end with the place for the
convener's seal and a signature line for each caller, counter and scrutineer of the paper count
(blank lines when there was none), for the convener to print, seal, have signed and submit to the
street office.

The PDFs are HTML + print CSS rendered by WeasyPrint with the embedded Noto Sans CJK SC font, as
the binding list and the paper ballots are; A4 landscape. The per-flat table is one plain table
with a fixed layout and no per-row styling, built as one HTML string, so that a large estate lays
out in seconds. The .xlsx files hold the same figures, areas and counts as numbers and shares as
percentages.

A version never changes, so neither do its tables: ``kept`` renders each (kind, format, language)
of a version once and keeps the bytes (``ResultDocument``, encrypted at rest through
``core.files``: the per-flat table shows how every flat voted); every later download serves them.
The per-flat PDF of a large roll is rendered in the background as soon as the version is generated
(``tasks.prerender``), so that the convener's first download does not wait for it either.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ownervote.audit.services import record
from ownervote.bindinglist.documents import PDF, XLSX, page_counter_css
from ownervote.core import files
from ownervote.core.errors import InvalidInput, NotFound, require

from . import texts
from .models import Result, ResultDocument
from .services import results as result_services

__all__ = [
    "FORMATS",
    "KINDS",
    "PDF",
    "XLSX",
    "filename",
    "flats_html",
    "flats_pdf",
    "flats_xlsx",
    "is_kept",
    "kept",
    "public_document",
    "render",
    "result_html",
    "result_pdf",
    "result_xlsx",
    "version_document",
]

RESULT, FLATS = "result", "flats"
KINDS = (RESULT, FLATS)
FORMATS = ("pdf", "xlsx")
MIME = {"pdf": PDF, "xlsx": XLSX}

log = logging.getLogger(__name__)


# --- small helpers -------------------------------------------------------------------------------


def _css_string(text: str) -> str:
    """``text`` as a CSS string for a page margin box. The HTML goes into a <style> element, so "<"
    is escaped too (a title holding "</style>" must not end it)."""
    text = " ".join(str(text).split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


def flat_label(building: str, room: str) -> str:
    """As the ballots and the paper count print it: ``1栋-101``."""
    return f"{building}-{room}"


def threshold_short(threshold: str) -> str:
    if threshold == "three_quarters":
        return _("at least 3/4")
    return _("more than 1/2")


def category_label(category: int) -> str:
    return _("Civil Code art. 278 item (%(n)s)") % {"n": category}


def channel_label(channel: str) -> str:
    return {
        "electronic": pgettext("ballot channel", "electronic"),
        "paper": pgettext("ballot channel", "paper"),
    }.get(channel, _("not voted"))


def met_label(met: bool) -> str:
    return pgettext("quorum", "met") if met else pgettext("quorum", "not met")


def _heading(content: dict) -> str:
    m = content["meeting"]
    return f"{m['estate']} · {m['title']}"


def doc_title(kind: str) -> str:
    if kind == FLATS:
        return _("Per-flat result table")
    return _("Voting result table")


def footer_text(result: Result) -> str:
    """The footer of every page: version, generation time and the content's SHA-256."""
    return _("Result version %(n)s · generated %(when)s · SHA-256 %(digest)s") % {
        "n": result.number,
        "when": result.content.get("generated_at", ""),
        "digest": result.digest,
    }


def _page_context(result: Result, kind: str) -> dict:
    content = result.content
    title = doc_title(kind)
    return {
        "doc_title": title,
        "m": content["meeting"],
        "number": result.number,
        "reason": content.get("reason", ""),
        "generated_at": content.get("generated_at", ""),
        "digest": result.digest,
        "merkle_root": content.get("merkle_root", ""),
        "page_counter": page_counter_css(),
        "running_head": _css_string(f"{_heading(content)} · {title}"),
        "footer": _css_string(footer_text(result)),
        "follow_majority": bool(content["result"].get("follow_majority")),
        "signatures": signatures(content),
        "street": content["meeting"].get("street", ""),
    }


def signatures(content: dict) -> list[dict]:
    """The signature lines: each caller, counter and scrutineer of the committed paper counts, once
    each (one person may serve in several sessions); three blank lines when there was no count."""
    roles = (
        ("caller", pgettext("count role", "Caller")),
        ("counter", pgettext("count role", "Counter")),
        ("scrutineer", pgettext("count role", "Scrutineer")),
    )
    lines: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for session in content.get("scrutiny") or []:
        for key, label in roles:
            name = (session.get(key) or "").strip()
            if name and (key, name) not in seen:
                seen.add((key, name))
                lines.append({"role": label, "name": name})
    if not lines:
        lines = [{"role": label, "name": ""} for _key, label in roles]
    return lines


# --- the result table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """An area and a headcount with their shares, as printed."""

    area: str
    area_pct: str
    owners: int
    owners_pct: str


def _figure(share: dict, of: str = "participating") -> Figure:
    return Figure(
        area=share["area"],
        area_pct=texts.pct(share.get(f"area_of_{of}", "0/1")),
        owners=share["owners"],
        owners_pct=texts.pct(share.get(f"owners_of_{of}", "0/1")),
    )


def result_context(content: dict) -> dict:
    """What the result table shows, from the frozen content only."""
    outcome = content["result"]
    by_id = {r["item"]: r for r in outcome["items"]}
    items, elections, notes = [], [], []
    for item in content["items"]:
        r = by_id.get(item["id"])
        if r is None:
            continue
        is_election = item["kind"] == "election"
        row = {
            "position": item["position"],
            "title": item["title"],
            "category": category_label(item["category"]),
            "threshold": threshold_short(item["threshold"]),
            "is_election": is_election,
            "seats": item.get("seats"),
            "participating": _figure(r["participating"], of="total"),
            "yes": _figure(r["answers"]["yes"]),
            "no": _figure(r["answers"]["no"]),
            "abstain": _figure(r["answers"]["abstain"]),
            "quorum": r["quorum"]["area"] and r["quorum"]["owners"],
            "outcome": texts.short_outcome(item, r),
        }
        items.append(row)
        notes.append({"position": item["position"], "text": texts.item_outcome(content, item, r)})
        if is_election:
            names = {c["id"]: c for c in item["candidates"]}
            elections.append(
                {
                    "position": item["position"],
                    "title": item["title"],
                    "seats": item.get("seats"),
                    "rows": [
                        {
                            "rank": c["rank"],
                            "number": names.get(c["candidate"], {}).get("position", ""),
                            "name": names.get(c["candidate"], {}).get("name", str(c["candidate"])),
                            "figure": _figure(c),
                            "owners_share": _ratio(c["owners_of_participating"]),
                            "area_share": _ratio(c["area_of_participating"]),
                            "majority": c["majority"],
                            "status": _candidate_status(c),
                        }
                        for c in r.get("candidates", [])
                    ],
                }
            )
    p = outcome["participating"]
    return {
        "totals": outcome["totals"],
        "participating": _figure(p, of="total"),
        "flats_voted": outcome.get("flats_voted", 0),
        "quorum_area": met_label(outcome["quorum"]["area"]),
        "quorum_owners": met_label(outcome["quorum"]["owners"]),
        "items": items,
        "elections": elections,
        "notes": notes,
        "conflicts": outcome.get("conflicts", 0),
    }


def _candidate_status(c: dict) -> str:
    if c.get("elected"):
        return pgettext("candidate", "elected")
    if c.get("tied"):
        return pgettext("candidate", "tied")
    return pgettext("candidate", "not elected")


def result_html(result: Result) -> str:
    """The HTML the result table's PDF is made from (its only text source)."""
    return render_to_string(
        "results/documents/result.html",
        {**_page_context(result, RESULT), **result_context(result.content)},
    )


def _write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def result_pdf(result: Result) -> bytes:
    """The result table (投票结果统计表) as an A4 PDF."""
    return _write_pdf(result_html(result))


# --- the per-flat table -------------------------------------------------------------------------


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
CHUNK = 8  # lines per table row, never split across pages (no ruled blank lines at a page foot)
PAGE_WIDTH_PT = (297 - 24) * 72 / 25.4  # A4 landscape less the side margins of base.html
MAX_FONT_PT = 8.0
MIN_FONT_PT = 4.0


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


def flats_grid(content: dict) -> Grid:
    """The per-flat table's columns: No., flat, area (m²), channel, cast at, one per item."""
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
    right = [True, False, True, False, False] + [False] * len(content["items"])
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
        line_pt=round(font_pt * 1.5, 2),
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
        {**_page_context(result, FLATS), **flats_context(result.content)},
    )


def flats_pdf(result: Result) -> bytes:
    """The per-flat table (分户结果统计表) as an A4 landscape PDF, the header repeated on each page."""
    return _write_pdf(flats_html(result))


# --- .xlsx ------------------------------------------------------------------------------------


def _number(text: str) -> Decimal | int:
    value = Decimal(str(text))
    return int(value) if value == value.to_integral_value() else value


def _ratio(text: str) -> float:
    return float(texts.fraction(text))


def _sheet_head(ws, title: str, width: int, lines: list[str]) -> None:
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


def _header_row(ws, headers: list[str]) -> int:
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


def _footer_rows(ws, result: Result, width: int) -> None:
    ws.append([])
    ws.append([footer_text(result)])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=max(width, 1))


def _print_setup(ws, header_row: int) -> None:
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _widths(ws, widths) -> None:
    from openpyxl.utils import get_column_letter

    for idx, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width


def _lead_lines(content: dict, result: Result) -> list[str]:
    m = content["meeting"]
    return [
        _("Voting period: %(opens)s to %(closes)s · Convener: %(convener)s · Street office: %(street)s")
        % {
            "opens": m.get("voting_opens_at", ""),
            "closes": m.get("voting_closes_at", ""),
            "convener": m.get("convener", ""),
            "street": m.get("street", ""),
        },
        footer_text(result),
    ]


def result_xlsx(result: Result) -> bytes:
    """The result table as .xlsx: a sheet of totals and items, and a sheet of election rankings."""
    from openpyxl import Workbook

    content = result.content
    ctx = result_context(content)
    outcome = content["result"]
    pct = "0.00%"
    wb = Workbook()
    ws = wb.active
    ws.title = _("Result")[:31]
    headers = [
        pgettext("result table", "No."),
        pgettext("result table", "Item"),
        pgettext("result table", "Category"),
        pgettext("result table", "Threshold"),
        _("Yes: area (m²)"),
        _("Yes: share of area"),
        _("Yes: owners"),
        _("Yes: share of owners"),
        _("No: area (m²)"),
        _("No: share of area"),
        _("No: owners"),
        _("No: share of owners"),
        _("Abstain: area (m²)"),
        _("Abstain: share of area"),
        _("Abstain: owners"),
        _("Abstain: share of owners"),
        _("Quorum"),
        pgettext("result table", "Outcome"),
    ]
    _sheet_head(ws, f"{_heading(content)} · {doc_title(RESULT)}", len(headers), _lead_lines(content, result))
    # the totals and the participation, as label / value pairs
    t, p = outcome["totals"], outcome["participating"]
    pairs = [
        (_("Total voting rights (m²)"), _number(t["area"]), None),
        (_("Total owners"), t["owners"], None),
        (_("Flats (exclusive parts)"), t.get("flats", 0), None),
        (_("Participating area (m²)"), _number(p["area"]), None),
        (_("Participating area: share of the total"), _ratio(p["area_of_total"]), pct),
        (_("Participating owners"), p["owners"], None),
        (_("Participating owners: share of the total"), _ratio(p["owners_of_total"]), pct),
        (_("Flats voted"), outcome.get("flats_voted", 0), None),
        (_("Two thirds of the area took part"), ctx["quorum_area"], None),
        (_("Two thirds of the owners took part"), ctx["quorum_owners"], None),
    ]
    ws.append([])
    for label, value, fmt in pairs:
        ws.append([label, value])
        if fmt:
            ws.cell(row=ws.max_row, column=2).number_format = fmt
    if outcome.get("follow_majority"):
        ws.append([follow_majority_text()])
    ws.append([])
    header_row = _header_row(ws, headers)
    by_id = {r["item"]: r for r in outcome["items"]}
    for item in content["items"]:
        r = by_id.get(item["id"])
        if r is None:
            continue
        row = [
            item["position"],
            item["title"],
            category_label(item["category"]),
            threshold_short(item["threshold"]),
        ]
        for answer in ("yes", "no", "abstain"):
            a = r["answers"][answer]
            row += [
                _number(a["area"]),
                _ratio(a["area_of_participating"]),
                a["owners"],
                _ratio(a["owners_of_participating"]),
            ]
        row += [met_label(r["quorum"]["area"] and r["quorum"]["owners"]), texts.short_outcome(item, r)]
        ws.append(row)
        for col in (6, 8, 10, 12, 14, 16):
            ws.cell(row=ws.max_row, column=col).number_format = pct
    ws.append([])
    for note in ctx["notes"]:
        ws.append([note["position"], note["text"]])
    _footer_rows(ws, result, len(headers))
    _widths(ws, (8, 40, 22, 14) + (12,) * 12 + (10, 18))
    _print_setup(ws, header_row)
    if ctx["elections"]:
        ranking = wb.create_sheet(_("Ranking")[:31])
        heads = [
            pgettext("result table", "Item"),
            pgettext("result table", "Rank"),
            pgettext("result table", "No."),
            pgettext("result table", "Candidate"),
            _("Owners"),
            _("Share of owners"),
            _("Area (m²)"),
            _("Share of area"),
            _("Reached the threshold"),
            pgettext("result table", "Outcome"),
        ]
        _sheet_head(ranking, f"{_heading(content)} · {_('Ranking')}", len(heads), [footer_text(result)])
        row_no = _header_row(ranking, heads)
        for e in ctx["elections"]:
            for c in e["rows"]:
                f = c["figure"]
                ranking.append(
                    [
                        f"{e['position']}. {e['title']}",
                        c["rank"],
                        c["number"],
                        c["name"],
                        f.owners,
                        c["owners_share"],
                        _number(f.area),
                        c["area_share"],
                        pgettext("threshold", "yes") if c["majority"] else pgettext("threshold", "no"),
                        c["status"],
                    ]
                )
                for col in (6, 8):
                    ranking.cell(row=ranking.max_row, column=col).number_format = pct
        _widths(ranking, (36, 8, 8, 16, 10, 12, 12, 12, 12, 12))
        _print_setup(ranking, row_no)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def follow_majority_text() -> str:
    return _(
        "Computed with the estate's rule that non-voters are counted with the majority (随多数); "
        "this rule is disputed under the Civil Code."
    )


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
    wb = Workbook()
    ws = wb.active
    ws.title = _("Per-flat result")[:31]
    s = flats_summary(content)
    _sheet_head(
        ws,
        f"{_heading(content)} · {doc_title(FLATS)}",
        len(headers),
        [
            *_lead_lines(content, result),
            _("Flats: %(flats)s; electronic: %(electronic)s; paper: %(paper)s; not voted: %(not_voted)s") % s,
        ],
    )
    header_row = _header_row(ws, headers)
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
                _number(f["area"]),
                channel_label(f["channel"]) if voted else not_voted,
                _cast_at(f["cast_at"]) if voted else None,
            ]
            + [
                (_answer(spec, value, names=True) if voted else None)
                for spec, value in zip(specs, f["answers"], strict=False)
            ]
        )
        if voted:
            ws.cell(row=row_no, column=6).number_format = "yyyy-mm-dd hh:mm"
    _footer_rows(ws, result, len(headers))
    _widths(ws, (8, 12, 10, 12, 10, 18) + (18,) * len(content["items"]))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    _print_setup(ws, header_row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- what the views and the API call -------------------------------------------------------------


RENDER = {
    (RESULT, "pdf"): result_pdf,
    (RESULT, "xlsx"): result_xlsx,
    (FLATS, "pdf"): flats_pdf,
    (FLATS, "xlsx"): flats_xlsx,
}


def _known(kind: str, fmt: str) -> None:
    require(
        (kind, fmt) in RENDER,
        NotFound("result.document_not_found", _("No such document of the result.")),
    )


def render(result: Result, kind: str, fmt: str) -> bytes:
    _known(kind, fmt)
    return RENDER[(kind, fmt)](result)


def _language() -> str | None:
    """The active language as ``LANGUAGES`` names it (``en-us`` is kept as ``en``); None for a
    language the site does not offer (rendered, not kept)."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def _kept_row(result: Result, kind: str, fmt: str, language: str) -> ResultDocument | None:
    return (
        ResultDocument.objects.filter(result=result, kind=kind, fmt=fmt, language=language)
        .select_related("file")
        .first()
    )


def is_kept(result: Result, kind: str, fmt: str) -> bool:
    """Whether the table is kept for the active language."""
    language = _language()
    return language is not None and (
        ResultDocument.objects.filter(result=result, kind=kind, fmt=fmt, language=language).exists()
    )


def kept(result: Result, kind: str, fmt: str) -> bytes:
    """The table of a version in the active language: the kept bytes, or rendered (``render``),
    kept and returned. Two first downloads at once both render; the second to keep it gets the
    unique constraint and serves the first one's bytes, so every copy of a version is the same
    file. A table larger than core.files stores (``OWNERVOTE_MAX_UPLOAD_BYTES``) is served as
    rendered, never kept."""
    _known(kind, fmt)
    language = _language()
    if language is None:
        return render(result, kind, fmt)
    row = _kept_row(result, kind, fmt, language)
    if row is not None:
        return files.read(row.file)
    content = render(result, kind, fmt)
    upload = files.Upload(filename(result, kind, fmt), content, MIME[fmt])
    try:
        with transaction.atomic():
            stored = files.store(upload, uploaded_by=result.generated_by)
            ResultDocument.objects.create(result=result, kind=kind, fmt=fmt, language=language, file=stored)
    except IntegrityError:
        row = _kept_row(result, kind, fmt, language)  # kept meanwhile by a concurrent download
        if row is not None:
            return files.read(row.file)
    except InvalidInput:
        log.warning("result %s %s.%s (%s bytes) is too large to keep", result.pk, kind, fmt, len(content))
    return content


def filename(result: Result, kind: str, fmt: str) -> str:
    """``碧海花园-投票结果统计表-v1.pdf``: the estate, the document and the version."""
    estate = "".join(ch for ch in result.content["meeting"]["estate"] if ch not in '\\/:*?"<>|').strip()
    return f"{estate}-{doc_title(kind)}-v{result.number}.{fmt}"


def version_document(*, actor, meeting_id: int, number: int, kind: str, fmt: str) -> tuple[bytes, str, str]:
    """A table of a version for whoever ``version_for`` lets see it (the convener and the staff who
    oversee the estate): ``(content, filename, mime)``, the kept table when there is one (``kept``).
    An unknown kind or format is NotFound. The per-flat table shows how each flat voted, so every
    download is logged, kept or not."""
    _known(kind, fmt)
    result = result_services.version_for(actor, meeting_id, number)
    content = kept(result, kind, fmt)  # rendered outside the transaction the first time: it takes a while
    with transaction.atomic():
        record(
            actor=actor,
            action="result.document_downloaded",
            obj=result,
            estate_id=result.meeting.estate_id,
            summary={
                "meeting": result.meeting_id,
                "number": result.number,
                "kind": kind,
                "format": fmt,
                "digest": result.digest,
            },
        )
    return content, filename(result, kind, fmt), MIME[fmt]


def public_document(*, meeting_id: int) -> tuple[bytes, str, str]:
    """The publicised result table of a meeting, for anybody (art. 26): only the result table,
    never the per-flat one."""
    result = result_services.public_result(meeting_id)
    return kept(result, RESULT, "pdf"), filename(result, RESULT, "pdf"), PDF
