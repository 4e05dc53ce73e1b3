"""The convener in a real Chromium: verifying an elderly owner on site with a phone (R-ID-2:
originals checked, two photos, the convener's real name and accountability; the flat bound; each
view of a photo logged), a refusal when the roster does not list the person, and the estate's QR
poster on a desktop (art. 8)."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from ownervote.audit.models import AuditEvent
from ownervote.bindings.models import Binding
from ownervote.identity.accounts import find_by_mobile
from ownervote.identity.models import SentSms
from ownervote.notify.testing import run_worker
from ownervote.verification.models import Method, Verification, VerifiedIdentity
from tests.browser.test_owner_journeys import PASSWORD, fits_the_phone, named_convener, whole_page
from tests.owners import import_roster
from tests.rosterfiles import mobile, person_id


def photo(name: str, colour: tuple[int, int, int], fmt: str = "PNG") -> dict:
    """A small image made here, as Playwright's set_input_files takes it."""
    out = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(out, format=fmt)
    mime = "image/png" if fmt == "PNG" else "image/jpeg"
    return {"name": name, "mimeType": mime, "buffer": out.getvalue()}


# Each view of a photo writes an audit event. With the tests' in-memory SQLite, shared by the live
# server's threads, two photo requests at once collide on the audit stream's sequence number (on
# PostgreSQL the stream's head row is locked): the detail page's two photos load one at a time.
PHOTO_URL = re.compile(r"/onsite/\d+/photos/(id|holding)/$")
LOAD_ONE_BY_ONE = """async () => {
  const widths = [];
  for (const img of document.querySelectorAll("figure img")) {
    const src = img.getAttribute("src");
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new Error("the photo did not load: " + src));
      img.removeAttribute("src");
      img.src = src;
    });
    widths.push(img.naturalWidth);
  }
  return widths;
}"""


def load_photos_one_by_one(page) -> list[int]:
    """Load the page's photos in turn; their natural widths."""
    return page.evaluate(LOAD_ONE_BY_ONE)


def fill_onsite_form(page, *, building: str, room: str, name: str, id_number: str, number: str) -> None:
    page.get_by_label("楼栋").select_option(label=building)
    page.get_by_label("房号").fill(room)
    page.get_by_label("业主姓名").fill(name)
    page.get_by_label("身份证号码").fill(id_number)
    page.get_by_label("业主手机号码").fill(number)
    page.get_by_label("已核对产权证明原件").check()
    page.get_by_label("已核对身份证件原件").check()
    page.get_by_label(re.compile(r"^身份证件照片")).set_input_files(photo("IMG_0001.png", (200, 180, 150)))
    page.get_by_label("业主手持身份证件照片").set_input_files(photo("IMG_0002.jpg", (90, 120, 160), "JPEG"))
    page.get_by_label("备注").fill("业主年事已高，人脸识别多次未通过，到业主委员会办公室现场核实。")
    page.get_by_label("本人已现场确认该业主身份").check()


def test_convener_verifies_an_elderly_owner_on_site_with_a_phone(
    staff, estates, phone_page, login, screenshot
):
    # R-ID-2: on-site verification by the convener, accountable under the real name; the flat is bound
    screenshot = whole_page(screenshot)
    page, estate, convener = phone_page, estates["a"], named_convener(staff)
    flats = import_roster(estate, convener)
    number = mobile(4)  # 赵六, person_id(4): 1栋-201 and 2栋-201

    login(page, convener.username, PASSWORD)
    page.goto(f"/console/estates/{estate.pk}/")
    # The estate tab and the page name it alike (one msgid, one translation in every catalog).
    page.get_by_role("link", name=re.compile(r"^现场核实")).click()
    expect(page).to_have_url(re.compile(rf"/console/estates/{estate.pk}/onsite/$"))
    expect(page.get_by_role("heading", name="现场核实业主身份")).to_be_visible()
    fill_onsite_form(page, building="1栋", room="201", name="赵六", id_number=person_id(4), number=number)
    fits_the_phone(page)
    screenshot(page, "convener-onsite-form")
    page.route(PHOTO_URL, lambda route: route.abort())  # loaded one by one below
    page.get_by_role("button", name="确认核实").click()

    # The verification, with the convener's name; both photos open for the convener.
    expect(page).to_have_url(re.compile(rf"/console/estates/{estate.pk}/onsite/\d+/$"))
    expect(page.get_by_text("1栋-201 的 赵* 已完成身份核实并绑定房屋")).to_be_visible()
    expect(page.locator("#checker")).to_contain_text(convener.real_name)
    page.unroute(PHOTO_URL)
    assert load_photos_one_by_one(page) == [120, 120]
    assert "赵六" not in page.locator("main").inner_text()  # masked on the page
    assert person_id(4) not in page.content()
    fits_the_phone(page)
    screenshot(page, "convener-onsite-done")

    user = find_by_mobile(number)
    v = Verification.objects.get(user=user)
    assert (v.method, v.status, v.flat) == (Method.ON_SITE, Verification.Status.PASSED, flats["1栋-201"])
    assert v.checked_by == convener and v.checker_real_name == convener.real_name
    assert v.ownership_proof_checked and v.id_document_checked
    assert VerifiedIdentity.objects.get(user=user).verification == v
    binding = Binding.objects.get(user=user)
    assert (binding.flat, binding.status, binding.verification) == (
        flats["1栋-201"],
        Binding.Status.ACTIVE,
        v,
    )
    # The owner was told by SMS (sent by the outbox worker).
    run_worker()
    assert SentSms.objects.filter(mobile_hash=user.mobile_hash, template="notice").exists()

    # Each view of a photo is in the audit log under the convener's name: the two shown, and one
    # more when the convener opens the ID photo itself.
    viewed = AuditEvent.objects.filter(
        action="verification.photo_viewed", object_id=str(v.pk), actor=convener
    )
    assert sorted(e.summary["which"] for e in viewed) == ["holding", "id"]
    response = page.goto(f"/console/estates/{estate.pk}/onsite/{v.pk}/photos/id/")
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert "no-store" in response.headers["cache-control"]
    assert viewed.filter(summary__which="id").count() == 2

    # Back on the list, the verification shows with the convener's name.
    page.goto(f"/console/estates/{estate.pk}/onsite/")
    row = page.locator("table tbody tr").filter(has_text="1栋-201")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(convener.real_name)
    expect(row).to_contain_text("赵*")


def test_on_site_refuses_a_person_the_roster_does_not_list(staff, estates, phone_page, login, screenshot):
    # R-ID-2: only the roster's owner of the flat is verified on site; a refusal changes nothing
    screenshot = whole_page(screenshot)
    page, estate, convener = phone_page, estates["a"], named_convener(staff)
    import_roster(estate, convener)
    number = mobile(61)

    login(page, convener.username, PASSWORD)
    page.goto(f"/console/estates/{estate.pk}/onsite/")
    # 李四 owns 1栋-102, not 1栋-201.
    fill_onsite_form(page, building="1栋", room="201", name="李四", id_number=person_id(2), number=number)
    page.get_by_role("button", name="确认核实").click()

    expect(page.get_by_text("按照业主名册，此人不是 1栋-201 的业主。")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/console/estates/{estate.pk}/onsite/$"))
    # What was typed stays, so the convener corrects it rather than typing it all again.
    expect(page.get_by_label("业主手机号码")).to_have_value(number)
    screenshot(page, "convener-onsite-refused")
    assert find_by_mobile(number) is None
    assert not Verification.objects.filter(method=Method.ON_SITE).exists()
    assert not Binding.objects.exists()
    assert not AuditEvent.objects.filter(action="verification.on_site").exists()


def test_poster_shows_the_estate_qr_code(staff, estates, page, login, screenshot):
    # Art. 8: the poster with the QR code that opens the estate's page for owners
    screenshot = whole_page(screenshot)
    estate, convener = estates["a"], named_convener(staff)

    login(page, convener.username, PASSWORD)
    page.goto(f"/console/estates/{estate.pk}/")
    page.get_by_role("link", name="二维码海报").click()
    expect(page).to_have_url(re.compile(rf"/console/estates/{estate.pk}/poster/$"))
    poster = page.locator("article.poster")
    expect(poster.locator(".poster-estate")).to_have_text("碧海花园")
    qr = poster.locator(".poster-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150 and box["height"] >= 150, box
    expect(poster.locator(".poster-url")).to_have_text(re.compile(rf"/m/e/{estate.pk}/$"))
    expect(poster).to_contain_text("操作指南")
    screenshot(page, "convener-poster")

    png = page.request.get(f"/console/estates/{estate.pk}/poster/qr.png")
    assert png.status == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.body())).size[0] >= 200
