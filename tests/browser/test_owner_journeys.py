"""The owner's journeys of issue 3 in a real Chromium on a phone (390x844): scan the estate's QR
code, sign in with an SMS code, verify by face recognition, bind the flat (R-ID-1, R-BIND-1); a
failed face recognition explains the on-site route (R-ID-2); a person the roster does not list is
refused (R-BIND-1); and the binding list's publicity with an objection upheld (R-BIND-3, R-BIND-4).

Every SMS goes through the development backend, which keeps it in ``SentSms``: the tests read the
codes there, as the owner would read them on the phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ownervote.audit.models import AuditEvent
from ownervote.bindinglist.models import Objection, Publication
from ownervote.bindings.models import Binding
from ownervote.core import pii
from ownervote.identity.accounts import find_by_mobile
from ownervote.identity.models import SentSms
from ownervote.verification.models import Verification, VerifiedIdentity
from tests.owners import import_roster, verified_person
from tests.rosterfiles import mobile, person_id

PASSWORD = "Pw-for-tests-1"  # tests/conftest.py make_staff


def whole_page(screenshot):
    """``screenshot(page, name)`` of the whole page as a phone this tall would show it. A plain
    full-page shot keeps the owner pages' fixed tab bar where the 844px screen ends, in the middle
    of a long page; here the window is made as tall as the page first."""

    def take(page, name: str):
        page.evaluate("document.activeElement && document.activeElement.blur()")  # no focus ring
        size = page.viewport_size
        height = page.evaluate("document.documentElement.scrollHeight")
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
        try:
            return screenshot(page, name)
        finally:
            page.set_viewport_size(size)

    return take


def named_convener(staff):
    """The fixture's convener with the names a README reader expects (not 测试员12 of
    "owners_committee 12")."""
    convener = staff["convener"]
    convener.real_name = "陈建国"
    convener.save(update_fields=["real_name"])
    organisation = convener.memberships.get().organisation
    organisation.name = "碧海花园业主委员会"
    organisation.save(update_fields=["name"])
    return convener


def sms_code(number: str, template: str) -> str:
    """The code in the newest message of ``template`` texted to ``number``."""
    sent = (
        SentSms.objects.filter(mobile_hash=pii.lookup("mobile", number), template=template)
        .order_by("-pk")
        .first()
    )
    assert sent is not None, f"no {template} SMS was sent to {number}"
    return sent.params()["code"]


def owner_sign_in(page, number: str, *, screenshot=None) -> None:
    """Sign in on /m/login/ (opened here unless the page is already there, e.g. with a ``next``):
    the mobile number, "获取验证码", the code from the SMS, "登录"."""
    if "/m/login/" not in page.url:
        page.goto("/m/login/")
    expect(page.get_by_role("heading", name="业主登录")).to_be_visible()
    page.get_by_label("手机号").fill(number)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status").filter(has_text="验证码已发送至")).to_be_visible()
    page.get_by_label("验证码", exact=True).fill(sms_code(number, "sign_in_code"))
    if screenshot is not None:
        screenshot(page, "owner-login")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/m/login/"))


def start_self_service(page, *, name: str, id_number: str, number: str, screenshot=None) -> None:
    """On /m/verify/: name, ID number, the account's mobile (prefilled), the SMS code; then on to
    the face recognition provider's page. The separate consent to face recognition comes first
    when the owner has not given it (R-SEC-7)."""
    expect(page).to_have_url(re.compile(r"/m/verify/"))
    agree = page.get_by_role("button", name="同意并继续")
    if agree.count():
        agree.click()
        expect(page.get_by_role("button", name="获取验证码")).to_be_visible()
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号码").fill(id_number)
    expect(page.get_by_label("手机号")).to_have_value(number)  # the account's own number
    # Straight after signing in: the one-code-a-minute gap is per purpose.
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status").filter(has_text="验证码已发送至")).to_be_visible()
    # The form comes back with what was typed.
    expect(page.get_by_label("姓名")).to_have_value(name)
    page.get_by_label("短信验证码").fill(sms_code(number, "verify_code"))
    if screenshot is not None:
        screenshot(page, "owner-verify")
    page.get_by_role("button", name="下一步：人脸识别").click()
    expect(page).to_have_url(re.compile(r"/dev/face/[\w-]+/$"))
    expect(page.get_by_role("heading", name="模拟人脸识别")).to_be_visible()


def fits_the_phone(page) -> None:
    """Nothing wider than the phone's screen: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide on a 390px phone"


# --- 1. QR code, sign-in, face recognition, binding --------------------------------------------


def test_owner_scans_signs_in_verifies_and_binds(staff, estates, phone_page, screenshot):
    # R-ID-1, R-BIND-1
    screenshot = whole_page(screenshot)
    page, estate = phone_page, estates["a"]
    flats = import_roster(estate, staff["convener"])
    number = mobile(1)  # 张三, person_id(1): 1栋-101 and the parking space 车库-P001

    # The QR code on the poster opens the estate's landing page: three steps, sign in first.
    page.goto(f"/m/e/{estate.pk}/")
    expect(page.get_by_role("heading", name="碧海花园", exact=True)).to_be_visible()
    expect(page.locator("#step-login")).to_contain_text("登录")
    fits_the_phone(page)
    screenshot(page, "owner-landing")
    page.get_by_role("link", name="手机号登录").click()
    expect(page).to_have_url(re.compile(r"/m/login/\?next="))
    owner_sign_in(page, number, screenshot=screenshot)
    user = find_by_mobile(number)
    assert user is not None and not VerifiedIdentity.objects.filter(user=user).exists()

    # Binding needs a verified identity first: the owner is taken to the verification.
    expect(page).to_have_url(re.compile(r"/m/verify/"))
    expect(page.get_by_text("请先完成身份验证，然后就可以绑定房屋了。")).to_be_visible()
    fits_the_phone(page)
    start_self_service(page, name="张三", id_number=person_id(1), number=number, screenshot=screenshot)
    expect(page.get_by_text("张*")).to_be_visible()  # the provider shows the masked name only
    assert "张三" not in page.locator("main").inner_text()
    screenshot(page, "owner-face")
    page.get_by_role("button", name="识别通过").click()

    expect(page).to_have_url(re.compile(r"/m/verify/\d+/$"))
    expect(page.get_by_role("heading", name="身份验证成功")).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "owner-verified")
    identity = VerifiedIdentity.objects.get(user=user)
    assert identity.id_number_hash == pii.lookup("id_number", person_id(1))
    assert identity.verification.status == Verification.Status.PASSED

    # The owner came by the estate's QR code: "绑定房屋" leads back to that estate, where the flat the
    # roster lists under the verified ID number is suggested.
    page.get_by_role("link", name="绑定房屋").click()
    expect(page).to_have_url(re.compile(rf"/m/estates/{estate.pk}/$"))
    suggestion = page.locator("#suggestions .weui-cell").filter(has_text="1栋 101")
    expect(suggestion).to_have_count(1)
    expect(page.locator("#suggestions")).to_contain_text("车库 P001")
    fits_the_phone(page)
    screenshot(page, "owner-bind")
    suggestion.get_by_role("link", name="绑定").click()
    expect(page.get_by_role("heading", name="确认绑定")).to_be_visible()
    page.get_by_role("button", name="确认绑定").click()

    expect(page).to_have_url(re.compile(r"/m/flats/$"))
    expect(page.get_by_text("绑定成功：碧海花园 1栋-101。")).to_be_visible()
    expect(page.locator(".ov-tabbar .weui-bar__item_on")).to_have_text("我的房屋")
    card = page.locator(".ov-card").filter(has_text="碧海花园 1栋 101")
    expect(card).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "owner-flats")
    binding = Binding.objects.get(user=user)
    assert (binding.flat, binding.status) == (flats["1栋-101"], Binding.Status.ACTIVE)
    assert binding.verification == identity.verification

    # Back on the landing page, all three steps are done.
    page.goto(f"/m/e/{estate.pk}/")
    expect(page.locator("#step-bind")).to_contain_text("1栋-101")
    expect(page.locator(".ov-step-done")).to_have_count(3)


# --- 2. face recognition fails: the on-site route ----------------------------------------------


def test_failed_face_recognition_explains_the_on_site_route(staff, estates, phone_page, screenshot):
    # R-ID-1 (a failed recognition verifies nothing), R-ID-2 (the on-site route, art. 9(2))
    screenshot = whole_page(screenshot)
    page, number = phone_page, mobile(4)
    import_roster(estates["a"], staff["convener"])
    owner_sign_in(page, number)
    page.goto("/m/verify/")
    start_self_service(page, name="赵六", id_number=person_id(4), number=number)
    page.get_by_role("button", name="识别不通过").click()

    expect(page).to_have_url(re.compile(r"/m/verify/\d+/$"))
    expect(page.get_by_role("heading", name="人脸识别未通过")).to_be_visible()
    route = page.locator("#onsite-route")
    expect(route.get_by_role("heading", name="也可以现场核实身份")).to_be_visible()
    expect(route).to_contain_text("带上产权证明")
    expect(route).to_contain_text("身份证")
    expect(route).to_contain_text("召集人")
    expect(page.get_by_role("link", name="再试一次")).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "owner-face-failed")

    user = find_by_mobile(number)
    assert not VerifiedIdentity.objects.filter(user=user).exists()
    assert Verification.objects.get(user=user).status == Verification.Status.FAILED
    # Without a verified identity there is nothing to bind yet: the flats page says so.
    page.goto("/m/flats/")
    expect(page.locator("#verify-first")).to_be_visible()


# --- 3. not an owner of the flat: refused, nothing bound ----------------------------------------


def test_person_not_in_the_roster_cannot_bind_the_flat(staff, estates, phone_page, screenshot):
    # R-BIND-1: only a person the roster lists as an owner of the flat binds it
    screenshot = whole_page(screenshot)
    page, estate = phone_page, estates["a"]
    flats = import_roster(estate, staff["convener"])
    number = mobile(60)
    user = verified_person(number, "钱七", person_id(60))  # verified, but owns nothing in this estate
    owner_sign_in(page, number)

    # The person finds the estate by name, from "我的房屋".
    page.goto("/m/flats/")
    page.get_by_role("link", name="绑定房屋").click()
    expect(page).to_have_url(re.compile(r"/m/estates/$"))
    page.get_by_label("小区名称或地址").fill("碧海")
    page.get_by_role("button", name="搜索").click()
    results = page.locator("#results")
    expect(results.get_by_role("link")).to_have_count(1)  # 金地花园 and 科苑小区 do not match
    results.get_by_role("link", name=re.compile("碧海花园")).click()
    expect(page).to_have_url(re.compile(rf"/m/estates/{estate.pk}/$"))
    expect(page.locator("#no-suggestions")).to_contain_text("没有找到")
    page.locator("#buildings").get_by_role("link", name="1栋").click()
    page.get_by_label("房号").fill("101")
    page.get_by_role("button", name="查找房号").click()
    page.locator("#rooms").get_by_role("link", name="1栋 101").click()
    expect(page.get_by_role("heading", name="确认绑定")).to_be_visible()
    page.get_by_role("button", name="确认绑定").click()

    error = page.get_by_role("alert")
    expect(error).to_contain_text("名册中没有登记您是这套房屋的业主，因此不能绑定。")
    expect(page.get_by_role("button", name="确认绑定")).to_have_count(0)
    expect(page.get_by_role("link", name="重新选择")).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "owner-bind-refused")
    assert not Binding.objects.filter(user=user).exists()
    assert not Binding.objects.filter(flat=flats["1栋-101"]).exists()

    page.goto("/m/flats/")
    expect(page.locator("#none-bound")).to_be_visible()


# --- 5. the binding list's publicity, an objection, upheld --------------------------------------


def test_binding_list_objection_upheld_ends_the_binding(
    staff, estates, owner_world, page, phone_page, login, screenshot
):
    # R-BIND-3 (publicity of the binding list), R-BIND-4 (written objection, checked, binding ended)
    screenshot = whole_page(screenshot)
    estate, convener = estates["a"], named_convener(staff)
    zhang_binding, li_binding = owner_world["zhang_binding"], owner_world["li_binding"]

    # The convener publishes the list on a desktop: today to the earliest allowed end (prefilled).
    login(page, convener.username, PASSWORD)
    page.goto(f"/console/estates/{estate.pk}/binding-list/")
    expect(page.locator("#no-publication")).to_be_visible()
    expect(page.locator("#binding-list tbody tr")).to_have_count(2)
    page.get_by_label("说明").fill("2025年业主大会会议")
    page.get_by_role("button", name="发布公示").click()
    expect(page.get_by_text(re.compile("绑定信息公示已发布"))).to_be_visible()
    expect(page.locator("#shown-publication")).to_be_visible()
    screenshot(page, "convener-binding-list")
    publication = Publication.objects.get(estate=estate)
    assert publication.binding_count == 2 and publication.publisher_real_name == convener.real_name

    # 张三 (bound to 1栋-101) objects on the phone to the binding of 1栋-102.
    phone = phone_page
    owner_sign_in(phone, mobile(1))
    phone.goto(f"/m/estates/{estate.pk}/binding-list/")
    expect(phone.locator("#publicity")).to_contain_text("公示期")
    own_row = phone.locator(f"#binding-{zhang_binding.pk}")
    expect(own_row.get_by_role("link", name=re.compile("提出异议"))).to_have_count(0)  # not one's own
    fits_the_phone(phone)
    phone.locator(f"#binding-{li_binding.pk}").get_by_role("link", name=re.compile("提出异议")).click()
    expect(phone.get_by_role("heading", name="提出异议")).to_be_visible()
    reason = "1栋102的房屋去年已经出售，现在绑定的人不是业主。"
    phone.get_by_label("异议内容").fill(reason)
    fits_the_phone(phone)
    screenshot(phone, "owner-objection")
    phone.get_by_role("button", name="提交异议").click()
    expect(phone).to_have_url(re.compile(rf"/m/estates/{estate.pk}/binding-list/$"))
    expect(phone.get_by_text("您的异议已提交，召集人将在公示期内核实。")).to_be_visible()
    objection = Objection.objects.get(binding=li_binding)
    assert objection.filed_by == owner_world["zhang"] and objection.status == Objection.Status.FILED

    # The convener checks it and upholds it.
    page.goto(f"/console/estates/{estate.pk}/objections/")
    page.locator("#objections tbody tr").filter(has_text="1栋-102").get_by_role("link").click()
    expect(page.locator("#objection-reason")).to_have_text(reason)
    page.get_by_role("textbox", name="核实情况", exact=True).fill(
        "查阅不动产登记信息并电话联系绑定人，确认房屋已出售。"
    )
    page.get_by_label("异议成立：并非业主真实绑定，解除绑定").check()
    page.get_by_role("textbox", name="结果说明", exact=True).fill("该房屋已于去年转让，原绑定解除。")
    screenshot(page, "convener-objection-decide")
    page.get_by_role("button", name="提交核实结果").click()
    expect(page.get_by_text("核实结果已记录，并已通知双方。")).to_be_visible()
    expect(page.locator("#objection-status")).to_have_text("异议成立")

    objection.refresh_from_db()
    li_binding.refresh_from_db()
    zhang_binding.refresh_from_db()
    assert objection.status == Objection.Status.UPHELD and objection.decider_real_name == convener.real_name
    assert li_binding.status == Binding.Status.ENDED
    assert li_binding.end_reason == Binding.EndReason.OBJECTION_UPHELD
    assert zhang_binding.status == Binding.Status.ACTIVE
    assert AuditEvent.objects.filter(
        action="bindinglist.objection_decided", object_id=str(objection.pk), actor=convener
    ).exists()

    # The filer sees the outcome announced on the list and in the inbox.
    phone.goto(f"/m/estates/{estate.pk}/binding-list/")
    expect(phone.locator(".bl-notice")).to_contain_text("1栋-102 的绑定并非业主真实绑定，已解除")
    phone.goto("/m/inbox/")
    expect(phone.get_by_role("heading", name=re.compile("您提出的异议核实结果：异议成立"))).to_be_visible()

    # The person whose binding was ended is told in the inbox too, and no longer has the flat.
    phone.context.clear_cookies()
    owner_sign_in(phone, mobile(2))
    phone.goto("/m/inbox/")
    # One message for one event: the ended binding, with the objection's outcome as its reason.
    message = phone.locator(".ov-card").filter(has_text="您的房屋绑定已解除")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("原因：异议成立，经核实并非真实绑定")
    fits_the_phone(phone)
    screenshot(phone, "owner-inbox")
    phone.goto("/m/flats/")
    expect(phone.get_by_text("已绑定的房屋")).to_have_count(0)
    expect(phone.locator(f"#binding-{li_binding.pk}")).to_contain_text("解除")
