"""The roster as .xlsx in the import format, and the empty template (R-ROSTER-4); personal data
masked unless the convener asks for it in full, which is logged (R-SEC-1)."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from ownervote.audit.services import record
from ownervote.core import crypto
from ownervote.core.spreadsheets import workbook_bytes

from .. import importing
from ..access import Need, access_estate
from ..models import Flat, Ownership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(rows: list[list], *, instructions: bool) -> bytes:
    # Imported here: openpyxl is heavy and only writing a workbook needs it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "业主名册"
    headers = [importing.HEADERS_ZH[k] for k in importing.COLUMNS]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for col, width in zip("ABCDEFGHIJK", (8, 8, 10, 10, 8, 10, 22, 44, 28, 10, 12), strict=True):
        ws.column_dimensions[col].width = width
    # ID numbers and mobiles are text: Excel would otherwise round an 18-digit number.
    for row in ws.iter_rows(min_row=2, min_col=8, max_col=9):
        for cell in row:
            cell.number_format = "@"
    if instructions:
        info = wb.create_sheet("填写说明")
        for line in (
            ["每个专有部分（房屋、车位、商铺）一行；同一楼栋的房号不能重复。"],
            [
                "面积：平方米，最多两位小数；面积来源：产权登记 / 实测 / 合同（按不动产登记簿、实测、合同的先后顺序取得）。"  # noqa: E501 - one message, kept whole for translators
            ],
            ["用途：住宅 / 商业 / 办公 / 车位 / 其他。"],
            ["业主类型：个人 / 单位 / 建设单位（建设单位未出售的部分合计按一人计算）。"],
            ["共有人：业主姓名、证件号码、手机号码、份额用顿号“、”分隔，并保持同一顺序。"],
            ["证件号码：个人填18位居民身份证号码，单位填统一社会信用代码；单元格请设为“文本”格式。"],
        ):
            info.append(line)
        info.column_dimensions["A"].width = 100
    return workbook_bytes(wb)


def template_xlsx() -> bytes:
    return _workbook([], instructions=True)


def export_xlsx(*, actor, estate_id: int, reveal: bool = False) -> bytes:
    """The roster as .xlsx in the import format. Personal data is masked unless ``reveal``,
    which only the convener may ask for and which is logged (R-SEC-1)."""
    need = Need.EXPORT_PERSONAL_DATA if reveal else Need.SEE
    estate = access_estate(actor, estate_id, need=need)
    ownerships = defaultdict(list)
    for o in (
        Ownership.objects.filter(flat__estate=estate, flat__removed_at__isnull=True, ended_at__isnull=True)
        .select_related("owner")
        .order_by("id")
    ):
        ownerships[o.flat_id].append(o)
    rows = []
    for flat in (
        Flat.objects.filter(estate=estate, removed_at__isnull=True)
        .select_related("building")
        .order_by("sort_key", "pk")
    ):
        owners = ownerships.get(flat.pk, [])

        def col(attr: str, owners=owners) -> str:
            if reveal:
                return "、".join(crypto.decrypt_text(getattr(o.owner, f"{attr}_enc")) for o in owners)
            return "、".join(getattr(o.owner, f"{attr}_masked") for o in owners)

        kinds = {importing.OWNER_KIND_LABELS[o.owner.kind] for o in owners}
        rows.append(
            [
                flat.building.name,
                flat.room,
                flat.area,
                importing.AREA_SOURCE_LABELS[flat.area_source],
                importing.USE_LABELS[flat.use],
                kinds.pop()
                if len(kinds) == 1
                else "、".join(importing.OWNER_KIND_LABELS[o.owner.kind] for o in owners),
                col("name"),
                col("id_number"),
                col("mobile"),
                "、".join(o.share for o in owners) if any(o.share for o in owners) else "",
                min((o.valid_from for o in owners), default=None),
            ]
        )
    if reveal:
        with transaction.atomic():
            record(
                actor=actor,
                action="pii.read",
                obj=estate,
                estate_id=estate.pk,
                summary={
                    "purpose": "roster export",
                    "fields": ["name", "id_number", "mobile"],
                    "flats": len(rows),
                },
            )
    return _workbook(rows, instructions=False)
