"""The convener's roster import when a file would remove much of the roster, in a real Chromium
(issue 22 items 3 and 4, R-ROSTER-1, R-ROSTER-4): a file of one row is refused with the reason;
a file removing more than a tenth shows the counts and applies only once the convener types the
number of flats removed; a refused file with several problems in a row lists them all and offers
the file back marked up."""

from __future__ import annotations

from ownervote.roster import services
from ownervote.roster.models import Flat
from tests.browser.test_convener_roster import _csv
from tests.rosterfiles import flat_row, mobile, person_id, roster_csv


def _roster(n: int = 30) -> list[list]:
    return [
        flat_row(f"{1 + i // 10}栋", f"{101 + i % 10}", "80.00", "业主", person_id(i), mobile(i))
        for i in range(n)
    ]


def _upload(page, estate, path: str) -> None:
    page.goto(f"/console/estates/{estate.pk}/import/")
    page.locator("input[type=file]").set_input_files(path)
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state()


def test_a_partial_file_is_refused_and_a_large_one_needs_the_typed_count(
    staff, estates, page, login, screenshot, tmp_path
):  # R-ROSTER-1, R-ROSTER-4
    estate = estates["a"]
    convener = staff["convener"]
    batch = services.import_preview(actor=convener, estate_id=estate.pk, upload=roster_csv(_roster()))
    services.import_apply(actor=convener, batch_id=batch.pk, reason="初次导入")
    login(page, convener.username, "Pw-for-tests-1")

    # 1. One row: refused as part of the roster, with the counts and what to do.
    _upload(page, estate, _csv(tmp_path, "一行.csv", _roster()[:1]))
    page.get_by_role("heading", name="文件未导入").wait_for()
    main = page.locator("main").inner_text()
    assert "移出 29 个" in main and "完整的名册" in main, main
    assert page.get_by_role("button", name="应用到名册").count() == 0
    screenshot(page, "roster-import-partial-refused")

    # 2. 4 of 30 flats removed (13%): the counts first, then the typed number.
    _upload(page, estate, _csv(tmp_path, "少四户.csv", _roster()[:26]))
    guard = page.locator("#import-guard")
    guard.wait_for()
    assert "移出 4 个" in guard.inner_text()
    page.locator("input[name=reason]").fill("四户并入其他小区")
    page.locator("input[name=confirm]").fill("3")
    page.get_by_role("button", name="应用到名册").click()
    page.wait_for_load_state()
    assert "请输入移出和变更的专有部分数量：4" in page.locator("main").inner_text()
    assert Flat.objects.filter(estate=estate, removed_at__isnull=True).count() == 30
    screenshot(page, "roster-import-confirm")
    page.locator("input[name=reason]").fill("四户并入其他小区")
    page.locator("input[name=confirm]").fill("4")
    page.get_by_role("button", name="应用到名册").click()
    page.wait_for_load_state()
    assert Flat.objects.filter(estate=estate, removed_at__isnull=True).count() == 26

    # 3. A row with three problems lists all three, and the file comes back marked up.
    bad = [*_roster()[:26]]
    bad[0] = flat_row("1栋", "101", "-5", "业主", "440304", "13912")
    _upload(page, estate, _csv(tmp_path, "三处错误.csv", bad))
    page.get_by_role("heading", name="文件未导入").wait_for()
    errors = page.locator("table.rs-errors").inner_text()
    assert "面积" in errors and "证件号码" in errors and "手机号码" in errors
    with page.expect_download() as download:
        page.locator("#import-errors-xlsx").click()
    assert download.value.suggested_filename.endswith("错误标注.xlsx")
