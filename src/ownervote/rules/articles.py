"""Which article of the Shenzhen electronic voting rules (《深圳市物业管理电子投票规则》) each rule
of SPEC.md rests on (issue 22 item 10). Rule IDs ("R-MTG-1") are the engineers' names: people
read the article instead, through ``core.templatetags.articles`` (pages) and ``core.articles``
(sentences). A rule the voting rules do not state (the system's own safeguards, R-TRUST-*, R-SEC-*
but art. 28) maps to no article and is simply not cited to people.
"""

from __future__ import annotations

import re

RULE_ID = re.compile(r"R-[A-Z]+-\d+")

# Rule ID -> the articles of the voting rules it cites (SPEC.md "art. N").
ARTICLES: dict[str, tuple[int, ...]] = {
    "R-ORG-1": (4, 5, 6),
    "R-ORG-2": (31,),
    "R-ORG-3": (33,),
    "R-ORG-4": (34,),
    "R-ROSTER-1": (7,),
    "R-ROSTER-2": (7,),
    "R-ID-1": (9,),
    "R-ID-2": (9,),
    "R-ID-3": (9,),
    "R-BIND-2": (13,),
    "R-BIND-3": (14,),
    "R-BIND-4": (15,),
    "R-MTG-1": (12,),
    "R-MTG-2": (12,),
    "R-MTG-3": (12,),
    "R-MTG-4": (12,),
    "R-MTG-5": (12,),
    "R-MTG-6": (12,),
    "R-MTG-7": (10, 11),
    "R-VOTE-1": (16,),
    "R-VOTE-2": (17,),
    "R-VOTE-3": (17,),
    "R-VOTE-4": (18,),
    "R-VOTE-5": (19,),
    "R-VOTE-6": (20,),
    "R-VOTE-7": (20,),
    "R-VOTE-8": (21,),
    "R-VOTE-9": (31,),
    "R-PAPER-1": (22,),
    "R-PAPER-2": (11,),
    "R-PAPER-3": (24,),
    "R-PAPER-4": (11,),
    "R-TALLY-1": (23,),
    "R-TALLY-4": (25,),
    "R-RES-1": (25,),
    "R-RES-2": (25,),
    "R-RES-3": (26,),
    "R-RES-4": (27,),
    "R-SEC-1": (28,),
    "R-SEC-4": (5,),
}

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 as Chinese numerals, the way articles are numbered: 十二, 二十五, 三十三."""
    if not 0 < n < 100:
        raise ValueError(f"article number out of range: {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def articles_of(*rules: str) -> tuple[int, ...]:
    """The articles the rules cite, each once, in order; unknown rules cite none."""
    found: list[int] = []
    for rule in rules:
        for part in RULE_ID.findall(rule):
            found += [n for n in ARTICLES.get(part, ()) if n not in found]
    return tuple(sorted(found))


def chinese_citation(numbers: tuple[int, ...]) -> str:
    """ "第十二条" or "第十三条、第十八条"."""
    return "、".join(f"第{chinese_number(n)}条" for n in numbers)
