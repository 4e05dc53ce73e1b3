"""R-ROSTER-4 (import with row-numbered refusals, all-or-nothing), R-ROSTER-2 (history),
R-ROSTER-1 (the convener confirms the roster)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.core.files import Upload
from ownervote.roster import services
from ownervote.roster.models import Estate, Flat, ImportBatch, Owner, Ownership, RosterChange
from ownervote.roster.signals import roster_changed
from tests.pdfs import minimal_pdf
from tests.rosterfiles import credit_code, flat_row, mobile, person_id, roster_csv, roster_xlsx


def _counts():
    return (
        Flat.objects.count(),
        Owner.objects.count(),
        Ownership.objects.count(),
        RosterChange.objects.count(),
    )


def _import(actor, estate, upload, reason="首次导入业主名册"):
    batch = services.import_preview(actor=actor, estate_id=estate.pk, upload=upload)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    return services.import_apply(actor=actor, batch_id=batch.pk, reason=reason)


@pytest.mark.parametrize("make", [roster_csv, roster_xlsx], ids=["csv", "xlsx"])
def test_a_good_file_imports_whole(staff, estates, small_roster, make):  # R-ROSTER-4, R-ROSTER-1
    change = _import(staff["convener"], estates["a"], make(small_roster))
    assert Flat.objects.filter(estate=estates["a"]).count() == 7
    flat = Flat.objects.get(building__name="1栋", room="102")
    assert flat.area == Decimal("120.00") and flat.area_source == "register"
    assert sorted(o.share for o in flat.ownerships.all()) == ["1/2", "1/2"]
    assert change.summary["flats_added"] == 7
    assert change.submitter_real_name == staff["convener"].real_name  # R-ROSTER-2: under the real name
    assert change.files.count() == 1  # the roster file itself is kept as the supporting file


BAD_ROWS = [
    # (label, bad row, expected code, column)
    (
        "negative area",
        flat_row("1栋", "901", "-5", "钱七", person_id(50), mobile(50)),
        "roster.area_not_positive",
        "面积",
    ),
    (
        "area not a number",
        flat_row("1栋", "902", "八十", "钱七", person_id(51), mobile(51)),
        "roster.area_invalid",
        "面积",
    ),
    (
        "three decimals",
        flat_row("1栋", "903", "80.125", "钱七", person_id(52), mobile(52)),
        "roster.area_precision",
        "面积",
    ),
    (
        "malformed ID number",
        flat_row("1栋", "904", "80", "钱七", "44030419800101001X", mobile(53)),
        "roster.id_number_invalid",
        "证件号码",
    ),
    (
        "bad credit code",
        flat_row("1栋", "905", "80", "某公司", "91440300MA5000001Z", kind="单位"),
        "roster.credit_code_invalid",
        "证件号码",
    ),
    (
        "bad mobile",
        flat_row("1栋", "906", "80", "钱七", person_id(54), "12345"),
        "roster.mobile_invalid",
        "手机号码",
    ),
    ("missing owner name", flat_row("1栋", "907", "80", "", person_id(58)), "roster.required", "业主姓名"),
    (
        "names and IDs differ",
        flat_row("1栋", "908", "80", "甲、乙", person_id(55)),
        "roster.owner_count_mismatch",
        "证件号码",
    ),
    (
        "unknown use",
        flat_row("1栋", "909", "80", "钱七", person_id(56), use="仓库"),
        "roster.use_invalid",
        "用途",
    ),
    (
        "duplicate room",
        flat_row("1栋", "101", "70", "孙八", person_id(57), mobile(57)),
        "roster.duplicate_room",
        "房号",
    ),
]


@pytest.mark.parametrize(("label", "bad", "code", "column"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_a_bad_row_refuses_the_whole_file_with_its_row_number(
    staff, estates, small_roster, label, bad, code, column
):
    # R-ROSTER-4: the bad row is the 8th data row -> spreadsheet row 9 (header is row 1)
    before = _counts()
    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv([*small_roster, bad])
    )
    assert batch.status == ImportBatch.Status.REFUSED
    assert [(e["row"], e["code"], e["column"]) for e in batch.errors] == [(9, code, column)]
    assert batch.errors[0]["message"]  # a sentence for the convener, in Chinese by default
    with pytest.raises(Conflict) as exc:
        services.import_apply(actor=staff["convener"], batch_id=batch.pk, reason="试图导入")
    assert exc.value.code == "import.not_previewed"
    assert _counts() == before  # nothing half-imported


def test_error_messages_are_in_chinese_and_name_the_first_row(staff, estates, small_roster):  # R-ROSTER-4
    dup = flat_row("1栋", "101", "70", "孙八", person_id(57), mobile(57))
    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv([*small_roster, dup])
    )
    assert batch.errors[0]["message"] == "房号 1栋-101 重复（首次出现在第 2 行）。"


def test_error_messages_follow_the_language(staff, estates, small_roster):  # R-ROSTER-4
    from django.utils import translation

    dup = flat_row("1栋", "101", "70", "孙八", person_id(57), mobile(57))
    with translation.override("en"):
        batch = services.import_preview(
            actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv([*small_roster, dup])
        )
    assert batch.errors[0]["message"] == "Room 1栋-101 appears again (first in row 2)."


def test_every_bad_row_is_reported_not_only_the_first(staff, estates, small_roster):  # R-ROSTER-4
    rows = [*small_roster] + [b[1] for b in BAD_ROWS]
    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv(rows)
    )
    assert [e["row"] for e in batch.errors] == list(range(9, 9 + len(BAD_ROWS)))


def test_a_file_that_is_not_a_roster_is_refused_clearly(staff, estates):  # R-ROSTER-4
    for upload, code in [
        (Upload("roster.pdf", b"%PDF-1.4"), "roster.file_type"),
        (Upload("roster.xlsx", b"not a zip"), "roster.file_unreadable"),
        (roster_csv([], header=["房号", "面积"]), "roster.columns_missing"),
        (roster_csv([]), "roster.file_empty"),
    ]:
        batch = services.import_preview(actor=staff["convener"], estate_id=estates["a"].pk, upload=upload)
        assert batch.status == ImportBatch.Status.REFUSED
        assert batch.errors[0]["code"] == code
    assert Flat.objects.count() == 0


def test_gb18030_csv_from_old_excel_is_read(staff, estates):  # R-ROSTER-4
    text = "楼栋,房号,面积,业主姓名,证件号码\n1栋,101,88.8,张三," + person_id(9) + "\n"
    upload = Upload("roster.csv", text.encode("gb18030"), "text/csv")
    _import(staff["convener"], estates["a"], upload)
    assert Flat.objects.get().area == Decimal("88.80")


def test_reimport_changes_only_what_changed_and_keeps_history(staff, estates, small_roster):  # R-ROSTER-2
    _import(staff["convener"], estates["a"], roster_csv(small_roster))
    old = Ownership.objects.get(flat__room="101", flat__building__name="1栋")
    changed = [list(r) for r in small_roster]
    changed[0][6:9] = ["周九", person_id(60), mobile(60)]  # 1栋-101 sold to 周九
    changed[2][2] = "96.00"  # 1栋-201 area corrected
    del changed[-1]  # the parking space leaves the roster
    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv(changed)
    )
    assert {
        k: batch.diff[k]
        for k in ("flats_added", "flats_changed", "owners_changed", "flats_removed", "unchanged")
    } == {"flats_added": 0, "flats_changed": 1, "owners_changed": 1, "flats_removed": 1, "unchanged": 4}
    assert batch.diff["guard"]["level"] == "confirm" and batch.diff["guard"]["affected"] == 3
    services.import_apply(
        actor=staff["convener"], batch_id=batch.pk, reason="二手房过户，面积更正", confirm="3"
    )
    old.refresh_from_db()
    assert old.ended_at is not None and old.end_reason  # the old ownership is kept, ended, with its reason
    assert Ownership.objects.get(flat=old.flat, ended_at__isnull=True).owner.name_masked == "周*"
    assert Flat.objects.get(building__name="1栋", room="201").area == Decimal("96.00")
    assert Flat.objects.filter(room="P001", removed_at__isnull=False).exists()
    assert RosterChange.objects.filter(estate=estates["a"], kind="import").count() == 2


def test_a_stale_preview_is_not_applied(staff, estates, small_roster):  # R-ROSTER-4
    first = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv(small_roster)
    )
    second = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv(small_roster[:2])
    )
    services.import_apply(actor=staff["convener"], batch_id=first.pk, reason="导入")
    before = _counts()
    with pytest.raises(Conflict) as exc:
        services.import_apply(actor=staff["convener"], batch_id=second.pk, reason="导入")
    assert exc.value.code == "import.stale"
    assert _counts() == before


def test_apply_needs_a_reason(staff, estates, small_roster):  # R-ROSTER-2
    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv(small_roster)
    )
    with pytest.raises(InvalidInput):
        services.import_apply(actor=staff["convener"], batch_id=batch.pk, reason="  ")
    assert Flat.objects.count() == 0


def test_supporting_files_are_kept_encrypted_with_the_change(staff, estates, small_roster):  # R-ROSTER-2
    from ownervote.core.files import read

    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv(small_roster)
    )
    proof = Upload("产权证明.pdf", minimal_pdf("proof"), "application/pdf")
    change = services.import_apply(actor=staff["convener"], batch_id=batch.pk, reason="导入", files=[proof])
    stored = change.files.get(name="产权证明.pdf")
    assert bytes(stored.data_enc) != proof.content and read(stored) == proof.content


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"MZ\x90\x00 a program", "roster.evidence_type"), (minimal_pdf("cut")[:-60], "file.not_pdf")],
    ids=["not-a-document", "pdf-cut-short"],
)
def test_a_supporting_file_that_is_no_photo_or_whole_pdf_changes_nothing(
    staff, estates, small_roster, content, code
):  # R-ROSTER-2: the proof behind a change must open
    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv(small_roster)
    )
    proof = Upload("产权证明.pdf", content, "application/pdf")
    with pytest.raises(InvalidInput) as refused:
        services.import_apply(actor=staff["convener"], batch_id=batch.pk, reason="导入", files=[proof])
    assert refused.value.code == code
    assert Flat.objects.count() == 0


def test_only_the_estates_convener_may_import(staff, estates, small_roster):  # R-ROSTER-1, R-ORG-1
    upload = roster_csv(small_roster)
    with pytest.raises(Forbidden):  # the street office sees the estate but does not keep its roster
        services.import_preview(actor=staff["street"], estate_id=estates["a"].pk, upload=upload)
    for who in ("other_convener", "other_street", "pending"):
        with pytest.raises(NotFound):
            services.import_preview(actor=staff[who], estate_id=estates["a"].pk, upload=upload)
    assert ImportBatch.objects.count() == 0


def test_import_writes_audit_events(staff, estates, small_roster):  # R-SEC-2
    _import(staff["convener"], estates["a"], roster_csv(small_roster))
    actions = list(AuditEvent.objects.filter(estate_id=estates["a"].pk).values_list("action", flat=True))
    assert actions == ["roster.import_previewed", "roster.import_applied"]


def test_personal_data_is_not_stored_in_plaintext(staff, estates, small_roster):  # R-SEC-1
    from django.db import connection

    _import(staff["convener"], estates["a"], roster_csv(small_roster))
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM roster_owner")
        dump = repr(cur.fetchall())
    for secret in (person_id(1), mobile(1), "张三", credit_code(1)):
        assert secret not in dump
    owner = Owner.objects.get(id_number_masked=person_id(1)[:4] + "**********" + person_id(1)[-4:])
    assert owner.name_masked == "张*" and owner.mobile_masked == "139****0001"


def test_an_applied_import_tells_the_apps_above_in_its_transaction(staff, estates, small_roster):  # R-BIND-2
    heard = []

    def listener(sender, *, estate, actor, note, **kwargs):
        heard.append((sender, estate.pk, actor.pk, note))

    def failing(sender, **kwargs):
        raise RuntimeError("a receiver failed")

    convener = staff["convener"]
    batch = services.import_preview(
        actor=convener, estate_id=estates["a"].pk, upload=roster_csv(small_roster)
    )
    roster_changed.connect(failing)
    try:  # a receiver's failure undoes the import: it runs in the import's transaction
        with pytest.raises(RuntimeError):
            services.import_apply(actor=convener, batch_id=batch.pk, reason="首次导入业主名册")
    finally:
        roster_changed.disconnect(failing)
    assert not Flat.objects.filter(estate=estates["a"]).exists()
    roster_changed.connect(listener)
    try:
        services.import_apply(actor=convener, batch_id=batch.pk, reason="首次导入业主名册")
    finally:
        roster_changed.disconnect(listener)
    assert heard == [(Estate, estates["a"].pk, convener.pk, "首次导入业主名册")]


def test_a_file_with_more_problems_than_are_listed_is_refused_not_crashed(staff, estates):  # R-ROSTER-4
    """Only the first 500 problems are listed; a row after them that is wrong in a way the parser
    reads further (two names, one ID number) must still be refused, not parsed as if it were good
    (that raised IndexError: a 500 on a large bad file)."""
    from ownervote.roster.importing import MAX_ERRORS

    bad_areas = [
        flat_row("1栋", f"{1000 + i}", "-1", "孙八", person_id(i), mobile(i)) for i in range(MAX_ERRORS)
    ]
    mismatched = flat_row("2栋", "101", "88", "甲、乙", person_id(900), mobile(900))
    before = _counts()
    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv([*bad_areas, mismatched])
    )
    assert batch.status == ImportBatch.Status.REFUSED
    listed = [e for e in batch.errors if e["row"]]
    assert len(listed) == MAX_ERRORS and batch.errors[-1]["row"] == 0  # and a note that more were found
    assert _counts() == before


def test_apply_writes_the_rows_the_preview_checked_without_reading_the_file_again(
    staff, estates, small_roster, monkeypatch
):  # R-ROSTER-4
    """Issue 21: apply takes the preview's checked rows, kept sealed with the batch (they hold ID
    numbers and mobiles: never in plaintext), and lets them go once applied."""
    from django.db import connection

    from ownervote.roster import importing

    convener = staff["convener"]
    batch = services.import_preview(
        actor=convener, estate_id=estates["a"].pk, upload=roster_csv(small_roster)
    )
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert stored.rows_sealed
    with connection.cursor() as cur:
        cur.execute("SELECT rows_sealed FROM roster_importbatch WHERE id = %s", [batch.pk])
        raw = bytes(cur.fetchone()[0])
    assert person_id(1).encode() not in raw and mobile(1).encode() not in raw

    def no_parse(*args, **kwargs):
        raise AssertionError("apply read the file again")

    monkeypatch.setattr(importing, "parse", no_parse)
    services.import_apply(actor=convener, batch_id=batch.pk, reason="首次导入业主名册")
    assert Flat.objects.filter(estate=estates["a"]).count() == 7
    flat = Flat.objects.get(building__name="1栋", room="102")
    assert sorted(o.share for o in flat.ownerships.all()) == ["1/2", "1/2"]
    assert ImportBatch.objects.get(pk=batch.pk).rows_sealed in (b"", memoryview(b""))
