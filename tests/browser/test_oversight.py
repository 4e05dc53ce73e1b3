"""A street office watches the results across its estates in a real Chromium (issue 6 oversight,
R-RES-4): from the console home to the dashboard, a year chosen with the keyboard, the figures,
the charts (inline SVG, no script) and the table behind each chart."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_owner_journeys import PASSWORD
from tests.results.test_oversight import board  # noqa: F401 - the fixture


def test_street_office_sees_the_dashboard(
    board,  # noqa: F811 - the fixture imported above
    staff,
    estates,
    geo,
    page,
    login,
    screenshot,
):
    # R-RES-4, issue 6 oversight
    street = staff["street"]
    street.real_name = "林晓华"
    street.save(update_fields=["real_name"])
    organisation = street.memberships.get().organisation
    organisation.name = "沙头街道办事处"
    organisation.save(update_fields=["name"])

    login(page, street.username, PASSWORD)
    page.locator("#home-oversight").click()
    expect(page).to_have_url(f"{page.url.split('/console/')[0]}/console/oversight/")
    expect(page.locator("#oversight")).to_have_attribute("data-scope", str(geo["shatou"].pk))

    # Choose 2025 with the keyboard only.
    page.locator("#ov-year").focus()
    page.locator("#ov-year").select_option("2025")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#oversight")).to_have_attribute("data-year", "2025")

    expect(page.locator("#ov-meetings-held")).to_have_text("4")
    expect(page.locator("#ov-meetings-with-result")).to_have_text("2")
    expect(page.locator("#ov-area-percent")).to_have_text("73.35%")
    expect(page.locator("#ov-owners-percent")).to_have_text("75.00%")
    rows = page.locator("#ov-breakdown-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-id", str(estates["a"].pk))
    expect(rows.nth(0).locator('[data-col="area_percent"]')).to_have_text("70.05%")
    expect(page.get_by_text("科苑小区")).to_have_count(0)  # Yuehai street's estate

    # The charts: drawn, labelled, with bars as wide as the figures say.
    chart = page.locator("#ov-turnout-chart")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 40
    expect(page.get_by_role("img", name=page.locator("#ov-turnout-title").text_content())).to_be_visible()
    expect(chart.locator("rect.ov-area")).to_have_count(2)
    widths = [
        float(w)
        for w in chart.locator("rect.ov-area").evaluate_all("rs => rs.map(r => r.getAttribute('width'))")
    ]
    assert widths[0] < widths[1]  # a 70.05 % < b 79.96 %
    expect(page.locator("#ov-items-chart rect[data-kind='passed']")).to_have_count(2)

    # The table behind the chart opens from the keyboard.
    table = page.locator("#ov-turnout-table")
    expect(table).to_be_hidden()
    page.locator("#ov-turnout summary").focus()
    page.keyboard.press("Enter")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").nth(1)).to_contain_text("79.96%")

    # The latest results link to each meeting's result page.
    expect(page.locator("#ov-latest-table tbody tr")).to_have_count(2)
    expect(
        page.locator(f'#ov-latest-table a[href="/console/meetings/{board["B1"].pk}/result/"]')
    ).to_be_visible()
    screenshot(page, "oversight-street-office")
