"""Text messages that fit by design (issue 22 item 2; the SMS copies of R-VOTE-2, R-SEC-4, R-SEC-6
notices): segments counted as phones count them, and a meeting's name shortened without cutting a
word, a number or the part that tells the estate's meetings apart. No database."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ownervote.rules.sms import (
    ELLIPSIS,
    KEY,
    compose,
    fit,
    segments,
    shorten_meeting_name,
    units,
)

ISSUE_NAME = "深圳湾畔花园2026年度第一次业主大会临时会议"


def test_segments_of_chinese_and_of_plain_text():
    assert segments("") == 0
    assert segments("中" * 70) == 1 and segments("中" * 71) == 2  # UCS-2: 70, then 67 per part
    assert segments("中" * 134) == 2 and segments("中" * 135) == 3
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2  # GSM-7: 160, then 153 per part
    assert segments("a" * 306) == 2 and segments("a" * 307) == 3
    assert units("a{") == 3  # an extension character takes two septets
    assert segments("a" * 159 + "é") == 1 and segments("a" * 159 + "中") == 3  # one Chinese switches all
    assert units("𠀀") == 2  # outside the BMP: two UTF-16 units


def test_the_issue_name_keeps_year_ordinal_and_kind():
    # the demo's "…业主大会会议：深圳湾畔花园2026年度第。" cut the ordinal in two
    assert shorten_meeting_name(ISSUE_NAME, 15, estate="深圳湾畔花园") == "2026年第一次临时会议"
    assert shorten_meeting_name(ISSUE_NAME, 20) == "深圳湾畔花园2026年第一次临时会议"
    assert shorten_meeting_name(ISSUE_NAME, 8) == "2026年第一次"
    assert shorten_meeting_name(ISSUE_NAME, 4) == "第一次"
    assert shorten_meeting_name("深圳湾畔花园业主大会临时会议", 12) == "深圳湾畔花园临时会议"
    assert shorten_meeting_name(ISSUE_NAME, len(ISSUE_NAME)) == ISSUE_NAME  # what fits is left alone


def test_free_text_is_cut_at_its_end_with_an_ellipsis():
    name = "关于更换物业服务企业的业主大会临时会议"
    assert shorten_meeting_name(name, 12) == "更换物业服务企业临时会议"
    short = shorten_meeting_name(name, 8)
    assert short.endswith("临时会议") and ELLIPSIS in short and short.startswith("更换")


def test_the_estate_stays_where_it_tells_meetings_apart():
    # the community committee serves several estates: its invitation keeps the estate's name and
    # loses the "会议" the ordinal already implies
    name = "深圳湾畔花园2026年度第一次业主大会会议"
    assert compose("列席邀请：%(name)s", name, 20) == "列席邀请：深圳湾畔花园2026年第一次"


def test_a_composed_title_fits_the_limit():
    title = compose("结果更正：%(name)s", ISSUE_NAME, 20, estate="深圳湾畔花园")
    assert title == "结果更正：2026年第一次临时会议" and len(title) <= 20


WORDS = "深圳湾畔花园南山区物业维修资金电梯更换关于的业主大会会议三期·："
cjk = st.text(alphabet=st.sampled_from(WORDS), max_size=30)
names = st.builds(
    lambda head, year, n, kind, tail: f"{head}{year}年度第{n}次{kind}{tail}",
    cjk,
    st.integers(min_value=1990, max_value=2099),
    st.one_of(st.integers(min_value=1, max_value=9999).map(str), st.sampled_from(["一", "二", "十二"])),
    st.sampled_from(["业主大会临时会议", "业主大会定期会议", "临时会议", "首次业主大会会议", ""]),
    cjk,
)
budgets = st.integers(min_value=0, max_value=40)


@given(names, budgets)
def test_the_result_fits_the_budget(name, budget):  # issue 22 item 2
    assert len(shorten_meeting_name(name, budget)) <= max(budget, 0)
    assert len(shorten_meeting_name(name, budget, estate=name[:4])) <= max(budget, 0)


@given(names, budgets)
def test_the_ordinal_and_year_are_kept_while_they_fit(name, budget):  # issue 22 item 2
    ordinal = re.search(r"第[^次]+次", name).group()
    year = re.search(r"[0-9]{4}年", name).group()
    short = shorten_meeting_name(name, budget)
    if budget >= len(ordinal):
        assert ordinal in short
    if budget >= len(ordinal) + len(year):
        assert year in short


@given(st.text(alphabet=st.sampled_from("花园0123456789第次年Ab业主大会会议 "), max_size=40), budgets)
def test_never_cut_inside_a_digit_run(name, budget):  # issue 22 item 2
    """Every run of digits in the short name is a whole run of digits of the name."""
    short = shorten_meeting_name(name, budget)
    whole = set(re.findall(r"[0-9]+", name))
    assert set(re.findall(r"[0-9]+", short)) <= whole


@given(
    st.one_of(st.text(max_size=60), names.map(lambda n: "业主大会会议：" + n)),
    st.integers(min_value=0, max_value=30),
)
def test_fit_never_grows_nor_splits_a_number(text, budget):  # issue 22 item 2
    short = fit(text, budget)
    assert len(short) <= budget
    if short != text and short:
        assert short.endswith(ELLIPSIS)
        head = short[: -len(ELLIPSIS)]
        assert text.startswith(head)
        for m in KEY.finditer(text):  # no year, ordinal, number or Latin word split
            assert not (m.start() < len(head) < m.end()), (text, short)


def test_fit_leaves_no_ordinal_in_two():  # the demo's "…2026年度第。"
    cut = fit("投票已开始：深圳湾畔花园2026年度第一次业主大会会议", 20)
    assert cut == "投票已开始：深圳湾畔花园2026年度…"
