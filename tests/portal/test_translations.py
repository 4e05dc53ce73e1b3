"""Owners read these pages in Chinese: each of the portal's and notify's messages must come out as
their own catalogue translates it, not as another app's catalogue translates the same English
(Django merges every app's catalogue and the earlier app wins)."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.utils import translation

import ownervote

SRC = Path(ownervote.__file__).parent


@pytest.mark.parametrize("app", ["portal", "notify"])
def test_every_message_reads_as_translated_here(app):
    path = SRC / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)._catalog
    assert len(catalogue) > 10
    wrong = {}
    with translation.override("zh-hans"):
        for key, mine in catalogue.items():
            msgid, plural_form = key if isinstance(key, tuple) else (key, 0)
            if not msgid or plural_form:
                continue
            if "\x04" in msgid:
                context, text = msgid.split("\x04", 1)
                got = translation.pgettext(context, text)
            elif isinstance(key, tuple):
                got = translation.ngettext(msgid, msgid, 1)
            else:
                got = translation.gettext(msgid)
            if got != mine:
                wrong[msgid] = (mine, got)
    assert not wrong, wrong
