"""R-SEC-7 on a phone (390x844): the owner opens the verification and first sees the separate
notice on face recognition; not agreeing leads to the on-site path; agreeing later leads to the
face step (the development provider)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ownervote.identity.accounts import find_by_mobile
from ownervote.verification.models import FaceConsent, Verification
from tests.owners import import_roster
from tests.rosterfiles import mobile, person_id

from .test_owner_journeys import fits_the_phone, owner_sign_in, start_self_service, whole_page


def large_enough(locator) -> None:
    """A button an elderly owner can read and hit: text at least 18px, at least 48px tall."""
    box = locator.bounding_box()
    size = float(locator.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
    assert box["height"] >= 48 and size >= 18, (box, size)


def test_r_sec_7_owner_refuses_then_consents_on_the_phone(staff, estates, phone_page, screenshot):
    screenshot = whole_page(screenshot)
    page, number = phone_page, mobile(4)  # 赵六, owner of 1栋-201
    import_roster(estates["a"], staff["convener"])
    owner_sign_in(page, number)

    page.goto("/m/verify/")
    expect(page.get_by_role("heading", name="人脸识别告知和同意")).to_be_visible()
    notice = page.locator("#face-consent")
    headings = ("一、收集什么", "二、由谁处理", "三、为什么处理", "四、保存多久", "五、不同意也可以核实身份")
    for heading in headings:
        expect(notice.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_label("姓名")).to_have_count(0)  # no face step before the decision
    agree = page.get_by_role("button", name="同意并继续")
    refuse = page.get_by_role("button", name="不同意，去现场核实")
    large_enough(agree)
    large_enough(refuse)
    fits_the_phone(page)
    screenshot(page, "owner-face-consent")

    # Not agreeing: the on-site path, without penalty.
    refuse.click()
    expect(page).to_have_url(re.compile(r"/m/verify/on-site/$"))
    expect(page.get_by_role("heading", name="不用人脸识别，也可以核实身份")).to_be_visible()
    expect(page.locator("#onsite-route")).to_contain_text("产权证明")
    fits_the_phone(page)
    screenshot(page, "owner-onsite-path")
    user = find_by_mobile(number)
    assert list(FaceConsent.objects.filter(user=user).values_list("decision", flat=True)) == ["refused"]

    # Changing one's mind: the notice again, then the face step.
    page.get_by_role("link", name="改变主意了？重新阅读人脸识别告知").click()
    expect(page.get_by_text("您上次选择了不同意")).to_be_visible()
    page.get_by_role("button", name="同意并继续").click()
    expect(page).to_have_url(re.compile(r"/m/verify/$"))
    start_self_service(page, name="赵六", id_number=person_id(4), number=number)
    page.get_by_role("button", name="识别通过").click()
    expect(page.get_by_role("heading", name="身份验证成功")).to_be_visible()
    decisions = FaceConsent.objects.filter(user=user).order_by("decided_at", "id")
    assert [c.decision for c in decisions] == ["refused", "given"]
    v = Verification.objects.get(user=user)
    assert v.status == Verification.Status.PASSED and v.face_consent_id == decisions.last().pk
