"""The convener's roster pages in the staff console, driven through the test client."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ownervote.audit.models import AuditEvent
from ownervote.core.files import Upload
from ownervote.roster import services
from ownervote.roster.models import Estate, Flat, ImportBatch, Owner, RosterChange, TotalsSnapshot
from tests.pdfs import minimal_pdf
from tests.rosterfiles import credit_code, flat_row, mobile, person_id, roster_csv

pytestmark = pytest.mark.django_db

PASSWORD = "Pw-for-tests-1"


def url(name: str, *args) -> str:
    return reverse(f"roster:{name}", args=args)


def upload_file(up: Upload) -> SimpleUploadedFile:
    return SimpleUploadedFile(up.name, up.content, up.content_type)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def estate(estates):
    return estates["a"]


@pytest.fixture
def loaded(staff, estate, small_roster):
    """Estate a with the small roster applied through the services."""
    batch = services.import_preview(
        actor=staff["convener"], estate_id=estate.pk, upload=roster_csv(small_roster)
    )
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    services.import_apply(actor=staff["convener"], batch_id=batch.pk, reason="初次导入")
    return estate


@pytest.fixture
def as_convener(client, staff):
    client.force_login(staff["convener"])
    return client


def owner_by_name(estate: Estate, name: str) -> Owner:
    from ownervote.core import pii

    return Owner.objects.get(estate=estate, name_hash=pii.lookup("name", name))


# --- every page renders, in Chinese ------------------------------------------------------------


def page_urls(estate, flat):
    return [
        (url("estate_list"), "小区"),
        (url("estate_detail", estate.pk), "专有部分"),
        (url("import", estate.pk), "下载模板"),
        (url("export", estate.pk), "导出"),
        (url("totals", estate.pk), "一个专有部分按一人计算"),
        (url("changes", estate.pk), "修改原因"),
        (url("settings", estate.pk), "车位"),
        (url("flat_edit", estate.pk, flat.pk), "面积来源"),
    ]


def test_every_page_renders_for_the_convener_in_chinese(as_convener, loaded):
    flat = Flat.objects.filter(estate=loaded).first()
    for address, chinese in page_urls(loaded, flat):
        response = as_convener.get(address)
        assert response.status_code == 200, address
        assert chinese in text(response), address
        assert "<html" in text(response)


def test_login_is_required(client, estate):
    response = client.get(url("estate_detail", estate.pk))
    assert response.status_code == 302
    assert reverse("console:login") in response["Location"]


def test_estate_list_shows_counts_and_confirmed_totals(as_convener, staff, loaded):
    services.totals_confirm(actor=staff["convener"], estate_id=loaded.pk, reason="首次确认")
    snap = TotalsSnapshot.objects.get(estate=loaded)
    body = text(as_convener.get(url("estate_list")))
    assert loaded.name in body
    assert "沙头街道" in body and "沙嘴社区" in body
    assert f">{snap.total_owners}<" in body
    assert str(snap.total_area) in body
    assert "金地花园" not in body  # the convener sees only its own estate
    assert "登记小区" not in body  # and cannot register one


def test_street_office_registers_an_estate_in_its_street(client, staff, geo):
    client.force_login(staff["street"])
    assert "登记小区" in text(client.get(url("estate_list")))
    response = client.post(
        url("estate_create"), {"name": "红树湾", "street": geo["shatou"].pk, "community": geo["shazui"].pk}
    )
    created = Estate.objects.get(name="红树湾")
    assert response.status_code == 302
    assert response["Location"] == url("estate_detail", created.pk)
    assert created.street == geo["shatou"] and created.community == geo["shazui"]
    # Another street is not among the choices.
    response = client.post(url("estate_create"), {"name": "科技园小区", "street": geo["yuehai"].pk})
    assert response.status_code == 422
    assert not Estate.objects.filter(name="科技园小区").exists()


def test_convener_cannot_register_an_estate(as_convener, geo):
    response = as_convener.post(url("estate_create"), {"name": "红树湾", "street": geo["shatou"].pk})
    assert response.status_code == 403
    assert not Estate.objects.filter(name="红树湾").exists()


# --- scoping -----------------------------------------------------------------------------------


def test_street_office_sees_the_roster_but_cannot_change_it(client, staff, loaded):
    """R-ROSTER-1, R-ROSTER-2: only the estate's approved convener keeps the roster; the street
    office supervises it."""
    client.force_login(staff["street"])
    for name in ("estate_detail", "totals", "changes", "export"):
        response = client.get(url(name, loaded.pk))
        assert response.status_code == 200, name
    detail = text(client.get(url("estate_detail", loaded.pk)))
    assert "1栋" in detail and "查看完整信息" not in detail
    assert client.get(url("import", loaded.pk)).status_code == 403
    assert client.get(url("settings", loaded.pk)).status_code == 403
    up = roster_csv([flat_row("9栋", "101", "80", "钱七", person_id(9), mobile(9))])
    assert client.post(url("import", loaded.pk), {"file": upload_file(up)}).status_code == 403

    batch = services.import_preview(
        actor=staff["convener"],
        estate_id=loaded.pk,
        upload=roster_csv([flat_row("9栋", "101", "80", "钱七", person_id(9), mobile(9))]),
    )
    response = client.post(url("import_apply", loaded.pk, batch.pk), {"reason": "街道代办"})
    assert response.status_code == 403
    assert client.post(url("import_discard", loaded.pk, batch.pk)).status_code == 403
    assert client.post(url("totals", loaded.pk), {"reason": "街道确认"}).status_code == 403
    flat = Flat.objects.filter(estate=loaded).first()
    assert client.post(url("flat_edit", loaded.pk, flat.pk), {"reason": "x", "area": "1"}).status_code == 403
    assert not Flat.objects.filter(estate=loaded, building__name="9栋").exists()
    assert not TotalsSnapshot.objects.filter(estate=loaded).exists()
    assert RosterChange.objects.filter(estate=loaded).count() == 1


def test_another_streets_staff_get_404_everywhere(client, staff, loaded):
    client.force_login(staff["other_street"])
    flat = Flat.objects.filter(estate=loaded).first()
    owner = Owner.objects.filter(estate=loaded).first()
    batch = ImportBatch.objects.get(estate=loaded)
    change = RosterChange.objects.get(estate=loaded)
    stored = change.files.first()
    gets = [address for address, _ in page_urls(loaded, flat)[1:]]
    gets += [url("import_preview", loaded.pk, batch.pk), url("change_file", loaded.pk, change.pk, stored.pk)]
    for address in gets:
        assert client.get(address).status_code == 404, address
    posts = [
        url("owner_reveal", loaded.pk, owner.pk),
        url("import_apply", loaded.pk, batch.pk),
        url("totals", loaded.pk),
        url("export", loaded.pk),
    ]
    for address in posts:
        assert client.post(address, {"reason": "x"}).status_code == 404, address
    assert loaded.name not in text(client.get(url("estate_list")))
    assert not AuditEvent.objects.filter(action__in=["pii.read", "file.read"]).exists()


# --- the import wizard -------------------------------------------------------------------------


def test_a_bad_row_is_reported_with_its_row_number_and_nothing_is_imported(as_convener, estate):
    """R-ROSTER-4: a bad row is reported with its row number and reason; nothing is half-imported."""
    rows = [
        flat_row("1栋", "101", "89.50", "张三", person_id(1), mobile(1)),
        flat_row("1栋", "102", "-5", "李四", person_id(2), mobile(2)),
        flat_row("1栋", "103", "70", "王五", person_id(3), mobile(3)),
    ]
    response = as_convener.post(url("import", estate.pk), {"file": upload_file(roster_csv(rows))})
    batch = ImportBatch.objects.get(estate=estate)
    assert response.status_code == 302
    assert response["Location"] == url("import_preview", estate.pk, batch.pk)

    page = as_convener.get(response["Location"])
    body = text(page)
    assert batch.status == ImportBatch.Status.REFUSED
    assert "行号" in body and "问题" in body
    assert '<td class="rs-num">3</td>' in body  # the spreadsheet row of the bad flat (header = row 1)
    assert "面积" in body and "-5" in body
    assert "重新上传" in body
    assert "应用到名册" not in body  # no apply form for a refused file
    assert not Flat.objects.filter(estate=estate).exists()
    assert not Owner.objects.filter(estate=estate).exists()
    assert not RosterChange.objects.filter(estate=estate).exists()
    # Applying the refused batch anyway is refused too.
    response = as_convener.post(url("import_apply", estate.pk, batch.pk), {"reason": "强行导入"})
    assert response.status_code == 422
    assert not Flat.objects.filter(estate=estate).exists()


def test_errors_are_sorted_by_row(as_convener, estate):
    rows = [
        flat_row("1栋", "101", "abc", "张三", person_id(1), mobile(1)),
        flat_row("1栋", "102", "80", "李四", "123", mobile(2)),
        flat_row("1栋", "103", "80", "王五", person_id(3), "123"),
    ]
    response = as_convener.post(
        url("import", estate.pk), {"file": upload_file(roster_csv(rows))}, follow=True
    )
    body = text(response)
    first, second, third = (body.index(f'<td class="rs-num">{n}</td>') for n in (2, 3, 4))
    assert first < second < third


def test_a_file_of_another_type_is_refused_on_the_form(as_convener, estate):
    response = as_convener.post(
        url("import", estate.pk), {"file": SimpleUploadedFile("roster.pdf", b"%PDF-1.4", "application/pdf")}
    )
    assert response.status_code == 422
    assert ".xlsx" in text(response)
    assert not ImportBatch.objects.exists()


def test_full_wizard_upload_preview_apply(as_convener, staff, estate, small_roster):
    """R-ROSTER-4 import from CSV through the wizard; R-ROSTER-2 the change is kept under the
    submitter's real name with its reason and supporting files."""
    step1 = as_convener.get(url("import", estate.pk))
    assert url("import_template") in text(step1)
    response = as_convener.post(url("import", estate.pk), {"file": upload_file(roster_csv(small_roster))})
    batch = ImportBatch.objects.get(estate=estate)
    assert batch.status == ImportBatch.Status.PREVIEWED

    preview = text(as_convener.get(response["Location"]))
    assert "新增专有部分" in preview and f">{len(small_roster)}<" in preview
    assert "修改原因" in preview
    assert not Flat.objects.filter(estate=estate).exists()  # a preview writes nothing

    # The reason is required.
    response = as_convener.post(url("import_apply", estate.pk, batch.pk), {"reason": ""})
    assert response.status_code == 422
    assert not Flat.objects.filter(estate=estate).exists()

    minutes = SimpleUploadedFile("业主委员会会议纪要.pdf", minimal_pdf("minutes"), "application/pdf")
    response = as_convener.post(
        url("import_apply", estate.pk, batch.pk), {"reason": "根据不动产登记资料初次导入", "files": [minutes]}
    )
    assert response.status_code == 302
    assert response["Location"] == url("changes", estate.pk)
    assert Flat.objects.filter(estate=estate).count() == len(small_roster)

    history = as_convener.get(response["Location"])
    body = text(history)
    change = RosterChange.objects.get(estate=estate)
    assert staff["convener"].real_name in body
    assert "根据不动产登记资料初次导入" in body
    assert "名册导入" in body
    assert "业主委员会会议纪要.pdf" in body
    assert "导入成功" in body  # the success message
    assert change.submitter_real_name == staff["convener"].real_name
    assert change.files.count() == 2  # the roster file itself and the minutes


def test_discarding_a_preview(as_convener, estate, small_roster):
    as_convener.post(url("import", estate.pk), {"file": upload_file(roster_csv(small_roster))})
    batch = ImportBatch.objects.get(estate=estate)
    response = as_convener.post(url("import_discard", estate.pk, batch.pk))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    assert not Flat.objects.filter(estate=estate).exists()
    # The closed batch can no longer be applied.
    response = as_convener.post(url("import_apply", estate.pk, batch.pk), {"reason": "再试"})
    assert response.status_code == 422
    assert not Flat.objects.filter(estate=estate).exists()


def test_template_download_is_an_xlsx_with_the_header(as_convener):
    response = as_convener.get(url("import_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]][:3] == ["楼栋", "房号", "面积"]


# --- the roster page, search and reveal --------------------------------------------------------


def test_roster_shows_masked_owners_and_parking_setting(as_convener, loaded):
    """R-SEC-1 owners are masked on the roster page; R-ROSTER-5 the parking setting is shown."""
    body = text(as_convener.get(url("estate_detail", loaded.pk)))
    assert "张*" in body and "张三" not in body
    assert person_id(1) not in body and mobile(1) not in body
    assert "车位不计入" in body
    assert "查看完整信息" in body
    assert "产权登记" in body and "车位" in body


def test_search_works_without_javascript(as_convener, loaded):
    body = text(as_convener.get(url("estate_detail", loaded.pk), {"q": "赵六"}))
    assert "<html" in body
    assert "95.25" in body and "60.00" in body
    assert "89.50" not in body


def test_htmx_search_returns_only_the_table_fragment(as_convener, loaded):
    response = as_convener.get(url("estate_detail", loaded.pk), {"q": person_id(1)}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body and '<form method="get"' not in body
    assert body.lstrip().startswith('<div id="rs-flats"')
    assert "89.50" in body and "12.50" in body  # 张三's flat and parking space
    assert "120.00" not in body
    assert "HX-Request" in response["Vary"]


def test_revealing_an_owner_is_logged(as_convener, staff, loaded):
    """R-SEC-1: every read of unmasked personal data is logged."""
    owner = owner_by_name(loaded, "张三")
    response = as_convener.post(url("owner_reveal", loaded.pk, owner.pk))
    body = text(response)
    assert response.status_code == 200
    assert "张三" in body and person_id(1) in body and mobile(1) in body
    assert "已记录" in body
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    events = AuditEvent.objects.filter(action="pii.read", actor=staff["convener"], estate_id=loaded.pk)
    assert sorted(e.summary["field"] for e in events) == ["id_number", "mobile", "name"]

    fragment = text(as_convener.post(url("owner_reveal", loaded.pk, owner.pk), HTTP_HX_REQUEST="true"))
    assert "<html" not in fragment and person_id(1) in fragment


def test_street_office_cannot_reveal_owners(client, staff, loaded):
    """R-SEC-1: the street office sees masked data only."""
    client.force_login(staff["street"])
    owner = owner_by_name(loaded, "张三")
    assert client.post(url("owner_reveal", loaded.pk, owner.pk)).status_code == 403
    assert not AuditEvent.objects.filter(action="pii.read").exists()


def test_owner_of_another_estate_is_404(as_convener, staff, estates, small_roster):
    other = estates["c"]
    batch = services.import_preview(
        actor=staff["other_convener"], estate_id=other.pk, upload=roster_csv(small_roster)
    )
    services.import_apply(actor=staff["other_convener"], batch_id=batch.pk, reason="导入")
    owner = Owner.objects.filter(estate=other).first()
    assert as_convener.post(url("owner_reveal", estates["a"].pk, owner.pk)).status_code == 404
    assert as_convener.post(url("owner_reveal", other.pk, owner.pk)).status_code == 404


# --- export ------------------------------------------------------------------------------------


def test_export_is_masked_unless_revealed(as_convener, staff, loaded):
    """R-ROSTER-4 export to .xlsx; R-SEC-1 masked by default, the full export is logged."""
    response = as_convener.post(url("export", loaded.pk), {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=False)) for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 7
    ids = " ".join(str(r["证件号码"]) for r in rows)
    assert person_id(1) not in ids and "*" in ids
    assert not AuditEvent.objects.filter(action="pii.read").exists()

    response = as_convener.post(url("export", loaded.pk), {"reveal": "on"})
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    ids = " ".join(str(c.value) for c in ws["H"])
    assert person_id(1) in ids and credit_code(1) in ids
    assert (
        AuditEvent.objects.filter(action="pii.read", actor=staff["convener"], estate_id=loaded.pk).count()
        == 1
    )


def test_street_office_exports_masked_only(client, staff, loaded):
    client.force_login(staff["street"])
    page = text(client.get(url("export", loaded.pk)))
    assert "包含完整证件号码" not in page
    assert client.post(url("export", loaded.pk), {}).status_code == 200
    assert client.post(url("export", loaded.pk), {"reveal": "on"}).status_code == 403


# --- totals, settings, edits -------------------------------------------------------------------


def test_confirm_totals(as_convener, staff, loaded):
    """R-ROSTER-1 the convener confirms the totals; R-ROSTER-2 with reason under the real name."""
    page = text(as_convener.get(url("totals", loaded.pk)))
    # 7 flats minus the parking space: 张三, 李四+王五, 赵六 (2 flats), the developer (2 flats) = 4 owners.
    assert "尚未确认" in page
    assert ">4<" in page and "564.75" in page
    assert "建设单位未出售部分合计按一人计算" in page

    response = as_convener.post(url("totals", loaded.pk), {"reason": ""})
    assert response.status_code == 422
    assert not TotalsSnapshot.objects.exists()

    response = as_convener.post(url("totals", loaded.pk), {"reason": "召开首次业主大会前确认"})
    assert response.status_code == 302
    snap = TotalsSnapshot.objects.get(estate=loaded)
    assert (snap.total_owners, str(snap.total_area), snap.parking_counts) == (4, "564.75", False)
    page = text(as_convener.get(url("totals", loaded.pk)))
    assert staff["convener"].real_name in page
    history = text(as_convener.get(url("changes", loaded.pk)))
    assert "召开首次业主大会前确认" in history and "业主总人数 4" in history


def test_totals_need_the_community(as_convener, staff, estates, make_staff, small_roster):
    """R-ROSTER-1: the street and community are completed before the totals are confirmed."""
    estate = estates["b"]  # no community
    convener = make_staff("preparatory_group", estate=estate)
    batch = services.import_preview(actor=convener, estate_id=estate.pk, upload=roster_csv(small_roster))
    services.import_apply(actor=convener, batch_id=batch.pk, reason="导入")
    as_convener.force_login(convener)
    response = as_convener.post(url("totals", estate.pk), {"reason": "确认"})
    assert response.status_code == 422
    assert "社区" in text(response)
    assert not TotalsSnapshot.objects.exists()


def test_settings_parking_counts_changes_the_totals(as_convener, loaded):
    """R-ROSTER-5: whether parking spaces count is a setting, shown with every total."""
    response = as_convener.post(
        url("settings", loaded.pk),
        {
            "community": loaded.community_id,
            "address": "沙嘴路1号",
            "parking_counts": "on",
            "reason": "按议事规则",
        },
    )
    assert response.status_code == 302
    loaded.refresh_from_db()
    assert loaded.parking_counts and loaded.address == "沙嘴路1号"
    page = text(as_convener.get(url("totals", loaded.pk)))
    assert "车位计入" in page and "577.25" in page
    history = text(as_convener.get(url("changes", loaded.pk)))
    assert "按议事规则" in history and "小区设置" in history


def test_settings_refuses_a_change_without_reason_or_without_change(as_convener, loaded):
    data = {"community": loaded.community_id, "address": "", "reason": ""}
    assert as_convener.post(url("settings", loaded.pk), data).status_code == 422
    response = as_convener.post(url("settings", loaded.pk), {**data, "reason": "无变化"})
    assert response.status_code == 422
    assert "没有" in text(response)


def test_flat_edit(as_convener, staff, loaded):
    """R-ROSTER-2, R-ROSTER-3: an area corrected with its source, reason and supporting file."""
    flat = Flat.objects.get(estate=loaded, building__name="1栋", room="101")
    survey = SimpleUploadedFile("测绘报告.pdf", minimal_pdf("survey"), "application/pdf")
    response = as_convener.post(
        url("flat_edit", loaded.pk, flat.pk),
        {
            "area": "90.10",
            "area_source": "survey",
            "use": "residential",
            "reason": "按实测报告更正",
            "files": [survey],
        },
    )
    assert response.status_code == 302
    flat.refresh_from_db()
    assert str(flat.area) == "90.10" and flat.area_source == "survey"
    change = RosterChange.objects.get(estate=loaded, kind=RosterChange.Kind.EDIT)
    assert change.reason == "按实测报告更正"
    history = text(as_convener.get(url("changes", loaded.pk)))
    assert "89.50 → 90.10" in history and "实测" in history


def test_flat_edit_shows_service_errors(as_convener, loaded):
    flat = Flat.objects.get(estate=loaded, building__name="1栋", room="101")
    response = as_convener.post(
        url("flat_edit", loaded.pk, flat.pk),
        {"area": "89.50", "area_source": "register", "use": "residential", "reason": "无变化"},
    )
    assert response.status_code == 422
    assert "没有" in text(response)


# --- supporting files --------------------------------------------------------------------------


def test_supporting_file_download_is_logged_and_scoped(client, staff, loaded):
    """R-ROSTER-2 supporting files stay with the change; R-SEC-1 each read is logged."""
    change = RosterChange.objects.get(estate=loaded)
    stored = change.files.first()
    client.force_login(staff["street"])
    response = client.get(url("change_file", loaded.pk, change.pk, stored.pk))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "楼栋" in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.get(action="file.read")
    assert event.actor == staff["street"] and event.estate_id == loaded.pk
    # A file id that is not attached to this change is not served.
    # (Not "a count + 1000": on PostgreSQL ids run on across tests and that once was this file's id.)
    other = stored.pk + 10**6
    assert client.get(url("change_file", loaded.pk, change.pk, other)).status_code == 404
