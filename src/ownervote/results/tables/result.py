"""The result table (投票结果统计表) of a version, art. 25 (R-RES-1, R-RES-2): the totals, the
participation and the quorum, one row per item with the answers' area and owners and their shares,
each election's ranking, and the outcome in words; as a PDF (HTML + print CSS by WeasyPrint) and an
.xlsx with the same figures (areas and counts as numbers, shares as percentages)."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ownervote.core.spreadsheets import workbook_bytes

from .. import texts
from ..models import Result
from . import xlsx
from .common import (
    RESULT,
    category_label,
    doc_title,
    follow_majority_text,
    footer_text,
    heading,
    met_label,
    page_context,
    threshold_short,
    write_pdf,
)


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
            "decided_by": texts.decided_by(outcome, r),  # under 随多数 (issue 24 item 5)
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
                            "owners_share": xlsx.ratio(c["owners_of_participating"]),
                            "area_share": xlsx.ratio(c["area_of_participating"]),
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
        # 随多数: participation both ways (issue 24 item 5)
        "with_nonvoters": texts.with_nonvoters(outcome),
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
        {**page_context(result, RESULT), **result_context(result.content)},
    )


def result_pdf(result: Result) -> bytes:
    """The result table (投票结果统计表) as an A4 PDF."""
    return write_pdf(result_html(result))


PCT = "0.00%"  # a share as Excel shows it


def result_xlsx(result: Result) -> bytes:
    """The result table as .xlsx: a sheet of totals and items, and a sheet of election rankings."""
    from openpyxl import Workbook

    ctx = result_context(result.content)
    wb = Workbook()
    _result_sheet(wb.active, result, ctx)
    if ctx["elections"]:
        _ranking_sheet(wb.create_sheet(_("Ranking")[:31]), result, ctx)
    return workbook_bytes(wb)


def _result_sheet(ws, result: Result, ctx: dict) -> None:
    """The totals and the participation as label / value pairs, then one row per item and the
    outcome of each in a sentence."""
    content = result.content
    outcome = content["result"]
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
    title = f"{heading(content)} · {doc_title(RESULT)}"
    xlsx.sheet_head(ws, title, len(headers), xlsx.lead_lines(content, result))
    t, p = outcome["totals"], outcome["participating"]
    pairs = [
        (_("Total voting rights (m²)"), xlsx.number(t["area"]), None),
        (_("Total owners"), t["owners"], None),
        (_("Flats (exclusive parts)"), t.get("flats", 0), None),
        (_("Participating area (m²)"), xlsx.number(p["area"]), None),
        (_("Participating area: share of the total"), xlsx.ratio(p["area_of_total"]), PCT),
        (_("Participating owners"), p["owners"], None),
        (_("Participating owners: share of the total"), xlsx.ratio(p["owners_of_total"]), PCT),
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
        for line in texts.participation_both_ways(outcome):  # issue 24 item 5
            ws.append([line])
    ws.append([])
    header_row = xlsx.header_row(ws, headers)
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
                xlsx.number(a["area"]),
                xlsx.ratio(a["area_of_participating"]),
                a["owners"],
                xlsx.ratio(a["owners_of_participating"]),
            ]
        row += [met_label(r["quorum"]["area"] and r["quorum"]["owners"]), texts.short_outcome(item, r)]
        ws.append(row)
        for col in (6, 8, 10, 12, 14, 16):
            ws.cell(row=ws.max_row, column=col).number_format = PCT
    ws.append([])
    for note in ctx["notes"]:
        ws.append([note["position"], note["text"]])
    xlsx.footer_rows(ws, result, len(headers))
    xlsx.widths(ws, (8, 40, 22, 14) + (12,) * 12 + (10, 18))
    xlsx.print_setup(ws, header_row)


def _ranking_sheet(ranking, result: Result, ctx: dict) -> None:
    """Every candidate of each election, by rank, with owners, area and their shares."""
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
    title = f"{heading(result.content)} · {_('Ranking')}"
    xlsx.sheet_head(ranking, title, len(heads), [footer_text(result)])
    row_no = xlsx.header_row(ranking, heads)
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
                    xlsx.number(f.area),
                    c["area_share"],
                    pgettext("threshold", "yes") if c["majority"] else pgettext("threshold", "no"),
                    c["status"],
                ]
            )
            for col in (6, 8):
                ranking.cell(row=ranking.max_row, column=col).number_format = PCT
    xlsx.widths(ranking, (36, 8, 8, 16, 10, 12, 12, 12, 12, 12))
    xlsx.print_setup(ranking, row_no)
