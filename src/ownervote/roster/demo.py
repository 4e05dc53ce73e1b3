"""The demo estate's roster, generated from a fixed seed so the demo is the same every time.

深圳湾畔花园 (fictional) in 沙头街道, 福田区: three towers (1栋, 2栋, 3栋), floors 2-34 with six
flats each (594 flats), eight ground-floor shops (商业) and twenty parking spaces (车位) in the
basement garage. The roster exercises every counting rule of R-ROSTER-3:

- 40 flats are co-owned by two people (shares 1/2 each): each counts as one owner;
- one person holds two flats: one owner;
- the developer still holds 30 unsold flats (and 8 parking spaces): together one owner;
- an organisation owner (单位) holds 5 shops: one owner;
- 12 parking spaces belong to people who also own a flat, 8 to the developer; parking spaces
  count only when the estate's rules of procedure say so (R-ROSTER-5, off by default).

Every resident ID number and unified social credit code carries a correct check character, so
the file goes through the real import (``ownervote.roster.services.import_preview``) unchanged.
The people are invented; any resemblance of a generated ID number to a real one is chance.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ownervote.core.spreadsheets import workbook_bytes
from ownervote.core.validators import resident_id_check_digit, uscc_check_char

SEED = 20260329
DEMO_PASSWORD = "ownervote-demo"  # noqa: S105 - the published password of the demo accounts

SHATOU_CODE = "440304005"
DEMO_ESTATE_NAME = "深圳湾畔花园"
DEMO_ESTATE_ADDRESS = "深圳市福田区沙头街道沙嘴社区沙嘴路88号"
DEMO_COMMUNITY_NAME = "沙嘴社区"
SECOND_ESTATE_NAME = "金地翠湾雅苑"
SECOND_ESTATE_ADDRESS = "深圳市福田区沙头街道金地社区金地一路16号"
SECOND_COMMUNITY_NAME = "金地社区"
# An estate with no convener at all: the street office or the community committee may apply to
# convene it (R-ORG-3, R-ORG-4).
THIRD_ESTATE_NAME = "沙嘴福苑"
THIRD_ESTATE_ADDRESS = "深圳市福田区沙头街道沙嘴社区沙嘴村二坊12号"

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column order and headers exactly as docs/CONTRACTS.md "Roster file format".
HEADERS = [
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

BUILDINGS = ("1栋", "2栋", "3栋")
FLOORS = range(2, 35)
FLATS_PER_FLOOR = 6
SHOPS = {"1栋": 4, "2栋": 4}
GARAGE = "地下车库"
PARKING_SPACES = 20
CO_OWNED_FLATS = 40
DEVELOPER_FLATS = 30
DEVELOPER_PARKING = 8
ORGANISATION_SHOPS = 5

# Registered areas of each tower's six flat types (positions 01-06 on a floor), in m².
_FLAT_TYPES = {
    "1栋": ("128.36", "89.52", "89.52", "128.36", "106.18", "68.74"),
    "2栋": ("132.05", "92.17", "92.17", "132.05", "112.40", "76.33"),
    "3栋": ("118.62", "86.29", "86.29", "118.62", "99.85", "63.47"),
}
# The top floor's corner flats are duplexes.
_DUPLEX = {"1栋": "172.88", "2栋": "178.46", "3栋": "165.21"}


# --- identity numbers -------------------------------------------------------------------------

_ORG_CODE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(body8: str) -> str:
    """GB 11714 organisation code: eight characters and their check character."""
    total = sum(_ORG_CODE_CHARS.index(c) * w for c, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(region: str, body8: str, *, authority: str = "9", kind: str = "1") -> str:
    """GB 32100 unified social credit code: registration authority (9 = market regulation),
    organisation kind (1 = enterprise), region, organisation code, check character."""
    first17 = authority + kind + region + organisation_code(body8)
    return first17 + uscc_check_char(first17)


DEVELOPER_NAME = "深圳市湾畔置业有限公司"
DEVELOPER_CREDIT_CODE = make_uscc("440300", "19238475")
COMPANY_NAME = "深圳市鹏海商业管理有限公司"
COMPANY_CREDIT_CODE = make_uscc("440304", "27961530")

# Residence codes (GB/T 2260) of ID numbers: Shenzhen (440301 is the pre-1990 city code still
# printed on older ID numbers) and the places Shenzhen's owners commonly come from.
_SHENZHEN_AREAS = ("440301", "440303", "440304", "440304", "440305", "440306", "440307")
_OTHER_AREAS = (
    "430102",
    "430124",
    "431002",
    "360102",
    "362502",
    "450102",
    "420106",
    "421002",
    "441402",
    "445102",
    "440582",
    "441302",
    "350102",
    "350583",
    "510104",
    "110105",
    "310104",
    "370102",
    "410105",
    "610113",
    "500103",
    "230103",
    "320106",
    "330106",
    "440103",
    "440106",
    "441900",
    "442000",
    "440604",
    "460102",
)
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤"
)
_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁文海俊峰浩宇晨东林永国家荣振德成昌贵福生龙元全兴志建锦"
_FEMALE = "芳娜敏静丽艳娟霞玲婷雪慧萍红琳燕晶颖倩洁琴云莉兰凤梅丹蓉薇佳欣怡秀英桂珍玉月春美晓"
_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    mobile: str


class People:
    """Invented people with valid, unique ID numbers and mobile numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ids: set[str] = set()
        self.mobiles: set[str] = set()

    def name(self, male: bool) -> str:
        chars = _MALE if male else _FEMALE
        given = self.rng.choice(chars)
        if self.rng.random() < 0.75:
            given += self.rng.choice(chars)
        return self.rng.choice(_SURNAMES) + given

    def id_number(self, male: bool, born_from: int = 1940, born_to: int = 1998) -> str:
        rng = self.rng
        while True:
            area = rng.choice(_SHENZHEN_AREAS if rng.random() < 0.45 else _OTHER_AREAS)
            start, end = dt.date(born_from, 1, 1).toordinal(), dt.date(born_to, 12, 31).toordinal()
            born = dt.date.fromordinal(rng.randint(start, end))
            seq = rng.randrange(1, 999, 2) if male else rng.randrange(2, 999, 2)  # 17th digit: odd = male
            first17 = f"{area}{born:%Y%m%d}{seq:03d}"
            value = first17 + resident_id_check_digit(first17)
            if value not in self.ids:
                self.ids.add(value)
                return value

    def mobile(self) -> str:
        while True:
            value = self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if value not in self.mobiles:
                self.mobiles.add(value)
                return value

    def person(self, male: bool | None = None, **born) -> Person:
        male = self.rng.random() < 0.5 if male is None else male
        return Person(self.name(male), self.id_number(male, **born), self.mobile())


# --- the roster -------------------------------------------------------------------------------


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def _adult_on(person: Person) -> dt.date:
    """The day a person turns 22: nobody in the demo bought a flat younger."""
    born = person.id_number[6:14]
    return dt.date(int(born[:4]) + 22, int(born[4:6]), min(int(born[6:8]), 28))


def _area(rng: random.Random, base: str) -> Decimal:
    """Registered areas of one flat type differ a little from floor to floor."""
    jitter = rng.choice((0, 0, 0, 0, 1, -1, 3, -2, 7, -5)) / 100
    return (Decimal(base) + Decimal(str(jitter))).quantize(Decimal("0.01"))


def _row(building, room, area, source, use, kind, owners: list, shares="", valid_from=None) -> dict:
    return {
        "楼栋": building,
        "房号": room,
        "面积": area,
        "面积来源": source,
        "用途": use,
        "业主类型": kind,
        "业主姓名": "、".join(o.name for o in owners),
        "证件号码": "、".join(o.id_number for o in owners),
        "手机号码": "、".join(o.mobile for o in owners if o.mobile),
        "份额": shares,
        "取得日期": valid_from,
    }


def build_demo_roster_rows() -> list[dict]:
    """One dict per exclusive part, keyed by the Chinese headers in :data:`HEADERS`.
    ``面积`` is a Decimal and ``取得日期`` a date; everything else is text."""
    rng = random.Random(SEED)
    people = People(rng)
    developer = Person(DEVELOPER_NAME, DEVELOPER_CREDIT_CODE, "")
    # One generator drawn from in this order (flats, shops, parking): the roster is the same every time.
    rows, single_owners = _flat_rows(rng, people, developer)
    rows += _shop_rows(rng, people)
    rows += _parking_rows(rng, single_owners, developer)
    return rows


_HANDOVER = dt.date(2012, 3, 1)  # first flats delivered


def _flat_rows(rng: random.Random, people: People, developer: Person) -> tuple[list[dict], list[Person]]:
    """The towers' flats (unsold, co-owned, one owner with two, the rest one owner each), and the
    people who own exactly one flat alone."""
    handover = _HANDOVER
    top = FLOORS[-1]
    residential = [
        (b, f"{floor}{pos + 1:02d}", _DUPLEX[b] if floor == top and pos in (0, 3) else _FLAT_TYPES[b][pos])
        for b in BUILDINGS
        for floor in FLOORS
        for pos in range(FLATS_PER_FLOOR)
    ]
    order = list(range(len(residential)))
    rng.shuffle(order)
    developer_idx = set(order[:DEVELOPER_FLATS])
    co_owned_idx = set(order[DEVELOPER_FLATS : DEVELOPER_FLATS + CO_OWNED_FLATS])
    two_flat_idx = order[DEVELOPER_FLATS + CO_OWNED_FLATS : DEVELOPER_FLATS + CO_OWNED_FLATS + 2]
    two_flat_owner = people.person(male=True, born_from=1960, born_to=1975)

    rows: list[dict] = []
    single_owners: list[Person] = []
    for i, (building, room, base) in enumerate(residential):
        area = _area(rng, base)
        if i in developer_idx:
            # Unsold: registered in the developer's name at first registration, some only surveyed.
            source = "实测" if rng.random() < 0.6 else "产权登记"
            rows.append(
                _row(
                    building,
                    room,
                    area,
                    source,
                    "住宅",
                    "建设单位",
                    [developer],
                    valid_from=dt.date(2011, 12, 20),
                )
            )
            continue
        if i in co_owned_idx:
            owners = [
                people.person(male=True, born_from=1950, born_to=1995),
                people.person(male=False, born_from=1950, born_to=1997),
            ]
            shares = "1/2、1/2"
        elif i in two_flat_idx:
            owners, shares = [two_flat_owner], ""
        else:
            owners, shares = [people.person()], ""
            single_owners.append(owners[0])
        roll = rng.random()
        if roll < 0.02:
            # Bought recently: the certificate is not issued yet, the contract area applies.
            source, valid_from = "合同", _date_between(rng, dt.date(2024, 3, 1), dt.date(2025, 6, 30))
        else:
            source = "实测" if roll < 0.10 else "产权登记"
            valid_from = _date_between(rng, max([handover, *map(_adult_on, owners)]), dt.date(2023, 12, 31))
        rows.append(_row(building, room, area, source, "住宅", "个人", owners, shares, valid_from))
    return rows, single_owners


def _shop_rows(rng: random.Random, people: People) -> list[dict]:
    """The ground-floor shops: the organisation owner's five, the others one person each."""
    company = Person(COMPANY_NAME, COMPANY_CREDIT_CODE, "")
    handover = _HANDOVER
    rows: list[dict] = []
    shop_areas = ("156.30", "48.60", "52.15", "97.42", "143.08", "61.27", "58.90", "120.55")
    shops = [(b, f"1{n + 1:02d}") for b, count in SHOPS.items() for n in range(count)]
    for n, (building, room) in enumerate(shops):
        area = Decimal(shop_areas[n])
        if n < ORGANISATION_SHOPS:
            rows.append(
                _row(
                    building,
                    room,
                    area,
                    "产权登记",
                    "商业",
                    "单位",
                    [company],
                    valid_from=dt.date(2012, 8, 15),
                )
            )
        else:
            owner = people.person(born_from=1955, born_to=1985)
            bought = _date_between(rng, max(handover, _adult_on(owner)), dt.date(2020, 12, 31))
            rows.append(_row(building, room, area, "产权登记", "商业", "个人", [owner], valid_from=bought))
    return rows


def _parking_rows(rng: random.Random, single_owners: list[Person], developer: Person) -> list[dict]:
    """The garage: parking spaces of people who also own a flat, and the developer's unsold ones."""
    handover = _HANDOVER
    rows: list[dict] = []
    parking_owners = rng.sample(single_owners, PARKING_SPACES - DEVELOPER_PARKING)
    for n in range(PARKING_SPACES):
        room = f"B1-{n + 1:03d}"
        area = Decimal(rng.choice(("12.50", "12.50", "13.20", "13.75", "14.10")))
        if n >= PARKING_SPACES - DEVELOPER_PARKING:
            rows.append(
                _row(
                    GARAGE,
                    room,
                    area,
                    "实测",
                    "车位",
                    "建设单位",
                    [developer],
                    valid_from=dt.date(2011, 12, 20),
                )
            )
        else:
            owner = parking_owners[n]
            bought = _date_between(rng, max(handover, _adult_on(owner)), dt.date(2023, 12, 31))
            rows.append(_row(GARAGE, room, area, "产权登记", "车位", "个人", [owner], valid_from=bought))
    return rows


def demo_company_staff() -> Person:
    """The person the organisation owner authorises to vote for it (R-ORG-2)."""
    rng = random.Random(SEED + 1)
    return People(rng).person(male=False, born_from=1980, born_to=1992)


# --- owners who use the owner pages ------------------------------------------------------------


@dataclass(frozen=True)
class DemoOwner:
    """A roster owner who has signed in and verified their identity, and the flats (building,
    room) they have bound; an owner with no flats to bind shows the binding step still to do."""

    person: Person
    flats: tuple[tuple[str, str], ...]


def _people_of(row: dict) -> list[Person]:
    names, ids, mobiles = (row[h].split("、") for h in ("业主姓名", "证件号码", "手机号码"))
    return [Person(n, i, m) for n, i, m in zip(names, ids, mobiles, strict=True)]


def demo_owners(rows: list[dict] | None = None) -> list[DemoOwner]:
    """Seven owners of 深圳湾畔花园, taken from the roster in its order: the owner of two flats
    (both bound: the demo's sign-in owner), both co-owners of the first co-owned flat (each bound),
    three owners of one flat each (bound), and one more verified owner who has not bound a flat."""
    rows = rows or build_demo_roster_rows()
    homes = [r for r in rows if r["用途"] == "住宅" and r["业主类型"] == "个人"]
    flats_of: dict[str, list[tuple[str, str]]] = {}
    for r in homes:
        for p in _people_of(r):
            flats_of.setdefault(p.id_number, []).append((r["楼栋"], r["房号"]))
    two = next(p for r in homes for p in _people_of(r) if len(flats_of[p.id_number]) == 2)
    co_owned = next(r for r in homes if "、" in r["证件号码"])
    singles = [
        _people_of(r)[0] for r in homes if "、" not in r["证件号码"] and len(flats_of[r["证件号码"]]) == 1
    ][:4]
    flat = {p.id_number: (r["楼栋"], r["房号"]) for r in homes for p in _people_of(r)}
    return [
        DemoOwner(two, tuple(flats_of[two.id_number])),
        *(DemoOwner(p, (flat[p.id_number],)) for p in _people_of(co_owned)),
        *(DemoOwner(p, (flat[p.id_number],)) for p in singles[:3]),
        DemoOwner(singles[3], ()),
    ]


def expected_totals(rows: list[dict], *, parking_counts: bool = False) -> tuple[int, Decimal, int]:
    """(total owners, total area, counted flats) by R-ROSTER-3, computed from the rows alone:
    the developer's parts together are one owner; otherwise flats with the same set of owners
    are one owner."""
    groups: set = set()
    area = Decimal(0)
    flats = 0
    for row in rows:
        if row["用途"] == "车位" and not parking_counts:
            continue
        if row["业主类型"] == "建设单位":
            groups.add("developer")
        else:
            groups.add(frozenset(row["证件号码"].split("、")))
        area += row["面积"]
        flats += 1
    return len(groups), area, flats


# --- files ------------------------------------------------------------------------------------


def roster_xlsx(rows: list[dict], *, sheet_title: str = "业主名册") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = []
        for header in HEADERS:
            value = row[header]
            if header == "面积":
                value = float(value)
            values.append(None if value == "" else value)
        ws.append(values)
    for r in ws.iter_rows(min_row=2):
        r[2].number_format = "0.00"
        r[7].number_format = "@"  # long ID numbers stay text
        r[8].number_format = "@"
        if r[10].value is not None:
            r[10].number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHIJK", (8, 8, 10, 10, 8, 10, 30, 42, 26, 10, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    return workbook_bytes(wb)


def demo_roster_xlsx() -> bytes:
    return roster_xlsx(build_demo_roster_rows())


def sample_roster_with_errors_csv() -> bytes:
    """Five rows for documentation and browser tests; the import must refuse rows 3, 4 and 5
    (spreadsheet numbering, header = row 1): a negative area, a malformed ID number and a room
    that appears twice."""
    people = People(random.Random(SEED + 2))
    a, b, c, d, e, f = (people.person(male=m) for m in (True, False, True, False, True, False))
    bad_id = c.id_number[:16]  # 16 digits: malformed
    rows = [
        ["1栋", "201", "89.52", "产权登记", "住宅", "个人", a.name, a.id_number, a.mobile, "", "2016-05-20"],
        ["1栋", "202", "-89.52", "产权登记", "住宅", "个人", b.name, b.id_number, b.mobile, "", "2017-09-01"],
        ["1栋", "203", "89.52", "实测", "住宅", "个人", c.name, bad_id, c.mobile, "", "2018-11-12"],
        ["1栋", "201", "128.36", "产权登记", "住宅", "个人", d.name, d.id_number, d.mobile, "", "2019-03-08"],
        [
            "1栋",
            "204",
            "128.36",
            "合同",
            "住宅",
            "个人",
            f"{e.name}、{f.name}",
            f"{e.id_number}、{f.id_number}",
            f"{e.mobile}、{f.mobile}",
            "1/2、1/2",
            "2024-06-30",
        ],
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # with BOM, so Excel opens it as UTF-8


def write_demo_files(directory: Path | str) -> list[Path]:
    """Write demo-roster.xlsx and sample-roster-with-errors.csv into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "demo-roster.xlsx": demo_roster_xlsx(),
        "sample-roster-with-errors.csv": sample_roster_with_errors_csv(),
    }
    written = []
    for name, content in files.items():
        path = directory / name
        path.write_bytes(content)
        written.append(path)
    return written
