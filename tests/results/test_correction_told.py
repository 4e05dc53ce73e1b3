"""A corrected result explained to owners (issue 22 item 8; R-SEC-6).

The finding: owners got a second result message with different numbers and no word that it
corrected the first. Now the correction's version tells them which publicised result it corrects
and from which day, why (the reason the convener gave), and what changed, old → new, in the inbox
and on the public result page; the SMS copy is one segment naming the correction.

``publicised``: tests/results/test_corrections.py (zhang voted electronically for 1栋-101; version
1 publicised); the correction counts li's late paper ballot for 1栋-102."""

from __future__ import annotations

import datetime as dt

import pytest

from ownervote.identity.sms import render
from ownervote.notify.models import Notification, OutboxMessage
from ownervote.results.models import Result, ResultPublicity
from ownervote.results.services import announce, corrections, results
from ownervote.results.texts import correction_changes
from ownervote.rules.sms import segments
from ownervote.voting.services import paper
from tests.results.scans import uploads
from tests.results.test_corrections import REASON, enter, publicised  # noqa: F401 - the fixture
from tests.results.test_services import closed_world, publicise, window_over  # noqa: F401
from tests.voting.paper_fixtures import open_session

pytestmark = pytest.mark.django_db


def corrected(w: dict) -> tuple[Result, Result]:
    """Version 1 (publicised) and version 2, which counts the late ballot and is publicised."""
    meeting = w["meeting"]
    v1 = results.current(meeting)
    corrections.correction_start(actor=w["convener"], meeting_id=meeting.pk, reason=REASON)
    session = open_session(w["convener"], meeting)
    enter(w, session)
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    v2 = results.result_generate(actor=w["convener"], meeting_id=meeting.pk)
    results.result_submit(actor=w["convener"], meeting_id=meeting.pk, **uploads())
    window_over(w)
    Result.objects.filter(meeting=meeting).update(resolved_on=results.today() - dt.timedelta(days=20))
    publicise(w)
    v2.refresh_from_db()
    return v1, v2


def day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def test_the_owners_message_says_what_it_corrects_why_and_what_changed(publicised):  # noqa: F811 - R-SEC-6
    w = publicised
    v1, v2 = corrected(w)
    first_day = ResultPublicity.objects.get(result=v1).starts_on
    told = Notification.objects.get(kind="result.publicised", user=w["zhang"], title__contains="更正")
    lines = told.body.split("\n")
    # which result, from which day, why: before anything else
    assert lines[0] == f"本结果更正 {day(first_day)} 公示的表决结果（第 1 版）。更正原因：{REASON}"
    assert lines[1] == "变化如下："
    # what changed: one more owner took part (li's late paper ballot), old → new
    p1, p2 = v1.content["result"]["participating"], v2.content["result"]["participating"]
    assert p2["owners"] == p1["owners"] + 1
    assert f"参与表决：{p1['owners']} → {p2['owners']} 人，{p1['area']} → {p2['area']} 平方米。" in lines
    assert "更正后的结果：" in lines
    # the result itself follows: the same lines as the first message, with the new figures
    first = Notification.objects.filter(kind="result.publicised", user=w["zhang"]).exclude(pk=told.pk).get()
    assert "更正" not in first.title and "更正" not in first.body
    assert told.body.endswith(lines[-1]) and lines[-1] not in first.body.split("\n")[:1]


def test_the_sms_of_a_correction_is_one_segment_naming_it(publicised):  # noqa: F811 - R-SEC-6; issue 22 item 2
    w = publicised
    corrected(w)
    sms = OutboxMessage.objects.filter(kind="result.publicised", channel="sms")
    titles = set(sms.values_list("title", flat=True))
    assert len(titles) == 2, titles  # the first publicity and the correction
    fix = next(t for t in titles if t.startswith("结果更正："))
    assert len(fix) <= 20 and segments(render("notice", {"title": fix})) == 1
    assert any(t.startswith("结果公示：") for t in titles)


def test_changes_name_each_item_whose_outcome_or_figures_moved(publicised):  # noqa: F811 - R-SEC-6
    v1, v2 = corrected(publicised)
    lines = correction_changes(v1.content, v2.content)
    item = v2.content["items"][0]
    before = {r["item"]: r for r in v1.content["result"]["items"]}[item["id"]]
    after = {r["item"]: r for r in v2.content["result"]["items"]}[item["id"]]
    moved = before["answers"] != after["answers"] or before.get("elected") != after.get("elected")
    mentioned = [line for line in lines if f"第 {item['position']} 项“{item['title']}”" in line]
    assert bool(mentioned) == moved
    # the same content on both sides: nothing but "no outcome changed"
    assert correction_changes(v2.content, v2.content) == ["各事项的表决结果（通过与否）均未改变。"]


def test_an_outcome_that_flips_reads_old_to_new(publicised):  # noqa: F811 - R-SEC-6
    v1, v2 = corrected(publicised)
    old = v1.content
    items = [dict(r) for r in v2.content["result"]["items"]]
    new = {**v2.content, "result": {**v2.content["result"], "items": items}}
    question = next(i for i in new["items"] if i["kind"] == "question")
    r = next(r for r in new["result"]["items"] if r["item"] == question["id"])
    was = next(x for x in old["result"]["items"] if x["item"] == question["id"])
    r["quorum"] = {"area": True, "owners": True}
    was_q = {**was, "quorum": {"area": True, "owners": True}, "passed": False}
    old_items = [was_q if x is was else x for x in old["result"]["items"]]
    old = {**old, "result": {**old["result"], "items": old_items}}
    r["passed"] = True
    lines = correction_changes(old, new)
    flip = next(line for line in lines if f"“{question['title']}”" in line)
    assert "未通过 → 通过" in flip and "同意：" in flip
    assert "各事项的表决结果（通过与否）均未改变。" not in lines


def test_the_inbox_and_the_public_page_show_the_correction(client, publicised):  # noqa: F811 - R-SEC-6
    w = publicised
    _v1, v2 = corrected(w)
    notice = announce.correction_of(v2)["notice"]
    client.force_login(w["zhang"])
    inbox = client.get("/m/inbox/").content.decode()
    assert notice in inbox and "变化如下" in inbox
    client.logout()
    page = client.get(f"/p/meetings/{w['meeting'].pk}/result/").content.decode()
    assert 'id="rp-corrects"' in page and notice in page and REASON in page
    assert 'id="rp-corrects-changes"' in page and "参与表决：" in page
