"""A street office (R-ORG-3, art. 33) and a community committee (R-ORG-4, art. 34) as an estate's
convener, in a real Chromium: it applies to convene an estate of its street (community) that has no
owners' committee, the district bureau (the street office) approves; it enters and publicises a
meeting, whose page and public notice say in what capacity it convenes; owners vote; it closes the
voting, generates and submits the result; the supervisor (the district bureau for a street office,
the street office for a community committee: nobody supervises their own work) gives the guidance
on the result; the convener publicises it and the public result names the capacity.

The parts that are not the point are set up through the services: the roster, the owners verified
and bound, the draft of the meeting, the ballot, and moving the voting period to now."""

from __future__ import annotations

import re

import pytest
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from ownervote.meetings import services as meetings
from ownervote.meetings.models import Item, Meeting
from ownervote.notify.testing import run_worker
from ownervote.orgs.models import Association, Organisation
from ownervote.results.models import ResultGuidance, ResultPublicity
from ownervote.roster.models import Estate
from ownervote.voting.services import cast
from tests.browser.test_owner_journeys import PASSWORD
from tests.meetings.conftest import guide, meeting_input
from tests.owners import bind, confirm_totals, import_roster, verified_person
from tests.results.scans import choose_in_browser
from tests.rosterfiles import mobile, person_id
from tests.voting.conftest import full_answers, long_ago, open_now
from tests.voting.paper_fixtures import close_now

CAPACITY = {
    "street_office": "街道办事处依照《深圳经济特区物业管理条例》第二十八条代行召集人职责",
    "community_committee": (
        "社区居民委员会依照《深圳经济特区物业管理条例》第一百二十四条代行业主大会和业主委员会职责"
    ),
}
# who convenes -> (fixture key of the convener, of its approver and supervisor, the organisation's name)
ROLES = {
    "street_office": ("street", "district", "沙头街道办事处"),
    "community_committee": ("community", "street", "沙嘴社区居民委员会"),
}


def sign_in(page, login, user) -> None:
    page.context.clear_cookies()
    login(page, user.username, PASSWORD)


@pytest.mark.parametrize("kind", ["street_office", "community_committee"])
def test_a_government_body_convenes_an_estate_from_application_to_publicised_result(
    kind, staff, geo, page, phone_page, login, screenshot
):
    # R-ORG-3 (street office, approved and supervised by its district bureau)
    # R-ORG-4 (community committee, approved and supervised by its street office)
    convener_key, supervisor_key, org_name = ROLES[kind]
    convener, supervisor = staff[convener_key], staff[supervisor_key]
    Organisation.objects.filter(memberships__user=convener).update(name=org_name)
    org = Organisation.objects.get(memberships__user=convener)
    estate = Estate.objects.create(name="沙嘴新村", street=geo["shatou"], community=geo["shazui"])

    # 1. It applies to convene the estate.
    sign_in(page, login, convener)
    page.goto("/console/associations/apply/")
    page.locator('select[name="organisation"]').select_option(str(org.pk))
    page.locator('select[name="estate"]').select_option(str(estate.pk))
    page.get_by_role("button", name=_("Send the application")).click()
    expect(page).to_have_url(re.compile(r"/console/associations/$"))
    assoc = Association.objects.get(organisation=org, estate=estate)
    assert assoc.status == "pending"

    # 2. The body one level up approves it.
    sign_in(page, login, supervisor)
    page.goto(f"/console/associations/{assoc.pk}/decide/")
    page.get_by_role("button", name=_("Approve"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/console/associations/"))
    assoc.refresh_from_db()
    assert (assoc.status, assoc.decided_by) == ("approved", supervisor)

    # Set up through the services: the roster, an owner verified and bound, the meeting's draft.
    flats = import_roster(estate, convener)
    confirm_totals(estate, convener)  # R-ROSTER-1
    zhang = verified_person(mobile(1), "张三", person_id(1))
    bind(zhang, flats["1栋-101"])
    long_ago(zhang)
    meeting = meetings.meeting_create(
        actor=convener,
        estate_id=estate.pk,
        **meeting_input(25, title="沙嘴新村业主大会会议", place="沙嘴新村会所"),
    )

    # 3. It enters and publicises the meeting; the page says in what capacity it convenes.
    sign_in(page, login, convener)
    page.goto(f"/console/meetings/{meeting.pk}/")
    expect(page.locator("main")).to_contain_text(CAPACITY[kind])
    page.locator("#submit-open").click()  # a step that cannot be undone asks first
    page.locator("#submit").click()
    expect(page.locator("#publish-open")).to_be_visible()
    guide(Meeting.objects.get(pk=meeting.pk))  # art. 12, R-MTG-2: its supervisor guides it first
    page.locator("#publish-open").click()
    page.locator("#publish").click()
    expect(page.locator("#publicities")).to_be_visible()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED
    screenshot(page, f"{kind}-convener-meeting")
    phone_page.goto(f"/p/meetings/{meeting.pk}/")
    expect(phone_page.locator("main")).to_contain_text(f"{org_name}（{CAPACITY[kind]}")

    # The supervisor sees it among the meetings to guide.
    sign_in(page, login, supervisor)
    page.goto("/console/guidance/")
    expect(page.locator("main")).to_contain_text("沙嘴新村业主大会会议")

    # 4. Owners vote (through the services), the voting period passes.
    meeting = open_now(meeting)
    items = list(Item.objects.filter(meeting=meeting).order_by("position"))
    receipt = cast.ballot_cast(
        actor=zhang, meeting_id=meeting.pk, flat_ids=[flats["1栋-101"].pk], answers=full_answers(items)
    )
    close_now(meeting)

    # 5. The convener closes the voting, generates the result and submits it.
    sign_in(page, login, convener)
    page.goto(f"/console/meetings/{meeting.pk}/result/")
    page.locator("#close-voting").click()
    page.locator("#generate").click()
    expect(page.locator("#rr-job")).to_be_visible()  # queued for the worker (results.services.generation)
    run_worker()
    page.reload()
    expect(page.locator("#rr-current")).to_have_attribute("data-version", "1")
    choose_in_browser(page)  # the signed, sealed tables (R-RES-2)
    page.locator("#submit-result").click()
    expect(page.locator("#submitted")).to_be_visible()
    expect(page.locator("#guidance-form")).to_have_count(0)  # the convener does not guide itself

    # 6. The supervisor gives the guidance on the result.
    sign_in(page, login, supervisor)
    page.goto(f"/console/meetings/{meeting.pk}/result/")
    page.locator("#guidance-form textarea").fill("表决结果统计规范，请按时公示。")
    page.locator("#give-guidance").click()
    expect(page.locator("#guidance-list")).to_contain_text("表决结果统计规范")
    assert ResultGuidance.objects.get().organisation.kind == (
        "district_bureau" if kind == "street_office" else "street_office"
    )

    # 7. The convener publicises the result; the public page names the capacity.
    sign_in(page, login, convener)
    page.goto(f"/console/meetings/{meeting.pk}/result/")
    page.locator("#publicise").click()
    expect(page.locator("#publicised")).to_be_visible()
    assert ResultPublicity.objects.filter(meeting=meeting).exists()
    phone_page.goto(f"/p/meetings/{meeting.pk}/result/")
    expect(phone_page.locator("main")).to_contain_text(CAPACITY[kind])
    phone_page.locator("#code").fill(cast.display_code(receipt.code).lower())
    phone_page.locator("#check").click()
    expect(phone_page.locator("#receipt-counted")).to_be_visible()
