"""R-DATA-1: moving a city over. The verified owners and bindings of the city's former platform
are imported with their provenance, all or nothing per estate, idempotently, so that no owner
verifies again (``bindings.importing``, ``bindings.importfile``; docs/import-format.md).

The world: estate a (Shatou) with the small roster (tests/rosterfiles.py): zhang (张三) verified
and bound to 1栋-101, li (李四) bound to 1栋-102, wang (王五, co-owner of 1栋-102) verified and
not bound; 赵六 (person_id(4)) owns 1栋-201 and 2栋-201 and has no account. Estate c (Nanshan)
has the same roster with people of another area code."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from ownervote.audit.models import AuditEvent
from ownervote.bindings import importfile, importing
from ownervote.bindings.errors import Code
from ownervote.bindings.models import Binding
from ownervote.core.errors import Forbidden, InvalidInput
from ownervote.orgs.models import User
from ownervote.verification.models import IMPORTED, Verification, VerifiedIdentity
from tests.owners import import_roster
from tests.rosterfiles import flat_row, mobile, person_id

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
SOURCE = "platform:shenzhen-wechat"
DOCS = Path(__file__).resolve().parents[2] / "docs"
HEADER = [
    "external_ref",
    "estate_id",
    "building",
    "room",
    "owner_name",
    "id_number",
    "mobile",
    "verification_method",
    "verified_on",
    "bound_on",
]


def record(estate, building, room, name, id_number, phone, ref, method="face", on="2024-03-01", bound=""):
    return {
        "external_ref": ref,
        "estate_id": str(estate.pk),
        "building": building,
        "room": room,
        "owner_name": name,
        "id_number": id_number,
        "mobile": phone,
        "verification_method": method,
        "verified_on": on,
        "bound_on": bound,
    }


def as_csv(records: list[dict], *, bom: bool = True) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=HEADER)
    w.writeheader()
    w.writerows(records)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def run(actor, content: bytes, *, name="bindings.csv", dry_run=False, source=SOURCE):
    return importing.bindings_import_file(
        actor=actor, content=content, name=name, source=source, dry_run=dry_run, now=NOW
    )


def make_world(owner_world, staff, estates) -> dict:
    nanshan = [
        flat_row("1栋", "101", "80.00", "钱七", person_id(7, area="440305"), mobile(70)),
        flat_row("1栋", "102", "80.00", "孙八", person_id(8, area="440305"), mobile(80)),
    ]
    flats_c = import_roster(estates["c"], staff["other_convener"], nanshan)
    return {**owner_world, "flats_c": flats_c, "city": staff["city"], "a": estates["a"], "c": estates["c"]}


@pytest.fixture
def world(owner_world, staff, estates):
    return make_world(owner_world, staff, estates)


def zhao(world, room="1栋-201", ref="wx-1001", **kw):
    building, r = room.split("-")
    return record(world["a"], building, r, "赵六", person_id(4), mobile(4), ref, **kw)


def qian(world, ref="wx-2001", **kw):
    return record(world["c"], "1栋", "101", "钱七", person_id(7, area="440305"), mobile(70), ref, **kw)


def test_import_binds_verified_owners_with_provenance_r_data_1(world):
    """赵六 has no account: after the import he has one (his mobile), verified as himself by the
    former platform's method and day, and both his flats bound, marked as imported, without any new
    verification by him; nobody is notified."""
    content = as_csv([zhao(world), zhao(world, "2栋-201", "wx-1002", bound="2024-05-02")])
    summary = run(world["city"], content)
    assert summary.ok and summary.as_dict()["created"] == 2
    assert summary.estates[0].status == "imported" and summary.estates[0].new_accounts == 1
    bindings = Binding.objects.filter(provenance=SOURCE).order_by("external_ref")
    assert [(str(b.flat), b.external_ref) for b in bindings] == [
        ("1栋-201", "wx-1001"),
        ("2栋-201", "wx-1002"),
    ]
    user = bindings[0].user
    assert bindings[1].user == user and user.mobile_masked.startswith("139")
    assert not user.has_usable_password()
    b = bindings[1]
    assert b.imported_at == NOW and b.imported_by == world["city"] and b.status == "active"
    # The former platform's day stays the binding's day (art. 18: standing for electronic voting).
    assert timezone.localtime(b.bound_at).date() == dt.date(2024, 5, 2)
    v = b.verification
    assert (v.method, v.external_method, v.external_verified_on) == (IMPORTED, "face", dt.date(2024, 3, 1))
    assert v.provenance == SOURCE and v.status == Verification.Status.PASSED
    identity = VerifiedIdentity.objects.get(user=user)
    assert identity.method == IMPORTED and identity.name_masked == v.name_masked
    assert not user.notifications.exists() if hasattr(user, "notifications") else True
    event = AuditEvent.objects.get(action="binding.imported")
    assert event.summary["created"] == 2 and event.summary["source"] == SOURCE
    assert event.summary["file_sha256"] == hashlib.sha256(content).hexdigest()


def test_reimport_changes_nothing_r_data_1(world):
    """Idempotent: the same file again creates nothing and says so."""
    content = as_csv([zhao(world), qian(world)])
    run(world["city"], content)
    counts = (Binding.objects.count(), Verification.objects.count(), User.objects.count())
    again = run(world["city"], content)
    assert again.ok and again.as_dict()["created"] == 0 and again.as_dict()["unchanged"] == 2
    assert (Binding.objects.count(), Verification.objects.count(), User.objects.count()) == counts
    assert AuditEvent.objects.filter(action="binding.imported").count() == 4  # an event per estate and run


def test_already_bound_and_already_verified_owners_r_data_1(world):
    """zhang already bound 1栋-101 in OwnerVote: nothing to do. wang is verified but not bound: his
    binding is created on his own account, whose identity stays his own verification."""
    wang_identity = VerifiedIdentity.objects.get(user=world["wang"])
    summary = run(
        world["city"],
        as_csv(
            [
                record(world["a"], "1栋", "101", "张三", person_id(1), mobile(1), "wx-1"),
                record(world["a"], "1栋", "102", "王五", person_id(3), mobile(3), "wx-2", method="bank"),
            ]
        ),
    )
    assert summary.ok and summary.estates[0].already_bound == 1 and summary.estates[0].created == 1
    b = Binding.objects.get(external_ref="wx-2")
    assert b.user == world["wang"]
    assert VerifiedIdentity.objects.get(user=world["wang"]).verification_id == wang_identity.verification_id
    assert Binding.objects.filter(flat__room="101", status="active").count() == 1  # zhang's alone


def test_all_or_nothing_per_estate_every_problem_reported_r_data_1(world):
    """Estate a's file has several bad records: a flat the roster lacks, a person who is not the
    owner, a wrong name, an invalid ID number and mobile and method and date, all reported at once;
    a imports nothing, c (all good) goes in."""
    bad = [
        zhao(world),
        record(world["a"], "9栋", "999", "赵六", person_id(4), mobile(4), "wx-2"),
        record(world["a"], "1栋", "201", "李四", person_id(2), mobile(2), "wx-3"),
        record(world["a"], "2栋", "201", "赵七", person_id(4), mobile(4), "wx-4"),
        record(
            world["a"],
            "1栋",
            "201",
            "赵六",
            "440304198001010000",
            "12345",
            "wx-5",
            method="dna",
            on="2024-13-01",
        ),
    ]
    before = Binding.objects.count()
    summary = run(world["city"], as_csv([*bad, qian(world)]))
    a, c = summary.estates
    assert (a.status, c.status) == ("failed", "imported") and not summary.ok
    codes = {(e.row, e.code) for e in a.errors}
    assert {
        (3, Code.IMPORT_FLAT_UNKNOWN),
        (4, Code.IMPORT_NOT_OWNER),
        (5, Code.IMPORT_NAME_MISMATCH),
        (6, Code.IMPORT_ID_INVALID),
        (6, Code.IMPORT_MOBILE_INVALID),
        (6, Code.IMPORT_METHOD),
        (6, Code.IMPORT_DATE),
    } <= codes
    assert Binding.objects.count() == before + 1
    assert not Binding.objects.filter(estate=world["a"], provenance=SOURCE).exists()
    assert (
        not User.objects.filter(
            mobile_hash=Binding.objects.get(external_ref="wx-2001").user.mobile_hash
        ).count()
        > 1
    )
    # The messages are for people, in Chinese.
    assert "名册" in str(next(e for e in a.errors if e.code == Code.IMPORT_FLAT_UNKNOWN).message)


def test_dry_run_writes_nothing_r_data_1(world):
    before = (Binding.objects.count(), User.objects.count(), AuditEvent.objects.count())
    summary = run(world["city"], as_csv([zhao(world), qian(world)]), dry_run=True)
    assert summary.ok and [e.status for e in summary.estates] == ["would_import", "would_import"]
    assert (Binding.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


def test_conflicts_with_what_ownervote_holds_r_data_1(world):
    """A reference imported before for another flat, a mobile whose account is verified as
    somebody else, one mobile for two people, one reference twice: each refused with its reason."""
    run(world["city"], as_csv([zhao(world)]))
    summary = run(
        world["city"],
        as_csv(
            [
                zhao(world, "2栋-201", "wx-1001"),  # wx-1001 was 1栋-201
                qian(world, "wx-9") | {"mobile": mobile(1)},  # zhang's mobile, zhang's account
            ]
        ),
    )
    codes = {e.code for estate in summary.estates for e in estate.errors}
    assert {Code.IMPORT_REF_CHANGED, Code.IMPORT_OTHER_PERSON} <= codes
    family = run(
        world["city"],
        as_csv(
            [
                qian(world, "f-1"),
                record(world["c"], "1栋", "102", "孙八", person_id(8, area="440305"), mobile(70), "f-1"),
            ]
        ),
    )
    codes = {e.code for e in family.estates[0].errors}
    assert {Code.IMPORT_MOBILE_SHARED, Code.IMPORT_DUPLICATE} <= codes
    assert not Binding.objects.filter(estate=world["c"]).exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", Code.IMPORT_FILE),
        (b"\xff\xfe\x00garbage", Code.IMPORT_FILE),
        ("楼栋,房号\n1栋,101\n".encode(), Code.IMPORT_FILE),
        (b'{"records": 5}', Code.IMPORT_FILE),
        (b"[1, 2", Code.IMPORT_FILE),
    ],
)
def test_malformed_file_is_refused_whole_r_data_1(world, content, code):
    before = Binding.objects.count()
    name = "x.json" if content.startswith((b"{", b"[")) else "x.csv"
    with pytest.raises(InvalidInput) as exc:
        run(world["city"], content, name=name)
    assert exc.value.code == code
    assert Binding.objects.count() == before


def test_missing_columns_are_named_r_data_1(world):
    with pytest.raises(InvalidInput) as exc:
        run(world["city"], "external_ref,楼栋,房号,业主姓名\n".encode())
    fields = {d["field"] for d in exc.value.details}
    assert {"id_number", "mobile", "verification_method", "verified_on"} <= fields


def test_encodings_and_json_shapes_r_data_1(world):
    """UTF-8 with or without BOM, CSV headers in Chinese, JSON as a list or an object with
    records (and its own source)."""
    zh = "原平台编号,小区编号,楼栋,房号,业主姓名,证件号码,手机号码,核验方式,核验日期\n"
    zh += f"wx-1,{world['a'].pk},1栋,201,赵六,{person_id(4)},{mobile(4)},onsite,2023/12/31\n"
    assert run(world["city"], zh.encode("utf-8")).as_dict()["created"] == 1
    assert run(world["city"], as_csv([zhao(world, "2栋-201", "wx-2")], bom=False)).as_dict()["created"] == 1
    listed = json.dumps([qian(world)], ensure_ascii=False).encode("utf-8-sig")
    assert run(world["city"], listed, name="x.json").as_dict()["created"] == 1
    obj = json.dumps({"source": "platform:other", "records": [qian(world, "o-1")]}).encode()
    summary = run(world["city"], obj, name="upload", source="")
    assert summary.source == "platform:other" and summary.as_dict()["unchanged"] == 0
    # The same flat and person from another platform: already bound by the same account.
    assert summary.estates[0].already_bound == 1


def test_by_street_code_and_estate_name_r_data_1(world):
    rec = zhao(world)
    rec["estate_id"] = ""
    content = "external_ref,street_code,estate_name,building,room,owner_name,id_number,mobile,"
    content += "verification_method,verified_on\n"
    content += f"wx-1,440304005,碧海花园,1栋,201,赵六,{person_id(4)},{mobile(4)},sms,2024-01-01\n"
    content += f"wx-2,440305007,碧海花园,1栋,201,赵六,{person_id(4)},{mobile(4)},sms,2024-01-01\n"
    summary = run(world["city"], content.encode())
    ok, unknown = summary.estates
    assert ok.status == "imported" and ok.estate_id == world["a"].pk
    assert unknown.status == "failed" and unknown.errors[0].code == Code.IMPORT_ESTATE_UNKNOWN


@pytest.mark.parametrize("role", ["district", "street", "community", "convener", "other_street"])
def test_only_the_city_bureau_imports_r_data_1(world, staff, role):
    """A migration is the city's decision: district bureaus, street offices and conveners are
    refused, and nothing changes."""
    before = Binding.objects.count()
    with pytest.raises(Forbidden) as exc:
        run(staff[role], as_csv([zhao(world)]))
    assert exc.value.code == Code.IMPORT_FORBIDDEN
    with pytest.raises(Forbidden):
        run(world["zhang"], as_csv([zhao(world)]))
    assert Binding.objects.count() == before


def test_estates_of_another_city_are_unknown_r_data_1(world, make_staff):
    from ownervote.orgs.models import Division

    other = Division.objects.create(kind="city", code="4401", name="广州市")
    guangzhou = make_staff("city_operator", division=other)
    summary = run(guangzhou, as_csv([zhao(world)]))
    assert summary.estates[0].status == "failed"
    assert summary.estates[0].errors[0].code == Code.IMPORT_ESTATE_UNKNOWN


def test_source_must_be_named_r_data_1(world):
    with pytest.raises(InvalidInput) as exc:
        run(world["city"], as_csv([zhao(world)]), source="Shenzhen WeChat!")
    assert exc.value.code == Code.IMPORT_SOURCE


@pytest.mark.parametrize("name", ["bindings.csv", "bindings.json"])
def test_documented_examples_import_r_data_1(world, name):
    """docs/examples/bindings.csv and .json: the documented format, imported as it stands into the
    test world (estate 碧海花园 in street 440304005, whose roster has 赵六's two flats)."""
    source = "" if name.endswith(".json") else SOURCE  # the JSON object names its source
    summary = run(world["city"], (DOCS / "examples" / name).read_bytes(), name=name, source=source)
    assert summary.ok, summary.as_dict()
    assert summary.as_dict()["created"] == 2


# --- the dates the former platform recorded (hypothesis) ------------------------------------------

TODAY = dt.date(2026, 11, 20)


def _raw(verified: dt.date, bound: dt.date | None = None) -> dict:
    return {
        "external_ref": "r",
        "estate_id": "1",
        "building": "1栋",
        "room": "101",
        "owner_name": "赵六",
        "id_number": person_id(4),
        "mobile": mobile(4),
        "verification_method": "face",
        "verified_on": verified.isoformat(),
        "bound_on": bound.isoformat() if bound else "",
    }


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_verified_on_is_accepted_exactly_between_2000_and_today_r_data_1(day):
    parsed = importfile.clean(2, _raw(day), today=TODAY)
    assert (parsed.record is not None) == (dt.date(2000, 1, 1) <= day <= TODAY)
    if parsed.record is not None:
        assert parsed.record.verified_on == day == parsed.record.bound_on  # bound_on defaults to it


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=TODAY),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=TODAY),
)
def test_bound_on_never_before_verified_on_r_data_1(verified, bound):
    parsed = importfile.clean(2, _raw(verified, bound), today=TODAY)
    assert (parsed.record is not None) == (bound >= verified)
    if parsed.record is None:
        assert [e.code for e in parsed.errors] == [Code.IMPORT_DATE]
