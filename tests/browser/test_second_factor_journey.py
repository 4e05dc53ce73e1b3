"""A convener enrols its second factor with the enrolment code its street office issued, in a real
Chromium (R-SEC-1, R-ROLE): with the production rule (every staff account passes TOTP), the street
office signs in with its own code, issues the code under 账号安全 (shown once); the convener signs in
with its password, is stopped at two-step verification, is refused a wrong code, enters the right
one, scans (here: computes) the QR code's secret, confirms with a first code and reaches the console."""

from __future__ import annotations

import re

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from ownervote.orgs.models import Organisation
from tests.browser.conftest import current_totp
from tests.browser.test_owner_journeys import PASSWORD


def test_a_convener_enrols_with_the_enrolment_code_and_reaches_the_console_r_sec_1(
    staff, page, login, settings, screenshot
):
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = set(Organisation.Kind.values)
    street, convener = staff["street"], staff["convener"]
    TOTPDevice.objects.create(user=street, name="console", confirmed=True)

    login(page, street.username, PASSWORD)  # passes the street office's own second factor
    page.get_by_role("link", name="账号安全").click()
    row = page.locator("tr", has_text=convener.username)
    expect(row).to_contain_text("未启用")
    row.get_by_role("button", name="签发启用码").click()
    expect(page.get_by_text("启用码仅显示这一次")).to_be_visible()
    code = page.locator("#issued-code").input_value()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    screenshot(page, "console-enrolment-code-issued")

    page.context.clear_cookies()
    login(page, convener.username, PASSWORD)
    assert "/console/2fa/" in page.url  # the password alone opens nothing
    expect(page.locator("svg")).to_have_count(0)
    page.get_by_label("启用码").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="继续").click()
    expect(page.get_by_text("启用码错误")).to_be_visible()
    page.get_by_label("启用码").fill(code.lower())
    page.get_by_role("button", name="继续").click()
    expect(page.locator(".qr svg")).to_be_visible()
    screenshot(page, "console-2fa-enrol")
    device = TOTPDevice.objects.get(user=convener, confirmed=False)
    page.locator('input[name="token"]').fill(current_totp(device))
    page.get_by_role("button", name="确认并继续").click()
    expect(page.get_by_text("已启用两步验证")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/console/2fa/" not in page.url
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="小区与名册").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/console/estates/" in page.url
