"""No SMS of the seeded demo cuts a word (issue 22 item 2): every text message the demo's story
sends (the meetings' notices, proxies, results, bindings, complaints...) fits one segment, and the
meetings' names keep what tells them apart (the demo's two meetings of a year differ only by 第一次 /
第二次, exactly what the old cut "…2026年度第。" lost)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ownervote.demo import seed
from ownervote.identity.sms import render
from ownervote.notify.models import OutboxMessage
from ownervote.notify.services import SMS_TITLE_MAX
from ownervote.rules.calendar import SHIPPED
from ownervote.rules.sms import segments

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.mark.shipped_calendar
@pytest.mark.django_db
def test_no_sms_of_the_demo_cuts_a_word():  # issue 22 item 2
    today = dt.date(max(SHIPPED), 6, 1)
    with time_machine.travel(dt.datetime.combine(today, dt.time(10, 0), tzinfo=BEIJING), tick=True):
        seed.seed()
    rows = list(OutboxMessage.objects.filter(channel__in=["sms", "wechat"]).values_list("kind", "title"))
    assert len(rows) >= 10, rows
    for kind, title in rows:
        text = render("notice", {"title": title})
        assert len(title) <= SMS_TITLE_MAX and segments(text) == 1, (kind, text)
        assert "第。" not in text, (kind, text)
        assert not re.search(r"第[0-9一二三四五六七八九十]*(…|$)", title), (kind, title)
        assert not re.search(r"[0-9]…", title), (kind, title)
    titles = {title for _kind, title in rows}
    assert any("第一次" in t for t in titles) and any("第二次" in t for t in titles), titles
