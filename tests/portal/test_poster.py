"""The estate poster (art. 8): the convener posts the official QR code and the voting guide in the
estate. Console page for staff who see the estate; a 404 for everyone else."""

from __future__ import annotations

import re

import pytest
import segno
from django.test import override_settings
from django.utils import timezone

from .conftest import text


def url(estate, suffix: str = "") -> str:
    return f"/console/estates/{estate.pk}/poster/{suffix}"


def qr_path(svg: str) -> str:
    """The dark modules of a segno SVG, as its path data (independent of size and title)."""
    return re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)


def expected_path(content: str) -> str:
    """What a QR code with ``content`` looks like, made here, independently of the page."""
    return qr_path(segno.make(content, error="q").svg_inline())


@pytest.mark.parametrize("role", ["convener", "street", "community", "district", "city"])
def test_staff_who_see_the_estate_get_the_poster(client, staff, estates, role):
    a = estates["a"]
    client.force_login(staff[role])
    response = client.get(url(a))
    assert response.status_code == 200
    page = text(response)
    assert "碧海花园" in page and "打印" in page and 'id="print"' in page
    for step in (
        "扫码登录",
        "手机号+短信验证码",
        "验证身份",
        "自助人脸识别",
        "无法人脸识别的，携带产权证明和身份证到召集人处现场核实",
        "搜索小区并绑定房屋",
        "公示期内核对绑定名单",
        "有异议可书面提出",
        "会议投票",
    ):
        assert step in page, step
    # The convener's name (its organisation) and the date.
    convener_org = staff["convener"].memberships.get().organisation
    assert f'class="poster-convener">{convener_org.name}<' in page
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in page


@pytest.mark.parametrize("role", ["other_street", "other_convener", "pending"])
def test_staff_who_do_not_see_the_estate_get_404(client, staff, estates, role):
    client.force_login(staff[role])
    for suffix in ("", "qr.svg", "qr.png"):
        assert client.get(url(estates["a"], suffix)).status_code == 404


def test_owners_are_refused_and_visitors_the_console_login(client, owner_world, estates):
    """An owner is sent to the owner pages (403, orgs/staff.py), like on every console page."""
    client.force_login(owner_world["zhang"])
    assert client.get(url(estates["a"])).status_code == 403
    client.logout()
    response = client.get(url(estates["a"]))
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_missing_estate_is_404(client, staff):
    client.force_login(staff["city"])
    assert client.get("/console/estates/999999/poster/").status_code == 404


def test_qr_code_encodes_the_estate_landing_page(client, staff, estates):
    a = estates["a"]
    client.force_login(staff["convener"])
    page = text(client.get(url(a)))
    landing = f"http://127.0.0.1:8000/m/e/{a.pk}/"
    assert f'class="poster-url">{landing}<' in page
    assert qr_path(page) == expected_path(landing)
    # The code of another estate differs: the comparison can fail.
    assert qr_path(page) != expected_path(f"http://127.0.0.1:8000/m/e/{estates['b'].pk}/")


@override_settings(OWNERVOTE_PUBLIC_URL="https://vote.example.gov.cn/")
def test_qr_code_uses_the_public_address(client, staff, estates):
    a = estates["a"]
    client.force_login(staff["street"])
    page = text(client.get(url(a)))
    landing = f"https://vote.example.gov.cn/m/e/{a.pk}/"
    assert landing in page and "127.0.0.1" not in page
    assert qr_path(page) == expected_path(landing)
    svg = client.get(url(a, "qr.svg")).content.decode()
    assert qr_path(svg) == expected_path(landing)


def test_the_landing_page_the_code_points_to_exists(client, staff, estates):
    a = estates["a"]
    client.force_login(staff["convener"])
    landing = re.search(
        r'class="poster-url">http://127\.0\.0\.1:8000(/[^<]+)<', text(client.get(url(a)))
    ).group(1)
    client.logout()
    response = client.get(landing)
    assert response.status_code == 200 and "碧海花园" in text(response)


def test_downloads_svg_and_png(client, staff, estates):
    a = estates["a"]
    client.force_login(staff["convener"])
    svg = client.get(url(a, "qr.svg"))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"].startswith("attachment;")
    assert qr_path(svg.content.decode()) == expected_path(f"http://127.0.0.1:8000/m/e/{a.pk}/")
    png = client.get(url(a, "qr.png"))
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n") and png["Content-Disposition"].startswith(
        "attachment;"
    )
    assert client.get(url(a, "qr.gif")).status_code == 404


def test_no_convener_leaves_a_line_to_fill_in(client, staff, estates):
    """Estate b has only a pending preparatory group: it is nobody's convener yet (R-ORG-1)."""
    client.force_login(staff["street"])
    page = text(client.get(url(estates["b"])))
    assert 'class="poster-blank"' in page
    pending_org = staff["pending"].memberships.get().organisation
    assert pending_org.name not in page


def test_the_sheet_stays_chinese_in_an_english_console(client, staff, estates):
    client.force_login(staff["convener"])
    client.cookies["django_language"] = "en"
    page = text(client.get(url(estates["a"])))
    assert ">Print<" in page  # the console around it follows the user's language
    sheet = page[page.index('<article class="poster"') :]
    assert "操作指南" in sheet and "扫码登录" in sheet and "How to vote" not in sheet


def test_printing_leaves_only_the_sheet(client, staff, estates):
    """Print CSS hides the console frame (console.css) and the tabs and buttons (poster.css)."""
    from django.contrib.staticfiles import finders

    client.force_login(staff["convener"])
    page = text(client.get(url(estates["a"])))
    screen_only = page[page.index('<div class="rs poster-screen">') : page.index('<article class="poster"')]
    assert 'id="print"' in screen_only and "rs-tabs" in screen_only
    with open(finders.find("portal/poster.css"), encoding="utf-8") as f:
        css = f.read()
    print_rules = css[css.index("@media print") :]
    assert ".poster-screen" in print_rules and "display: none" in print_rules
    assert "size: A4" in css
