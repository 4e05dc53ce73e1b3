"""The convener's roster journey in a real Chromium (R-ROSTER-1, R-ROSTER-4): sign in, import a
roster file with a bad row, read the row-numbered refusal, fix the row, import again, apply with
a reason, and confirm the totals."""

from __future__ import annotations

import re

from ownervote.roster.models import Flat, RosterChange, TotalsSnapshot
from tests.rosterfiles import HEADER, flat_row, mobile, person_id


def _csv(tmp_path, name: str, rows: list[list]) -> str:
    import csv

    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return str(path)


def test_convener_imports_fixes_and_confirms(staff, estates, small_roster, page, login, screenshot, tmp_path):
    estate = estates["a"]
    bad = [*small_roster, flat_row("3栋", "101", "-88.00", "孙八", person_id(57), mobile(57))]  # row 9
    good = [*small_roster, flat_row("3栋", "101", "88.00", "孙八", person_id(57), mobile(57))]

    login(page, staff["convener"].username, "Pw-for-tests-1")
    page.goto(f"/console/estates/{estate.pk}/")
    page.get_by_role("link", name="导入", exact=True).first.click()

    # 1. A file with a bad row is refused with the row number and the reason; nothing imported.
    page.locator("input[type=file]").set_input_files(_csv(tmp_path, "名册.csv", bad))
    page.get_by_role("button", name="上传并检查").click()
    page.get_by_role("heading", name="文件未导入").wait_for()
    row_nine = page.locator("td", has_text=re.compile(r"^9$"))
    error_row = page.locator("table tr", has_text="面积").filter(has=row_nine)
    assert error_row.count() == 1, page.locator("main").inner_text()
    assert "大于 0" in error_row.inner_text()
    screenshot(page, "roster-import-refused")
    assert not Flat.objects.filter(estate=estate).exists()

    # 2. The fixed file previews cleanly and is applied with a reason.
    page.get_by_role("link", name="导入", exact=True).first.click()
    page.locator("input[type=file]").set_input_files(_csv(tmp_path, "名册-已更正.csv", good))
    page.get_by_role("button", name="上传并检查").click()
    page.get_by_role("button", name="应用到名册").wait_for()
    screenshot(page, "roster-import-preview")
    page.locator("input[name=reason]").fill("首次导入业主名册")
    page.get_by_role("button", name="应用到名册").click()
    page.wait_for_load_state()
    assert Flat.objects.filter(estate=estate).count() == 8
    change = RosterChange.objects.get(estate=estate, kind="import")
    assert change.reason == "首次导入业主名册" and change.submitter_real_name == staff["convener"].real_name
    assert "首次导入业主名册" in page.locator("main").inner_text()

    # 3. The totals: 5 owners (张三; 李四+王五; 赵六's two flats; the developer; 孙八), parking excluded.
    page.get_by_role("link", name="总数").first.click()
    main = page.locator("main").inner_text()
    assert "5" in main and "652.75" in main
    page.locator("input[name=reason]").fill("核对确认业主总人数和总投票权数")
    page.get_by_role("button", name="确认总数").click()
    page.get_by_role("heading", name="已确认的总数").wait_for()
    screenshot(page, "roster-totals-confirmed")
    snap = TotalsSnapshot.objects.get(estate=estate)
    assert (snap.total_owners, str(snap.total_area), snap.total_flats) == (5, "652.75", 7)
