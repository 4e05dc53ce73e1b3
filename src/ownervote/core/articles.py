"""Rules cited for people (issue 22 item 10): the article of the Shenzhen electronic voting rules
a rule rests on, never the engineers' rule ID. The mapping is ``rules.articles``; this module words
it in the current language: "《深圳市物业管理电子投票规则》第十二条" or "art. 12 of the Shenzhen
electronic voting rules"."""

from __future__ import annotations

from django.utils.translation import get_language

from ownervote.rules.articles import articles_of, chinese_citation

TITLE_ZH = "《深圳市物业管理电子投票规则》"


def cite(*rules: str) -> str:
    """The articles ``rules`` ("R-MTG-1", ...) rest on, for people; "" when they cite none."""
    numbers = articles_of(*rules)
    if not numbers:
        return ""
    if (get_language() or "").startswith("zh"):
        return TITLE_ZH + chinese_citation(numbers)
    return f"art. {', '.join(map(str, numbers))} of the Shenzhen electronic voting rules"
