"""Reading the file a city's former platform exports its verified owners and bindings in
(R-DATA-1; the format is docs/import-format.md): CSV or JSON, UTF-8 with or without a BOM.

``parse`` yields one ``ParsedRow`` per record, each with *every* problem of that record (a field
missing, an ID number that fails its check digit, a date that is not one, ...), so that the person
fixing the file sees them all at once. Nothing here touches the database: whether the estate, the
flat and the owner exist is ``importing``'s to say. CSV is read row by row from the stream; JSON
is a list of records or an object with ``"records"`` (and optionally ``"source"``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ownervote.core import validators
from ownervote.core.errors import InvalidInput

from .errors import Code

# The API's limit on an uploaded file or JSON body (the command has none): about 200,000 CSV rows.
API_MAX_BYTES = 25 * 2**20
# The methods the former platform may have recorded (docs/import-format.md).
METHODS = ("face", "bank", "onsite", "sms", "other")
SOURCE_RE = re.compile(r"^[a-z0-9][a-z0-9:._-]{0,63}$")
REF_MAX = 100
NAME_MAX = 50
TEXT_MAX = 100
EARLIEST = dt.date(2000, 1, 1)

# Each field with the column headers that name it (English, or the Chinese a person would type).
FIELDS: dict[str, tuple[str, ...]] = {
    "external_ref": ("external_ref", "原平台编号"),
    "estate_id": ("estate_id", "小区编号"),
    "street_code": ("street_code", "街道编码"),
    "estate_name": ("estate_name", "小区名称"),
    "building": ("building", "楼栋"),
    "unit": ("unit", "单元"),
    "room": ("room", "房号"),
    "owner_name": ("owner_name", "业主姓名"),
    "id_number": ("id_number", "证件号码"),
    "mobile": ("mobile", "手机号码"),
    "verification_method": ("verification_method", "核验方式"),
    "verified_on": ("verified_on", "核验日期"),
    "bound_on": ("bound_on", "绑定日期"),
}
REQUIRED = (
    "external_ref",
    "building",
    "room",
    "owner_name",
    "id_number",
    "mobile",
    "verification_method",
    "verified_on",
)
HEADER_OF = {alias: name for name, aliases in FIELDS.items() for alias in aliases}


@dataclass
class RowError:
    """One problem of one record: ``row`` is the CSV line (the header is line 1) or the JSON
    record's position from 1; ``field`` the field's English name, "" for the whole record."""

    row: int
    field: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "code": self.code, "message": str(self.message)}


@dataclass
class ImportRow:
    """One record, cleaned: what ``importing`` matches against the roster."""

    row: int
    external_ref: str
    estate_id: int | None
    street_code: str
    estate_name: str
    building: str
    room: str
    owner_name: str
    id_number: str
    mobile: str
    method: str
    verified_on: dt.date
    bound_on: dt.date

    @property
    def estate_key(self) -> str:
        """How the file names the estate: by OwnerVote's id, else by street code and name."""
        return (
            f"#{self.estate_id}" if self.estate_id is not None else f"{self.street_code}/{self.estate_name}"
        )


@dataclass
class ParsedRow:
    row: int
    record: ImportRow | None
    errors: list[RowError] = field(default_factory=list)
    estate_key: str = ""


def _error(row: int, name: str, code: str, message) -> RowError:
    return RowError(row=row, field=name, code=code, message=message)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return " ".join(str(value).split())


def _date(value: str) -> dt.date | None:
    value = value.strip()
    try:  # the documented form first: a tenth of strptime's cost on 100,000 records
        return dt.date.fromisoformat(value[:10] if "T" in value else value)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(value[:10] if "T" in value else value, fmt).date()
        except ValueError:
            continue
    return None


def _estate_id(row: int, values: dict[str, str], errors: list[RowError]) -> int | None:
    """The estate's OwnerVote number, or None when the file names it by street code and name."""
    if values["estate_id"]:
        if (
            values["estate_id"].isascii()
            and values["estate_id"].isdigit()
            and 0 < int(values["estate_id"]) < 2**63
        ):
            return int(values["estate_id"])
        errors.append(
            _error(row, "estate_id", Code.IMPORT_ESTATE_ID, _("The estate number must be a whole number."))
        )
    elif not (values["street_code"] and values["estate_name"]):
        errors.append(
            _error(
                row,
                "estate_id",
                Code.IMPORT_REQUIRED,
                _("Name the estate: its OwnerVote number, or the street code and the estate's name."),
            )
        )
    return None


def _check_lengths(row: int, values: dict[str, str], errors: list[RowError]) -> None:
    for name, limit in (("external_ref", REF_MAX), ("owner_name", NAME_MAX)):
        if len(values[name]) > limit:
            errors.append(_error(row, name, Code.IMPORT_TOO_LONG, _("This value is too long.")))
    for name in ("street_code", "estate_name", "building", "unit", "room"):
        if len(values[name]) > TEXT_MAX:
            errors.append(_error(row, name, Code.IMPORT_TOO_LONG, _("This value is too long.")))


def _person(row: int, values: dict[str, str], errors: list[RowError]) -> tuple[str, str, str]:
    """The ID number and mobile, normalised, and the verification method, lower-cased."""
    id_number = validators.normalise_id_number(values["id_number"])
    if id_number and not validators.is_valid_resident_id(id_number):
        errors.append(
            _error(
                row,
                "id_number",
                Code.IMPORT_ID_INVALID,
                _("The ID card number is not valid: check the 18 characters, the last may be X."),
            )
        )
    mobile = validators.normalise_mobile(values["mobile"])
    if mobile and not validators.is_valid_mobile(mobile):
        errors.append(
            _error(
                row,
                "mobile",
                Code.IMPORT_MOBILE_INVALID,
                _("Enter a mainland China mobile number of 11 digits."),
            )
        )
    method = values["verification_method"].lower()
    if method and method not in METHODS:
        errors.append(
            _error(
                row,
                "verification_method",
                Code.IMPORT_METHOD,
                _("Unknown verification method: use one of %(methods)s.") % {"methods": ", ".join(METHODS)},
            )
        )
    return id_number, mobile, method


def _dates(
    row: int, values: dict[str, str], errors: list[RowError], *, today: dt.date
) -> dict[str, dt.date | None]:
    """The verification and binding days, None when missing or wrong."""
    dates: dict[str, dt.date | None] = {}
    for name in ("verified_on", "bound_on"):
        dates[name] = None
        if not values[name]:
            continue
        day = _date(values[name])
        if day is None:
            errors.append(_error(row, name, Code.IMPORT_DATE, _("Not a date: write it as 2024-03-31.")))
        elif not EARLIEST <= day <= today:
            errors.append(
                _error(row, name, Code.IMPORT_DATE, _("The date must lie between 2000-01-01 and today."))
            )
        else:
            dates[name] = day
    if dates["verified_on"] and dates["bound_on"] and dates["bound_on"] < dates["verified_on"]:
        errors.append(
            _error(
                row,
                "bound_on",
                Code.IMPORT_DATE,
                _("The flat cannot be bound before the owner was verified."),
            )
        )
    return dates


def clean(row: int, raw: dict, *, today: dt.date) -> ParsedRow:
    """Every problem of one record, and the record when it has none."""
    values = {name: _text(raw.get(name)) for name in FIELDS}
    errors: list[RowError] = []
    for name in REQUIRED:
        if not values[name]:
            errors.append(_error(row, name, Code.IMPORT_REQUIRED, _("This field is required.")))
    estate_id = _estate_id(row, values, errors)
    _check_lengths(row, values, errors)
    id_number, mobile, method = _person(row, values, errors)
    dates = _dates(row, values, errors, today=today)
    building = values["building"]
    if values["unit"]:
        # The roster keeps a unit in the building's name ("1栋2单元"), as the roster import does.
        building = f"{building}{values['unit']}"
    parsed = ParsedRow(row=row, record=None, errors=errors)
    parsed.estate_key = (
        f"#{estate_id}" if estate_id is not None else f"{values['street_code']}/{values['estate_name']}"
    )
    if errors:
        return parsed
    parsed.record = ImportRow(
        row=row,
        external_ref=values["external_ref"],
        estate_id=estate_id,
        street_code=values["street_code"],
        estate_name=values["estate_name"],
        building=building,
        room=values["room"],
        owner_name=values["owner_name"],
        id_number=id_number,
        mobile=mobile,
        method=method,
        verified_on=dates["verified_on"],
        bound_on=dates["bound_on"] or dates["verified_on"],
    )
    return parsed


def file_error(message, *, code: str = Code.IMPORT_FILE, details: list | None = None) -> InvalidInput:
    return InvalidInput(code, message, details=details or [])


def _csv_records(stream: io.BufferedIOBase | io.BytesIO) -> Iterator[tuple[int, dict]]:
    """(line, record) of a CSV stream: the header names the fields (English or Chinese)."""
    text = codecs.getreader("utf-8-sig")(stream, errors="strict")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except UnicodeDecodeError as exc:
        raise file_error(_("The file is not UTF-8 text: save it as CSV UTF-8 and upload it again.")) from exc
    except csv.Error as exc:
        raise file_error(_("The file is not a CSV file.")) from exc
    if not header:
        raise file_error(_("The file is empty."))
    names = [HEADER_OF.get(h.strip().lstrip("\ufeff"), "") for h in header]
    unknown = [h for h, n in zip(header, names, strict=True) if not n and h.strip()]
    missing = [n for n in REQUIRED if n not in names]
    if unknown or missing:
        details = [
            {"row": 1, "field": h, "code": Code.IMPORT_HEADER, "message": str(_("Unknown column."))}
            for h in unknown
        ] + [
            {"row": 1, "field": n, "code": Code.IMPORT_HEADER, "message": str(_("This column is missing."))}
            for n in missing
        ]
        raise file_error(_("The first line must name the columns of the documented format."), details=details)
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            record = {n: v for n, v in zip(names, values, strict=False) if n}
            if len(values) > len(names):
                record["__extra__"] = True
            yield reader.line_num, record
    except UnicodeDecodeError as exc:
        raise file_error(_("The file is not UTF-8 text: save it as CSV UTF-8 and upload it again.")) from exc
    except csv.Error as exc:
        raise file_error(
            _("The file is not a valid CSV file (line %(line)s).") % {"line": reader.line_num}
        ) from exc


def _json_records(content: bytes) -> tuple[Iterator[tuple[int, dict]], str]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise file_error(_("The file is not UTF-8 text: save it as CSV UTF-8 and upload it again.")) from exc
    except ValueError as exc:
        raise file_error(_("The file is not valid JSON.")) from exc
    source = ""
    if isinstance(data, dict):
        source = data.get("source") if isinstance(data.get("source"), str) else ""
        data = data.get("records")
    if not isinstance(data, list):
        raise file_error(_('JSON must be a list of records or an object with "records".'))
    return (
        (i, r if isinstance(r, dict) else {"__not_object__": True}) for i, r in enumerate(data, 1)
    ), source


def records(content: bytes | io.BufferedIOBase, *, kind: str) -> tuple[Iterable[tuple[int, dict]], str]:
    """The raw records of a file, and the source the JSON object names ("" otherwise)."""
    if kind == "json":
        data = content if isinstance(content, bytes) else content.read()
        return _json_records(data)
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    return _csv_records(stream), ""


def kind_of(name: str, content_type: str = "", head: bytes = b"") -> str:
    """ "json" or "csv", from the file name, the content type or the first character."""
    name = (name or "").lower()
    if name.endswith(".json") or "json" in (content_type or ""):
        return "json"
    if name.endswith(".csv") or "csv" in (content_type or ""):
        return "csv"
    return "json" if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{") else "csv"


def parse(records_: Iterable[tuple[int, dict]], *, today: dt.date) -> Iterator[ParsedRow]:
    """Each record cleaned, with every problem it has (``clean``)."""
    for row, raw in records_:
        if raw.get("__not_object__"):
            yield ParsedRow(
                row=row,
                record=None,
                errors=[_error(row, "", Code.IMPORT_RECORD, _("Each record must be an object of fields."))],
                estate_key="?",
            )
            continue
        parsed = clean(row, {HEADER_OF.get(k, k): v for k, v in raw.items()}, today=today)
        if raw.get("__extra__"):
            parsed.errors.append(
                _error(row, "", Code.IMPORT_RECORD, _("This line has more values than columns."))
            )
            parsed.record = None
        yield parsed


def check_source(source: str) -> str:
    source = (source or "").strip()
    if not SOURCE_RE.match(source):
        raise InvalidInput(
            Code.IMPORT_SOURCE,
            _(
                'Name the former platform in lower-case letters, digits and ":._-", for example '
                '"platform:shenzhen-wechat".'
            ),
        )
    return source
