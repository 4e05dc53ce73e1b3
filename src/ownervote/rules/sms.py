"""Text messages that fit by design (issue 22 item 2): how many segments a text takes, and a
meeting's name shortened to a budget without losing what tells it apart from the estate's other
meetings.

Segments (3GPP TS 23.038 / 23.040): a text of GSM-7 characters only takes 160 characters in one
segment and 153 per part once concatenated (a character of the extension table counts twice); any
other character (Chinese) switches the whole text to UCS-2: 70 UTF-16 units in one segment and 67
per part.

A meeting's name is shortened in steps, each taken only while the name is still too long:

1. generic words go: "年度" becomes "年", "关于", "召开", "的", "业主大会" (every owner's meeting is one),
   then the estate's name (the caller passes it: the owner is told which estate elsewhere), then
   the "会议" after 第N次;
2. what is left besides the distinguishing parts (the year, the ordinal 第N次/届, 临时/定期/首次 and
   every run of digits or Latin letters) is cut at its end with an ellipsis, never inside a number,
   and dropped altogether when too little of it would remain; failing that, the same without the
   "会议" after 临时/定期/首次;
3. if the distinguishing parts alone are still too long, the least distinguishing go (the kind,
   then the year): the ordinal stays last. A name never grows past ``budget``.

Pure Python: no Django.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
UCS2_SINGLE, UCS2_PART = 70, 67
GSM7_SINGLE, GSM7_PART = 160, 153

_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM7_BASIC or ch in _GSM7_EXTENDED for ch in text)


def units(text: str) -> int:
    """The length that counts against a segment: GSM-7 septets (an extension character takes two),
    or UTF-16 code units (a character outside the BMP takes two)."""
    if is_gsm7(text):
        return sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """How many SMS segments ``text`` takes (0 for an empty text)."""
    n = units(text)
    if n == 0:
        return 0
    single, part = (GSM7_SINGLE, GSM7_PART) if is_gsm7(text) else (UCS2_SINGLE, UCS2_PART)
    return 1 if n <= single else -(-n // part)


# --- a meeting's name -------------------------------------------------------------------------

_NUM = "0-9〇零一二三四五六七八九十百两"
# A distinguishing part: the year, the ordinal, the kind, or any run of digits / Latin letters.
KEY = re.compile(rf"[0-9]{{4}}年度?|第[{_NUM}]+[次届]|临时|定期|首次|[0-9A-Za-z]+")
_GENERIC = [
    (re.compile(r"(?<=[0-9]{4}年)度"), ""),
    (re.compile(r"关于|召开|的"), ""),
    (re.compile(r"业主大会(?=.)"), ""),
]
_KIND_MEETING = re.compile(r"(?<=临时|定期|首次)会议")
_ORDINAL_MEETING = re.compile(r"(?<=[次届])会议")
_NUMERALS = set(_NUM)
_MIN_KEPT = 2  # a cut-off text keeps at least this many characters before its ellipsis


def _parts(name: str) -> list[tuple[bool, str]]:
    """``name`` as (distinguishing?, text) runs, in order."""
    parts, at = [], 0
    for m in KEY.finditer(name):
        if m.start() > at:
            parts.append((False, name[at : m.start()]))
        parts.append((True, m.group()))
        at = m.end()
    if at < len(name):
        parts.append((False, name[at:]))
    return parts


def _join(texts) -> str:
    """The pieces end to end, a space kept between two that would otherwise run two numbers (or
    Latin words) into one."""
    out = ""
    for text in texts:
        if not text:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and text[0].isascii() and text[0].isalnum():
            out += " "
        out += text
    return out


def _cut_free(parts: list[tuple[bool, str]], budget: int) -> str | None:
    """The parts with the free text cut from the end (longest runs first) to fit, or None."""
    parts = list(parts)
    while len(_join(t for _k, t in parts)) > budget:
        free = [i for i, (key, t) in enumerate(parts) if not key and t and t != ELLIPSIS]
        if not free:
            return None
        i = max(free, key=lambda j: (len(parts[j][1]), -j))
        over = len(_join(t for _k, t in parts)) - budget
        text = parts[i][1]
        keep = len(text) - over - len(ELLIPSIS)
        while 0 < keep < len(text) and text[keep - 1] in _NUMERALS and text[keep] in _NUMERALS:
            keep -= 1  # never inside a number written in Chinese
        if keep >= _MIN_KEPT:
            parts[i] = (False, text[:keep].rstrip("：:，,、 -·") + ELLIPSIS)
        else:
            parts[i] = (False, "")
    return _join(t for _k, t in parts)


def _keys_only(name: str, budget: int) -> str:
    """The distinguishing parts alone, the least distinguishing dropped first until they fit."""
    keys = [t for key, t in _parts(name) if key]
    for weak in (re.compile(r"临时|定期|首次"), re.compile(r"[0-9]{4}年度?")):
        if len(_join(keys)) <= budget:
            break
        keys = [k for k in keys if not weak.fullmatch(k)]
    while keys and len(_join(keys)) > budget:
        keys.pop(0)  # the ordinal comes last in a Chinese name: it stays longest
    return _join(keys)


def shorten_meeting_name(name: str, budget: int, *, estate: str = "") -> str:
    """``name`` in at most ``budget`` characters, keeping what tells the meeting apart (see the
    module's docstring). ``estate``: the estate's name, dropped before anything distinguishing is."""
    name = re.sub(r"\s+", " ", str(name)).strip()
    if budget <= 0:
        return ""
    if len(name) <= budget:
        return name
    for pattern, repl in _GENERIC:
        name = pattern.sub(repl, name)
        if len(name) <= budget:
            return name
    if estate and estate in name and name.replace(estate, "", 1).strip():
        name = name.replace(estate, "", 1).strip()
        if len(name) <= budget:
            return name
    name = _ORDINAL_MEETING.sub("", name)  # "第一次会议": the ordinal says it is a meeting
    if len(name) <= budget:
        return name
    for attempt in (name, _KIND_MEETING.sub("", name)):
        if len(attempt) <= budget:
            return attempt
        cut = _cut_free(_parts(attempt), budget)
        if cut is not None and cut.replace(ELLIPSIS, ""):
            return cut
    return _keys_only(_KIND_MEETING.sub("", name), budget)


def fit(text: str, budget: int) -> str:
    """Any text in at most ``budget`` characters, cut at the end of a word with an ellipsis: never
    inside a year, an ordinal (第N次), a run of digits or of Latin letters (it goes whole). A
    safety net for a title nobody composed to fit."""
    text = str(text)
    if len(text) <= budget:
        return text
    if budget <= len(ELLIPSIS):
        return ""
    cut = budget - len(ELLIPSIS)
    for m in KEY.finditer(text):  # a year, an ordinal, a number or a Latin word goes whole
        if m.start() < cut < m.end():
            cut = m.start()
            break
    head = text[:cut]
    return head.rstrip("：:，,、 -·（(") + ELLIPSIS


def compose(pattern: str, name: str, limit: int, *, estate: str = "") -> str:
    """``pattern`` (with one ``%(name)s``) filled with the meeting's name shortened so that the
    whole stays within ``limit`` characters."""
    budget = limit - len(pattern.replace("%(name)s", ""))
    return pattern % {"name": shorten_meeting_name(name, max(budget, 0), estate=estate)}
