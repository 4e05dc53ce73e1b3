"""What both printed tables of a result version share: the labels, the page's running head and
footer (version, generation time, SHA-256), the signature lines and the PDF writer (the .xlsx side
is ``tables.xlsx``). Read only from the frozen ``Result.content``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ownervote.bindinglist.documents import page_counter_css
from ownervote.orgs.models import convener_label

from ..models import Result
from ..texts import correction_line

RESULT, FLATS = "result", "flats"
KINDS = (RESULT, FLATS)


def css_string(text: str) -> str:
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


def heading(content: dict) -> str:
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


def page_context(result: Result, kind: str) -> dict:
    content = result.content
    title = doc_title(kind)
    return {
        "doc_title": title,
        "m": content["meeting"],
        "number": result.number,
        "reason": content.get("reason", ""),
        "correction": correction_line(content),  # R-SEC-6: 更正 of the publicised version
        "generated_at": content.get("generated_at", ""),
        "digest": result.digest,
        "merkle_root": content.get("merkle_root", ""),
        "page_counter": page_counter_css(),
        "running_head": css_string(f"{heading(content)} · {title}"),
        "footer": css_string(footer_text(result)),
        "follow_majority": bool(content["result"].get("follow_majority")),
        "signatures": signatures(content),
        "street": content["meeting"].get("street", ""),
        "convener_named": convener_named(content),
    }


def convener_named(content: dict) -> str:
    """The convener as the result names it: with the capacity a street office or community
    committee convened in (R-ORG-3, R-ORG-4); a version frozen before it was recorded, the name."""
    m = content["meeting"]
    return convener_label(m.get("convener", ""), m.get("convener_capacity", ""))


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


def write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def follow_majority_text() -> str:
    return _(
        "Computed with the estate's rule that non-voters are counted with the majority (随多数); "
        "this rule is disputed under the Civil Code."
    )
