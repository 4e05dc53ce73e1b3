"""Every message that leaves the site fits one SMS segment by design (issue 22 item 2; the SMS
copies of R-VOTE-2, R-SEC-4, R-SEC-6 notices).

The finding: every SMS in the demo read "…业主大会会议：深圳湾畔花园2026年度第。请进入…": the title was
cut at the provider's 20-character variable limit, mid-word. Now every title sent outside the site
comes from ``notify.sms_titles``, a meeting's name shortened to fit by ``rules.sms``; these tests
render each one with the longest values the models allow (``Estate.name`` and ``Meeting.title``:
200 characters), and a scan of ``src`` finds every ``sms=True`` call carrying its ``sms_title``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.identity.sms import render
from ownervote.meetings.models import Meeting
from ownervote.notify import services, sms_titles
from ownervote.notify.models import Notification, OutboxMessage
from ownervote.notify.services import SMS_TITLE_MAX, notify, short_title
from ownervote.roster.models import Estate
from ownervote.rules.sms import segments

SRC = Path(__file__).resolve().parents[2] / "src" / "ownervote"
ESTATE_MAX = Estate._meta.get_field("name").max_length
TITLE_MAX = Meeting._meta.get_field("title").max_length

LONG_ESTATE = ("深圳市南山区粤海街道" + "深圳湾畔花园三期" * 30)[:ESTATE_MAX]
ORDINAL, YEAR = "第9999次", "2026年"
# the longest realistic names: the estate's name first, then the year, ordinal and kind
LONG_TITLES = [
    (LONG_ESTATE[: TITLE_MAX - 20] + "2026年度第9999次业主大会临时会议")[:TITLE_MAX],
    ("2026年度第9999次业主大会定期会议（关于" + "更换物业服务企业和使用专项维修资金" * 20)[:TITLE_MAX],
    LONG_ESTATE[:ESTATE_MAX] + "2026年度第9999次业主大会临时会议",  # longer than the model allows
]
ALL = {name: value for name, value in vars(sms_titles).items() if name.isupper()}


def test_every_title_is_here():
    assert len(ALL) >= 25  # meetings, voting, results, one's own matters, staff accounts


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_sms_title_fits_one_segment_at_its_longest(name):  # issue 22 item 2
    pattern = ALL[name]
    with translation.override("zh-hans"):
        if "%(name)s" not in str(pattern):
            titles = [str(pattern)]
        else:
            titles = [
                short_title(pattern, meeting=t, estate=estate)
                for t in LONG_TITLES
                for estate in ("", LONG_ESTATE)
            ]
        for title in titles:
            assert re.search(r"[\u4e00-\u9fff]", title), title  # translated
            assert len(title) <= SMS_TITLE_MAX, title
            text = render("notice", {"title": title})
            assert segments(text) == 1, text
            if "%(name)s" in str(pattern):
                assert ORDINAL in title, title  # what tells the meetings apart
                assert not re.search(r"第[0-9]*$|[0-9]…|…[0-9]", title), title  # no number cut


def test_the_code_messages_fit_one_segment():  # R-ID-1: the longest code and lifetime
    for template in ("sign_in_code", "verify_code"):
        assert segments(render(template, {"code": "999999"})) == 1


def test_every_sms_call_in_the_code_carries_its_sms_title():  # issue 22 item 2
    calls = 0
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"\bsms=True,|\"sms\": True,", text):
            calls += 1
            rest = text[m.end() :]
            call = rest[: rest.find("\n    )") if "\n    )" in rest else 600]
            assert re.search(r"sms_title=|\"sms_title\": ", call), f"{path.relative_to(SRC)}: no sms_title"
    assert calls >= 17


@pytest.mark.django_db
def test_the_sms_copy_carries_the_short_title_and_the_inbox_the_full_one():  # issue 22 item 2
    owner = owner_account_for_mobile("13900000001")
    full = "业主大会会议：深圳湾畔花园2026年度第一次业主大会临时会议"
    with translation.override("zh-hans"):
        short = short_title(sms_titles.MEETING_PUBLICISED, meeting=full[7:], estate="深圳湾畔花园")
    notify(users=[owner], kind="test.sms", title=full, body="…", sms=True, sms_title=short)
    assert Notification.objects.get(user=owner).title == full
    sms = OutboxMessage.objects.get(user=owner, channel="sms")
    assert sms.title == short == "会议公告：2026年第一次临时会议"


@pytest.mark.django_db
def test_a_title_nobody_composed_is_cut_at_a_word_end(monkeypatch):  # issue 22 item 2
    warned = []
    monkeypatch.setattr(services.log, "warning", lambda *args: warned.append(args[0] % args[1:]))
    owner = owner_account_for_mobile("13900000002")
    title = "业主大会会议：深圳湾畔花园2026年度第一次"
    notify(users=[owner], kind="test.sms", title=title, body="…", sms=True)
    title = OutboxMessage.objects.get(user=owner, channel="sms").title
    assert title == "业主大会会议：深圳湾畔花园2026年度…" and len(title) <= SMS_TITLE_MAX
    assert len(warned) == 1 and "no SMS title that fits" in warned[0]
