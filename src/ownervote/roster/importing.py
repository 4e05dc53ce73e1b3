"""Reading a roster file (.xlsx or .csv) into validated rows. No database access here: the
service compares the rows with the stored roster and applies them.

Every problem is reported with the spreadsheet row number (header = row 1) and the column, so
a convener can fix the file they keep; one bad row refuses the whole file (R-ROSTER-4).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ownervote.core import crypto, spreadsheets, validators
from ownervote.core.errors import Code as CoreCode
from ownervote.core.errors import InvalidInput
from ownervote.core.masking import mask_id_number, mask_name

from .errors import Code

MAX_ERRORS = 500
UNREADABLE_XLSX = gettext_noop("The file cannot be read as an Excel (.xlsx) workbook.")
MAX_AREA = Decimal("100000")

# Canonical column -> accepted headers (Chinese first, then English).
COLUMNS: dict[str, tuple[str, ...]] = {
    "building": ("楼栋", "楼栋号", "栋", "building"),
    "room": ("房号", "房间号", "room"),
    "area": ("面积", "建筑面积", "面积(㎡)", "面积（㎡）", "area"),
    "area_source": ("面积来源", "area_source"),
    "use": ("用途", "房屋用途", "use"),
    "owner_kind": ("业主类型", "owner_kind"),
    "owner_name": ("业主姓名", "业主姓名/名称", "业主名称", "owner_name"),
    "id_number": ("证件号码", "身份证号码", "id_number"),
    "mobile": ("手机号码", "手机号", "mobile"),
    "share": ("份额", "share"),
    "valid_from": ("取得日期", "valid_from"),
}
REQUIRED = ("building", "room", "area", "owner_name", "id_number")
HEADERS_ZH = {key: names[0] for key, names in COLUMNS.items()}

AREA_SOURCES = {
    "产权登记": "register",
    "登记": "register",
    "register": "register",
    "实测": "survey",
    "测绘": "survey",
    "survey": "survey",
    "合同": "contract",
    "预售合同": "contract",
    "contract": "contract",
}
USES = {
    "住宅": "residential",
    "residential": "residential",
    "商业": "commercial",
    "商铺": "commercial",
    "commercial": "commercial",
    "办公": "office",
    "office": "office",
    "车位": "parking",
    "parking": "parking",
    "其他": "other",
    "other": "other",
}
OWNER_KINDS = {
    "个人": "person",
    "person": "person",
    "单位": "organisation",
    "organisation": "organisation",
    "建设单位": "developer",
    "开发商": "developer",
    "developer": "developer",
}
AREA_SOURCE_LABELS = {"register": "产权登记", "survey": "实测", "contract": "合同"}
USE_LABELS = {
    "residential": "住宅",
    "commercial": "商业",
    "office": "办公",
    "parking": "车位",
    "other": "其他",
}
OWNER_KIND_LABELS = {"person": "个人", "organisation": "单位", "developer": "建设单位"}

_SPLIT = re.compile(r"[、;；,，/]")  # separators between co-owners; "/" is not allowed inside a share then
_SHARE_SPLIT = re.compile(r"[、;；,，]")
_SHARE = re.compile(r"^(\d+/\d+|\d+(\.\d+)?%)$")


@dataclass(frozen=True)
class OwnerRow:
    kind: str
    name: str
    id_number: str
    mobile: str
    share: str
    id_hash: str  # keyed hash of id_number: how the stored roster knows this owner


@dataclass
class FlatRow:
    row: int
    building: str
    room: str
    area: Decimal
    area_source: str
    use: str
    owners: list[OwnerRow]
    valid_from: dt.date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.building, self.room)


@dataclass
class ParseResult:
    rows: list[FlatRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    row_count: int = 0
    truncated: bool = False
    error_count: int = 0  # every problem found; ``errors`` keeps the first ``max_errors`` of them
    max_errors: int | None = MAX_ERRORS  # None: keep them all (the marked-up copy of the file)

    def error(self, row: int, column: str, code: str, message: str) -> None:
        self.error_count += 1
        if self.max_errors is not None and len(self.errors) >= self.max_errors:
            self.truncated = True
            return
        self.errors.append(
            {"row": row, "column": HEADERS_ZH.get(column, column), "code": code, "message": str(message)}
        )


class UnreadableFile(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_table(name: str, content: bytes) -> list[list]:
    """All rows of the first sheet (xlsx) or the file (csv), header included."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        try:  # a zip bomb, an encrypted or disguised file: refused before the parser sees it
            spreadsheets.check_xlsx(content)
        except InvalidInput as exc:
            if exc.code == CoreCode.XLSX_NOT_ZIP:  # the roster's own code for it, as before
                raise UnreadableFile(Code.FILE_UNREADABLE, _(UNREADABLE_XLSX)) from exc
            raise UnreadableFile(exc.code, str(exc.message)) from exc
        # python-calamine (Rust) reads a 20,000-row sheet ~10x faster than openpyxl.
        from python_calamine import CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
            return [list(r) for r in wb.get_sheet_by_index(0).to_python(skip_empty_area=False)]
        except Exception as exc:  # a damaged or disguised file
            raise UnreadableFile(Code.FILE_UNREADABLE, _(UNREADABLE_XLSX)) from exc
    if lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnreadableFile(Code.FILE_ENCODING, _("The CSV file must be saved as UTF-8 or GB18030."))
        return [list(r) for r in csv.reader(io.StringIO(text))]
    raise UnreadableFile(Code.FILE_TYPE, _("Upload an Excel (.xlsx) or CSV (.csv) file."))


def map_header(header: list) -> tuple[dict[str, int], list[str]]:
    index: dict[str, int] = {}
    lookup = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    for i, cell in enumerate(header):
        key = lookup.get(_cell_text(cell).lower())
        if key and key not in index:
            index[key] = i
    missing = [HEADERS_ZH[k] for k in REQUIRED if k not in index]
    return index, missing


def _parse_area(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse(name: str, content: bytes, *, max_errors: int | None = MAX_ERRORS) -> ParseResult:
    result = ParseResult(max_errors=max_errors)
    table = read_table(name, content)
    while table and not any(_cell_text(c) for c in table[-1]):
        table.pop()
    if not table:
        raise UnreadableFile(Code.FILE_EMPTY, _("The file is empty."))
    index, missing = map_header(table[0])
    if missing:
        raise UnreadableFile(
            Code.COLUMNS_MISSING,
            _("Row 1 must hold the column headers; missing: %(cols)s.") % {"cols": "、".join(missing)},
        )
    seen_rooms: dict[tuple[str, str], int] = {}
    seen_ids: dict[str, tuple[str, int]] = {}

    for rownum, raw in enumerate(table[1:], start=2):
        cells = {key: _cell_text(raw[i]) if i < len(raw) else "" for key, i in index.items()}
        if not any(cells.values()):
            continue  # blank line inside the sheet
        result.row_count += 1
        row = _parse_row(rownum, cells, result)
        key = (" ".join(cells["building"].split()), " ".join(cells["room"].split()))
        first = seen_rooms.get(key) if all(key) else None
        if first is not None:  # reported with the row's other problems, if it has any
            result.error(
                rownum,
                "room",
                Code.DUPLICATE_ROOM,
                _("Room %(b)s-%(r)s appears again (first in row %(first)d).")
                % {"b": key[0], "r": key[1], "first": first},
            )
            continue
        if all(key):
            seen_rooms[key] = rownum
        if row is None:
            continue
        ok = True
        for owner in row.owners:
            prior = seen_ids.get(owner.id_number)
            if prior is not None and prior[0] != owner.name:
                result.error(
                    rownum,
                    "owner_name",
                    Code.OWNER_INCONSISTENT,
                    _("ID number %(id)s belongs to %(other)s in row %(first)d, not %(name)s.")
                    % {
                        "id": mask_id_number(owner.id_number),
                        "other": mask_name(prior[0]),
                        "first": prior[1],
                        "name": mask_name(owner.name),
                    },
                )
                ok = False
            seen_ids.setdefault(owner.id_number, (owner.name, rownum))
        if ok:
            result.rows.append(row)
    if result.row_count == 0:
        raise UnreadableFile(Code.FILE_EMPTY, _("The file has no flats below the header row."))
    return result


def _split(text: str, pattern=_SPLIT) -> list[str]:
    return [p.strip() for p in pattern.split(text) if p.strip()] if text else []


def _parse_row(rownum: int, cells: dict[str, str], result: ParseResult) -> FlatRow | None:
    """One flat of the file, or None when its row has a problem. Every check runs whatever the
    others found, so that each problem of the row is reported at once (issue 22)."""
    errors_before = result.error_count  # not len(errors): that stops growing at MAX_ERRORS
    err = result.error
    for key in REQUIRED:
        if not cells.get(key):
            err(rownum, key, Code.REQUIRED, _("%(col)s is empty.") % {"col": HEADERS_ZH[key]})
    area = _row_area(rownum, cells, err) if cells.get("area") else None
    source, use = _row_source_and_use(rownum, cells, err)
    owners = _row_owners(rownum, cells, err) if cells.get("owner_name") and cells.get("id_number") else []
    valid_from = _row_valid_from(rownum, cells, err)
    if result.error_count > errors_before:
        return None
    return FlatRow(
        row=rownum,
        building=" ".join(cells["building"].split()),
        room=" ".join(cells["room"].split()),
        area=area,
        area_source=source,
        use=use,
        owners=owners,
        valid_from=valid_from,
    )


def _row_owners(rownum: int, cells: dict[str, str], err) -> list[OwnerRow]:
    """The row's co-owners; each part of each of them is checked, even when the columns name
    different numbers of people (that is reported too)."""
    names, ids, mobiles, shares, kinds_text = _owner_columns(rownum, cells, err)

    def part(values: list[str], i: int) -> str:
        return values[i] if i < len(values) else ""

    owners = []
    for i in range(max(len(names), len(ids), len(mobiles), len(shares))):
        owner = _row_owner(
            rownum,
            err,
            name=part(names, i),
            kind_text=kinds_text[min(i, len(kinds_text) - 1)],
            id_number=part(ids, i),
            mobile_text=part(mobiles, i),
            share=part(shares, i),
        )
        if owner is not None:
            owners.append(owner)
    if len({o.id_number for o in owners}) != len(owners):
        err(
            rownum,
            "id_number",
            Code.OWNER_REPEATED,
            _("The same ID number is listed twice for this flat."),
        )
    return owners


def _row_area(rownum: int, cells: dict[str, str], err) -> Decimal | None:
    area = _parse_area(cells["area"])
    if area is None:
        err(rownum, "area", Code.AREA_INVALID, _("Area “%(v)s” is not a number.") % {"v": cells["area"]})
    elif area <= 0:
        err(
            rownum,
            "area",
            Code.AREA_NOT_POSITIVE,
            _("Area must be greater than 0 (it is %(v)s).") % {"v": cells["area"]},
        )
    elif area.as_tuple().exponent < -2:
        err(
            rownum,
            "area",
            Code.AREA_PRECISION,
            _("Area has more than 2 decimals: %(v)s.") % {"v": cells["area"]},
        )
    elif area > MAX_AREA:
        err(
            rownum,
            "area",
            Code.AREA_TOO_LARGE,
            _("Area %(v)s m² is not plausible for one exclusive part.") % {"v": cells["area"]},
        )
    return area


def _row_source_and_use(rownum: int, cells: dict[str, str], err) -> tuple[str | None, str | None]:
    source = AREA_SOURCES.get(cells.get("area_source") or "产权登记")
    if source is None:
        err(
            rownum,
            "area_source",
            Code.AREA_SOURCE_INVALID,
            _("Area source must be 产权登记, 实测 or 合同 (not “%(v)s”).") % {"v": cells["area_source"]},
        )
    use = USES.get(cells.get("use") or "住宅")
    if use is None:
        err(
            rownum,
            "use",
            Code.USE_INVALID,
            _("Use must be 住宅, 商业, 办公, 车位 or 其他 (not “%(v)s”).") % {"v": cells["use"]},
        )
    return source, use


def _owner_columns(rownum: int, cells: dict[str, str], err) -> tuple[list[str], ...]:
    """The co-owners' names, ID numbers, mobiles, shares and kinds, each column split at the
    separators; a column that names another number of people than the names is reported."""
    names = _split(cells["owner_name"])
    ids = [validators.normalise_id_number(v) for v in _split(cells["id_number"])]
    mobiles = _split(cells.get("mobile", ""))
    shares = _split(cells.get("share", ""), _SHARE_SPLIT)
    kinds_text = _split(cells.get("owner_kind", "")) or ["个人"]
    if len(kinds_text) == 1:
        kinds_text = kinds_text * len(names)

    if len(ids) != len(names):
        err(
            rownum,
            "id_number",
            Code.OWNER_COUNT_MISMATCH,
            _("%(n)d owner names but %(m)d ID numbers; separate co-owners with 、 in the same order.")
            % {"n": len(names), "m": len(ids)},
        )
    if mobiles and len(mobiles) != len(names):
        err(
            rownum,
            "mobile",
            Code.OWNER_COUNT_MISMATCH,
            _("%(n)d owner names but %(m)d mobile numbers.") % {"n": len(names), "m": len(mobiles)},
        )
    if shares and len(shares) != len(names):
        err(
            rownum,
            "share",
            Code.OWNER_COUNT_MISMATCH,
            _("%(n)d owner names but %(m)d shares.") % {"n": len(names), "m": len(shares)},
        )
    if len(kinds_text) != len(names):
        err(
            rownum,
            "owner_kind",
            Code.OWNER_COUNT_MISMATCH,
            _("%(n)d owner names but %(m)d owner kinds.") % {"n": len(names), "m": len(kinds_text)},
        )
    return names, ids, mobiles, shares, kinds_text


def _row_owner(
    rownum: int, err, *, name: str, kind_text: str, id_number: str, mobile_text: str, share: str
) -> OwnerRow | None:
    """One co-owner of a row, from their part of each cell, or None when a part is wrong or
    missing: every wrong part is reported (a missing one is, by ``_owner_columns``)."""
    errors = 0

    def fail(column: str, code: str, message) -> None:
        nonlocal errors
        errors += 1
        err(rownum, column, code, message)

    kind = OWNER_KINDS.get(kind_text)
    if kind is None:
        fail(
            "owner_kind",
            Code.OWNER_KIND_INVALID,
            _("Owner kind must be 个人, 单位 or 建设单位 (not “%(v)s”).") % {"v": kind_text},
        )
    elif id_number and kind == "person" and not validators.is_valid_resident_id(id_number):
        fail(
            "id_number",
            Code.ID_NUMBER_INVALID,
            _(
                "ID number “%(v)s” of %(name)s is not a valid resident ID number (18 characters, check digit)."  # noqa: E501 - one message, kept whole for translators
            )
            % {
                "v": mask_id_number(id_number) if len(id_number) == 18 else id_number,
                "name": mask_name(name),
            },
        )
    elif id_number and kind != "person" and not validators.is_valid_uscc(id_number):
        fail(
            "id_number",
            Code.CREDIT_CODE_INVALID,
            _("“%(v)s” of %(name)s is not a valid unified social credit code.")
            % {"v": id_number, "name": mask_name(name)},
        )
    mobile = validators.normalise_mobile(mobile_text) if mobile_text else ""
    if mobile and not validators.is_valid_mobile(mobile):
        fail(
            "mobile",
            Code.MOBILE_INVALID,
            _("Mobile number “%(v)s” of %(name)s is not valid.")
            % {"v": mobile_text, "name": mask_name(name)},
        )
    if share and not _SHARE.match(share):
        fail("share", Code.SHARE_INVALID, _("Share “%(v)s” must look like 1/2 or 50%%.") % {"v": share})
    if errors or not name or not id_number:
        return None
    return OwnerRow(
        kind=kind,
        name=" ".join(name.split()),
        id_number=id_number,
        mobile=mobile,
        share=share,
        id_hash=crypto.lookup_hash("id_number", id_number),
    )


def _row_valid_from(rownum: int, cells: dict[str, str], err) -> dt.date | None:
    valid_from = None
    if cells.get("valid_from"):
        try:
            valid_from = dt.date.fromisoformat(cells["valid_from"][:10])
        except ValueError:
            err(
                rownum,
                "valid_from",
                Code.DATE_INVALID,
                _("Date “%(v)s” must be written as YYYY-MM-DD.") % {"v": cells["valid_from"]},
            )
    return valid_from


_ROWS_CONTEXT = b"roster-import-rows"


def seal_rows(rows: list[FlatRow]) -> bytes:
    """The checked rows of a preview, compact and encrypted (they hold ID numbers and mobiles), for
    apply to write without parsing and checking the file again."""
    data = [
        [
            r.row,
            r.building,
            r.room,
            str(r.area),
            r.area_source,
            r.use,
            r.valid_from.isoformat() if r.valid_from else "",
            [[o.kind, o.name, o.id_number, o.mobile, o.share, o.id_hash] for o in r.owners],
        ]
        for r in rows
    ]
    packed = zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 1)
    return crypto.encrypt_bytes(packed, context=_ROWS_CONTEXT)


def open_rows(blob: bytes) -> list[FlatRow]:
    """The rows ``seal_rows`` kept, as they were checked."""
    data = json.loads(zlib.decompress(crypto.decrypt_bytes(bytes(blob), context=_ROWS_CONTEXT)))
    return [
        FlatRow(
            row=row,
            building=building,
            room=room,
            area=Decimal(area),
            area_source=source,
            use=use,
            owners=[OwnerRow(*o) for o in owners],
            valid_from=dt.date.fromisoformat(valid_from) if valid_from else None,
        )
        for row, building, room, area, source, use, valid_from, owners in data
    ]
