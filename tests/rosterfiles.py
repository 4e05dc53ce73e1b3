"""Helpers to build roster files for tests: valid ID numbers and credit codes, CSV and XLSX."""

from __future__ import annotations

import csv
import io

from ownervote.core.files import Upload
from ownervote.core.validators import resident_id_check_digit, uscc_check_char

HEADER = [
    "楼栋",
    "房号",
    "面积",
    "面积来源",
    "用途",
    "业主类型",
    "业主姓名",
    "证件号码",
    "手机号码",
    "份额",
    "取得日期",
]


def person_id(n: int, born: str = "19800101", area: str = "440304") -> str:
    first17 = f"{area}{born}{n % 1000:03d}"
    return first17 + resident_id_check_digit(first17)


def credit_code(n: int) -> str:
    first17 = f"91440300MA5{n:06d}"
    return first17 + uscc_check_char(first17)


def mobile(n: int) -> str:
    return f"139{n:08d}"


def roster_csv(rows: list[list], header: list[str] | None = None) -> Upload:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header or HEADER)
    w.writerows(rows)
    return Upload(name="roster.csv", content=out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def roster_xlsx(rows: list[list]) -> Upload:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return Upload(
        name="roster.xlsx",
        content=out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def flat_row(
    building: str,
    room: str,
    area: str,
    names: str,
    ids: str,
    mobiles: str = "",
    kind: str = "个人",
    use: str = "住宅",
    source: str = "产权登记",
    share: str = "",
) -> list:
    return [building, room, area, source, use, kind, names, ids, mobiles, share, ""]


def small_roster() -> list[list]:
    """Six flats: a plain flat, a co-owned flat, one owner with two flats, two developer flats,
    a parking space."""
    return [
        flat_row("1栋", "101", "89.50", "张三", person_id(1), mobile(1)),
        flat_row(
            "1栋",
            "102",
            "120.00",
            "李四、王五",
            f"{person_id(2)}、{person_id(3)}",
            f"{mobile(2)}、{mobile(3)}",
            share="1/2、1/2",
        ),
        flat_row("1栋", "201", "95.25", "赵六", person_id(4), mobile(4)),
        flat_row("2栋", "201", "60.00", "赵六", person_id(4), mobile(4)),
        flat_row("2栋", "301", "100.00", "深圳某某地产有限公司", credit_code(1), kind="建设单位"),
        flat_row("2栋", "302", "100.00", "深圳某某地产有限公司", credit_code(1), kind="建设单位"),
        flat_row("车库", "P001", "12.50", "张三", person_id(1), mobile(1), use="车位"),
    ]
