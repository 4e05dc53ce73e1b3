"""``{{ "R-MTG-1"|article }}``: the article a rule rests on, as people cite it (``core.articles``)."""

from __future__ import annotations

from django import template

from ownervote.core.articles import cite

register = template.Library()


@register.filter
def article(rule: str) -> str:
    return cite(str(rule or ""))
