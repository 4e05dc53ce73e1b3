"""Rules cited for people (issue 22 item 10): each rule ID maps to the articles of the Shenzhen
electronic voting rules it rests on (SPEC.md "art. N"), worded as people cite them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from ownervote.core.articles import cite
from ownervote.rules.articles import ARTICLES, articles_of, chinese_citation, chinese_number

SPEC = Path("/work/shared/SPEC.md")


def test_chinese_numbers_of_articles():
    assert [chinese_number(n) for n in (1, 7, 10, 12, 20, 25, 33)] == [
        "一",
        "七",
        "十",
        "十二",
        "二十",
        "二十五",
        "三十三",
    ]
    with pytest.raises(ValueError):
        chinese_number(0)


def test_rules_map_to_their_articles():  # R-MTG-1 R-ROSTER-1 R-BIND-4
    assert articles_of("R-MTG-1") == (12,)
    assert articles_of("R-ROSTER-1", "R-RES-1") == (7, 25)
    assert articles_of("R-BIND-2, R-VOTE-4") == (13, 18)
    assert articles_of("R-TRUST-1") == ()  # the system's own safeguard: no article to cite
    assert chinese_citation((13, 18)) == "第十三条、第十八条"


@pytest.mark.skipif(not SPEC.exists(), reason="SPEC.md is read from the shared folder")
def test_the_mapping_agrees_with_the_spec():
    """Every mapped rule's first article is one SPEC.md names for it ("art. N")."""
    text = SPEC.read_text()
    for rule, numbers in ARTICLES.items():
        line = next(line for line in text.splitlines() if line.startswith(f"- {rule} "))
        groups = re.findall(r"\bart\. ([\d, ]+)", line)
        cited = {int(n) for group in groups for n in re.findall(r"\d+", group)}
        assert numbers[0] in cited, (rule, numbers, cited)


def test_pages_cite_the_article_in_the_reader_language():
    template = Template('{% load articles %}{{ "R-MTG-2"|article }}')
    with translation.override("zh-hans"):
        assert template.render(Context()) == "《深圳市物业管理电子投票规则》第十二条"
        assert cite("R-TRUST-1") == ""
    with translation.override("en"):
        assert template.render(Context()) == "art. 12 of the Shenzhen electronic voting rules"
