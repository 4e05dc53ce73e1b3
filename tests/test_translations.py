"""Django merges every app's catalog into one: a msgid translated two ways shows whichever app
comes first in INSTALLED_APPS, on every page. The same English (and context) must read the same
in Chinese everywhere; where two meanings share the English, the code gives them a context."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "ownervote"
ENTRY = re.compile(r'(?:^msgctxt "(.*)"\n)?^msgid "(.*)"\n(?:^"(?:.*)"\n)*^msgstr "(.*)"', re.M)


def catalogs() -> list[Path]:
    return sorted(SRC.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_catalog_is_fully_translated():
    for po in catalogs():
        text = po.read_text(encoding="utf-8")
        assert "#, fuzzy\nmsgid" not in text and ", fuzzy" not in text.split("\n\n", 1)[1], po


def test_one_msgid_reads_the_same_in_every_app():
    seen: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for po in catalogs():
        app = po.parents[3].name
        for ctx, msgid, msgstr in ENTRY.findall(po.read_text(encoding="utf-8")):
            if msgid and msgstr:
                seen[(ctx, msgid)][app] = msgstr
    clashes = {key: apps for key, apps in seen.items() if len(set(apps.values())) > 1}
    assert not clashes, "\n".join(f"{key}: {apps}" for key, apps in sorted(clashes.items()))
