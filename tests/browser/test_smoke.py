"""Smoke test of the harness: the console's login page renders, in Chinese, on a desktop and on a phone."""

import pytest


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_login_page_renders_in_chinese(viewport, request, screenshot):
    page = request.getfixturevalue("page" if viewport == "desktop" else "phone_page")

    response = page.goto("/console/login/")

    assert response is not None and response.status == 200, (
        f"GET /console/login/ -> {response and response.status}"
    )
    assert "登录" in page.locator("body").inner_text()
    assert page.locator('input[name="username"]').is_visible()
    assert page.locator('input[name="password"]').is_visible()
    if viewport == "phone":
        # Nothing wider than the phone's screen: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"console-login-{viewport}")
