"""A building's own item, from the meeting form to the published result, in a real Chromium
(R-MTG-9): the convener sets up a meeting with an estate-wide item and an item for building 2栋
only (its lift, paid from that building's maintenance fund), enters and publicises it; the notice
names the item's scope; once voting opens an owner of building 1 sees only the estate's item on his
ballot, an owner with a flat in 2栋 sees both, with the scope printed on the item; after the close
the convener generates, submits and publicises the result, and the public result page names the
scope with the totals it was decided over.

The steps that are not the point (the street office's guidance, moving the voting period to now) go
through the services, as in the other journeys."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from ownervote.meetings.models import Item, Meeting
from ownervote.notify.testing import run_worker
from ownervote.results.models import Result
from ownervote.results.services import results
from ownervote.rules import schedule
from tests.browser.conftest import new_phone_page
from tests.browser.test_owner_journeys import PASSWORD, named_convener, owner_sign_in
from tests.meetings.conftest import guide
from tests.owners import bind, confirm_totals, verified_person
from tests.results.scans import choose_in_browser
from tests.rosterfiles import mobile, person_id
from tests.voting.conftest import long_ago, open_now
from tests.voting.paper_fixtures import close_now

SCOPE = "表决范围：2栋业主"


def _vote(page, meeting, marks: dict[int, str], *, absent: tuple[int, ...] = ()) -> None:
    """On the owner's phone: open the ballot of the first submission, check what it shows, mark
    ``marks`` (item id -> answer), review and submit."""
    page.goto(f"/m/meetings/{meeting.pk}/vote/")
    page.locator("#submission-1 a.weui-btn").click()
    for item_id in absent:
        expect(page.locator(f"#item-{item_id}")).to_have_count(0)
    for item_id, answer in marks.items():
        page.locator(f'#item-{item_id} input[value="{answer}"]').check()
    page.locator("#review").click()
    page.locator("#submit").click()
    expect(page).to_have_url(re.compile(rf"/m/meetings/{meeting.pk}/ballot/$"))


def test_a_buildings_lift_item_from_the_form_to_the_published_result(
    staff, estates, owner_world, browser, live_server, page, phone_page, login
):
    # R-MTG-9 (with R-MTG-1, R-VOTE-1, R-RES-1..3 as the steps it goes through)
    estate, convener = estates["a"], named_convener(staff)
    confirm_totals(estate, convener)  # owner_world imported the roster
    zhao = verified_person(mobile(4), "赵六", person_id(4))  # 1栋-201 and 2栋-201: one owner
    bind(zhao, owner_world["flats"]["1栋-201"])
    bind(zhao, owner_world["flats"]["2栋-201"])
    long_ago(owner_world["zhang"], zhao)  # bound before any publicity (R-VOTE-4)
    held = timezone.localdate() + dt.timedelta(days=schedule.ENTRY_MIN_DAYS + 1)

    # The convener sets up the meeting: an item for everybody, one for building 2栋 only.
    login(page, convener.username, PASSWORD)
    page.goto(f"/console/estates/{estate.pk}/meetings/new/")
    form = page.locator("#meeting-form")
    form.locator("#id_kind").select_option("temporary")
    form.locator("#id_title").fill("2026年第三次临时业主大会会议")
    form.locator("#id_place").fill("碧海花园会所一楼大厅")
    form.locator("#id_starts_at").fill(f"{held.isoformat()}T09:00")
    form.locator("#id_voting_opens_at").fill(f"{held.isoformat()}T09:00")
    form.locator("#id_voting_closes_at").fill(f"{(held + dt.timedelta(days=7)).isoformat()}T18:00")
    form.locator("#id_t0-title").fill("小区公共事务")
    form.locator("#id_t0-i0-title").fill("是否同意续聘深圳市某某物业服务有限公司")
    form.locator("#id_t0-i0-category").select_option(str(Item.Category.MANAGER))
    form.locator('button[value="add-item-0"]').click()
    expect(form.locator("#id_t0-i1-title")).to_be_visible()
    form.locator("#id_t0-i1-title").fill("2栋更换电梯，使用2栋专项维修资金")
    form.locator("#id_t0-i1-category").select_option(str(Item.Category.FUND_USE))
    form.locator("#id_t0-i1-scope").select_option("buildings")
    form.locator("#id_t0-i1-scope_buildings").fill("2栋")
    page.locator("#save").click()
    expect(page).to_have_url(re.compile(r"/console/meetings/\d+/$"))
    meeting = Meeting.objects.get(estate=estate)
    whole, lift = meeting.items.order_by("position")
    assert (whole.scope, lift.scope) == (Item.Scope.ESTATE, Item.Scope.BUILDINGS)
    assert [b.name for b in lift.scope_buildings.all()] == ["2栋"]
    expect(page.locator(f'#topics-view [data-scope="{lift.position}"]')).to_have_text(SCOPE)

    # Entered, guided (the street office, through the services) and publicised.
    page.locator("#submit-open").click()
    page.locator("#submit").click()
    meeting.refresh_from_db()
    guide(meeting, "同意按计划公示。")
    page.reload()
    page.locator("#publish-open").click()
    page.locator("#publish").click()
    expect(page.locator("#publicities")).to_be_visible()
    phone_page.goto(f"/p/meetings/{meeting.pk}/")  # the public notice names the scope
    expect(phone_page.locator(f'[data-scope="{lift.position}"]')).to_have_text(SCOPE)

    # Voting opens: an owner of building 1 sees only the estate's item ...
    meeting = open_now(Meeting.objects.get(pk=meeting.pk))
    owner_sign_in(phone_page, mobile(1))  # 张三: 1栋-101
    _vote(phone_page, meeting, {whole.pk: "yes"}, absent=(lift.pk,))

    # ... the owner with a flat in 2栋 sees both, the lift with its scope.
    context, zhao_page = new_phone_page(browser, live_server)
    try:
        owner_sign_in(zhao_page, mobile(4))
        zhao_page.goto(f"/m/meetings/{meeting.pk}/vote/")
        zhao_page.locator("#submission-1 a.weui-btn").click()
        expect(zhao_page.locator(f"#scope-{lift.pk}")).to_have_text(SCOPE)
        expect(zhao_page.locator(f"#scope-{whole.pk}")).to_have_count(0)
        _vote(zhao_page, meeting, {whole.pk: "yes", lift.pk: "yes"})
    finally:
        context.close()

    # The close, the result, the street office's window, the publicity.
    close_now(meeting)
    page.goto(f"/console/meetings/{meeting.pk}/result/")
    page.locator("#close-voting").click()
    page.locator("#generate").click()
    run_worker()
    page.reload()
    expect(page.locator("#rr-current")).to_have_attribute("data-version", "1")
    expect(page.locator(f"#rr-item-{lift.pk}")).to_contain_text(SCOPE)
    expect(page.locator(f"#rr-item-{whole.pk}")).not_to_contain_text("表决范围")
    choose_in_browser(page)
    page.locator("#submit-result").click()
    expect(page.locator("#submitted")).to_be_visible()
    Result.objects.filter(meeting=meeting).update(guidance_ends_on=results.today() - dt.timedelta(days=1))
    page.reload()
    page.locator("#publicise").click()
    expect(page.locator("#publicised")).to_be_visible()

    # The public result page: the lift was decided by building 2栋's owners over its own totals
    # (2栋-201 of 赵六 and the developer's two flats: 2 owners, 260 m²), and passed.
    phone_page.goto(f"/p/meetings/{meeting.pk}/result/")
    lines = phone_page.locator("#outcome-lines")
    expect(lines).to_contain_text(f"{SCOPE}（业主2人，专有部分面积260 m²）")
    outcome = Result.objects.get(meeting=meeting).content["result"]["items"][1]
    assert outcome["scope_totals"] == {"area": "260", "owners": 2, "flats": 3}
    assert outcome["participating"]["owners"] == 1 and outcome["passed"] is False  # no quorum of 2/3 owners
