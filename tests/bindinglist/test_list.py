"""The binding list (R-BIND-3, art. 14): every binding, active and ended, with the masked name,
the flat, the masked mobile, the binding time and the status; seen by the estate's bound owners
and the staff who see the estate; as a page, a PDF to seal and post, and an .xlsx. Names and
mobiles are never shown in full (art. 14 second paragraph, R-SEC-1)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ownervote.audit.models import AuditEvent
from ownervote.bindinglist import documents, selectors, services
from ownervote.bindings.models import Binding
from ownervote.core import pii
from ownervote.core.errors import NotFound
from ownervote.orgs.models import AuthorisedStaff, Organisation
from ownervote.roster.models import Owner
from tests.owners import bind, import_roster, verified_person
from tests.rosterfiles import credit_code, flat_row, mobile, person_id

PLAINTEXT = ("张三", "李四", "王五", mobile(1), mobile(2), person_id(1), person_id(2))


def _no_plaintext(text: str) -> None:
    for secret in PLAINTEXT:
        assert secret not in text, secret


@pytest.fixture
def ended(owner_world):
    """li's binding ended by an upheld objection (made directly)."""
    Binding.objects.filter(pk=owner_world["li_binding"].pk).update(
        status=Binding.Status.ENDED,
        end_reason=Binding.EndReason.OBJECTION_UPHELD,
        ended_at=timezone.now(),
    )


@pytest.fixture
def other_estate_owner(staff, estates):
    """An owner bound in estate c (Nanshan), nowhere else."""
    rows = [flat_row("A座", "501", "80.00", "孙七", person_id(7), mobile(7))]
    flats = import_roster(estates["c"], staff["other_convener"], rows)
    person = verified_person(mobile(7), "孙七", person_id(7))
    bind(person, flats["A座-501"])
    return person


@pytest.fixture
def org_staff_binding(owner_world, staff, estates):
    """The developer (an organisation owner of 2栋-301) bound through its authorised staff 陈授权."""
    org = Organisation.objects.create(
        kind=Organisation.Kind.OWNER_ORGANISATION, name="深圳某某地产有限公司", credit_code=credit_code(1)
    )
    auth = AuthorisedStaff(
        organisation=org,
        valid_from=timezone.localdate() - dt.timedelta(days=1),
        authorised_by=staff["convener"],
    )
    for attr, value in (("name", "陈授权"), ("id_number", person_id(9)), ("mobile", mobile(9))):
        pii.seal(auth, attr, value)
    auth.save()
    person = verified_person(mobile(9), "陈授权", person_id(9))
    flat = owner_world["flats"]["2栋-301"]
    owner = Owner.objects.get(estate=estates["a"], id_number_hash=pii.lookup("id_number", credit_code(1)))
    return Binding.objects.create(
        user=person,
        estate=estates["a"],
        flat=flat,
        owner=owner,
        staff=auth,
        verification=person.verified_identity.verification,
    )


# --- the rows -----------------------------------------------------------------------------------


def test_rows_hold_every_binding_masked(owner_world, estates, ended):  # R-BIND-3, art. 14
    rows = selectors.list_rows(estates["a"])
    assert [(r.flat, r.name_masked, r.mobile_masked, r.status) for r in rows] == [
        ("1栋-101", "张*", "139****0001", "active"),
        ("1栋-102", "李*", "139****0002", "ended"),
    ]
    assert rows[1].end_reason == Binding.EndReason.OBJECTION_UPHELD and rows[1].ended_at is not None
    assert rows[0].bound_at == owner_world["zhang_binding"].bound_at


def test_organisation_staff_row_names_the_organisation(owner_world, estates, org_staff_binding):
    # R-BIND-3, art. 31: an organisation owner votes through its authorised staff
    (row,) = [r for r in selectors.list_rows(estates["a"]) if r.flat == "2栋-301"]
    assert row.organisation == "深圳某某地产有限公司" and row.name_masked == "陈*权"
    assert row.holder == "深圳某某地产有限公司（陈*权）"
    assert row.mobile_masked == "139****0009"


def test_rows_sort_buildings_naturally(owner_world, estates, staff):  # R-BIND-3
    rows = [flat_row("10栋", "101", "80.00", "周八", person_id(8), mobile(8))]
    flats = import_roster(estates["a"], staff["convener"], [*_small_rows(), *rows])
    bind(verified_person(mobile(8), "周八", person_id(8)), flats["10栋-101"])
    assert [r.flat for r in selectors.list_rows(estates["a"])] == ["1栋-101", "1栋-102", "10栋-101"]


def _small_rows():
    from tests.rosterfiles import small_roster

    return small_roster()


def test_digest_changes_with_the_list(owner_world, estates, ended):  # R-BIND-3: what was published
    a = estates["a"]
    before = selectors.list_digest(selectors.list_rows(a))
    Binding.objects.filter(pk=owner_world["zhang_binding"].pk).update(
        status=Binding.Status.ENDED, end_reason=Binding.EndReason.BY_OWNER, ended_at=timezone.now()
    )
    assert selectors.list_digest(selectors.list_rows(a)) != before


# --- who sees it ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["zhang", "li", "wang", "convener", "street", "community", "district", "city"]
)
def test_owners_bound_or_not_and_staff_see_the_list(owner_world, staff, estates, who):  # R-BIND-3, R-BIND-4
    """Art. 14 "向全体业主公示", art. 15 "业主可以核对业主信息": wang, a verified co-owner who has not
    bound, sees the list too."""
    actor = owner_world.get(who) or staff[who]
    estate, rows = selectors.binding_list_for(actor, estates["a"].pk)
    assert estate == estates["a"] and len(rows) == 2


def test_others_do_not(owner_world, staff, estates, other_estate_owner, ended):  # R-BIND-3
    # Not owners here: another estate's owner, an unverified account.
    for actor in (
        other_estate_owner,
        owner_world["newcomer"],
        staff["other_convener"],
        staff["other_street"],
        staff["pending"],
    ):
        with pytest.raises(NotFound):
            selectors.binding_list_for(actor, estates["a"].pk)
    assert selectors.binding_list_for(other_estate_owner, estates["c"].pk)[1][0].flat == "A座-501"
    # li's only binding ended, but the roster still lists li as an owner here (R-BIND-4).
    assert selectors.binding_list_for(owner_world["li"], estates["a"].pk)[0] == estates["a"]


def test_owner_page_visibility(client, owner_world, estates, other_estate_owner):  # R-BIND-3
    url = reverse("bindinglist:owner", args=[estates["a"].pk])
    assert client.get(url).status_code == 302  # sign in first
    for person, status in (
        (other_estate_owner, 404),
        (owner_world["newcomer"], 404),
        (owner_world["wang"], 200),  # R-BIND-4: a verified owner who has not bound
        (owner_world["zhang"], 200),
    ):
        client.force_login(person)
        assert client.get(url).status_code == status
        assert client.get(reverse("bindinglist:owner_pdf", args=[estates["a"].pk])).status_code == status
        assert client.get(reverse("bindinglist:owner_xlsx", args=[estates["a"].pk])).status_code == status


# --- the pages never show plaintext ---------------------------------------------------------------


def test_owner_page_is_masked_and_readable(client, owner_world, estates, make_publication, ended):
    # R-BIND-3, art. 14 second paragraph
    make_publication(0, 10)
    client.force_login(owner_world["zhang"])
    text = client.get(reverse("bindinglist:owner", args=[estates["a"].pk])).content.decode()
    _no_plaintext(text)
    for shown in ("1栋-101", "张*", "139****0001", "李*", "已解除"):
        assert shown in text
    assert "公示期" in text and timezone.localdate().isoformat() in text
    # zhang may object to others' active bindings only; li's has ended.
    assert reverse("bindinglist:objection_new", args=[owner_world["li_binding"].pk]) not in text
    assert reverse("bindinglist:objection_new", args=[owner_world["zhang_binding"].pk]) not in text


def test_owner_page_without_publicity_offers_no_objection(client, owner_world, estates):  # R-BIND-4
    client.force_login(owner_world["zhang"])
    text = client.get(reverse("bindinglist:owner", args=[estates["a"].pk])).content.decode()
    assert "不能提出异议" in text
    assert reverse("bindinglist:objection_new", args=[owner_world["li_binding"].pk]) not in text


def test_console_page_is_masked(client, owner_world, staff, estates):  # R-BIND-3, R-SEC-1
    client.force_login(staff["convener"])
    text = client.get(reverse("bindinglist:console", args=[estates["a"].pk])).content.decode()
    _no_plaintext(text)
    assert "张*" in text and "139****0001" in text


def test_api_is_masked(client, owner_world, estates, org_staff_binding):  # R-BIND-3, R-SEC-1
    client.force_login(owner_world["zhang"])
    response = client.get(f"/api/binding-lists/estates/{estates['a'].pk}")
    assert response.status_code == 200
    body = response.json()
    _no_plaintext(response.content.decode())
    assert "陈授权" not in response.content.decode()
    assert [r["holder"] for r in body["rows"]] == ["张*", "李*", "深圳某某地产有限公司（陈*权）"]
    assert body["publication"] is None and len(body["list_digest"]) == 64


# --- the PDF ----------------------------------------------------------------------------------------


def _inflated(pdf: bytes) -> bytes:
    """The PDF with every Flate stream decompressed (object streams hide the font dictionaries)."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        start = match.end()
        try:
            out.append(zlib.decompressobj().decompress(pdf[start : start + 5_000_000]))
        except zlib.error:
            continue
    return b"".join(out)


def _text(doc) -> str:
    def walk(box):
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    return "\n".join(t for page in doc.pages for t in walk(page._page_box))


def test_pdf_embeds_a_cjk_font(owner_world, staff, estates, make_publication):  # R-BIND-3, art. 14
    make_publication(0, 10)
    pdf = services.list_pdf(actor=staff["convener"], estate_id=estates["a"].pk)
    assert pdf.startswith(b"%PDF")
    inflated = _inflated(pdf)
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+Noto-?Sans-?CJK", inflated), "the Noto CJK subset is embedded"
    assert b"/FontFile" in inflated
    _no_plaintext(pdf.decode("latin-1"))
    event = AuditEvent.objects.filter(action="bindinglist.downloaded").latest("id")
    assert event.summary["format"] == "pdf" and event.estate_id == estates["a"].pk
    assert event.actor == staff["convener"]


def test_pdf_text(owner_world, staff, estates, make_publication, ended):  # R-BIND-3, art. 14
    p = make_publication(0, 10)
    doc = services.list_document(actor=owner_world["zhang"], estate_id=estates["a"].pk)
    text = _text(documents.list_pdf_document(doc))
    assert "碧海花园业主身份验证与房屋绑定信息公示" in text
    assert f"公示期：{p.starts_on.isoformat()} 至 {p.ends_on.isoformat()}" in text
    for shown in (
        "房号",
        "业主姓名",
        "手机号码",
        "绑定时间",
        "绑定状态",
        "1栋-101",
        "张*",
        "139****0001",
        "李*",
    ):
        assert shown in text, shown
    assert "召集人（盖章）" in text and "盖章处" in text
    assert "第 1 页 共 1 页" in text
    assert p.publisher_organisation.name in text
    _no_plaintext(text)
    _no_plaintext(documents.list_html(doc))


def test_pdf_pages_are_numbered(owner_world, staff, estates):  # R-BIND-3
    rows = [
        selectors.ListRow(
            binding_id=i,
            flat=f"1栋-{i:04d}",
            name_masked="张*",
            organisation="",
            mobile_masked="139****0001",
            bound_at=timezone.now(),
            status="active",
            status_label="已绑定",
            end_reason="",
            end_reason_label="",
            ended_at=None,
        )
        for i in range(120)
    ]
    doc = documents.ListDocument(
        estate_id=estates["a"].pk,
        estate_name="碧海花园",
        rows=rows,
        publication=None,
        convener="",
        generated_at=timezone.now(),
        digest="0" * 64,
    )
    rendered = documents.list_pdf_document(doc)
    pages = len(rendered.pages)
    assert pages >= 3
    text = _text(rendered)
    assert f"第 1 页 共 {pages} 页" in text and f"第 {pages} 页 共 {pages} 页" in text
    assert text.count("房号") == pages  # the header row repeats on every page
    assert "尚未发布" in text


# --- the xlsx -------------------------------------------------------------------------------------


def test_xlsx_contents(owner_world, staff, estates, make_publication, ended):  # R-BIND-3, art. 14
    p = make_publication(0, 10)
    content = services.list_xlsx(actor=owner_world["zhang"], estate_id=estates["a"].pk)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        raw = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    _no_plaintext(raw)
    ws = load_workbook(io.BytesIO(content)).active
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "碧海花园业主身份验证与房屋绑定信息公示"
    assert p.starts_on.isoformat() in values[1][0] and p.ends_on.isoformat() in values[1][0]
    assert values[2] == ("序号", "房号", "业主姓名", "手机号码", "绑定时间", "绑定状态", "解除时间")
    assert values[3][:4] == (1, "1栋-101", "张*", "139****0001")
    assert values[3][5] == "已绑定"
    assert values[4][:4] == (2, "1栋-102", "李*", "139****0002")
    assert "已解除" in values[4][5] and "异议" in values[4][5]
    assert "A1:G1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.column_dimensions["C"].width >= 20 and ws.column_dimensions["A"].width < 10
    assert ws.freeze_panes == "A4"
    event = AuditEvent.objects.filter(action="bindinglist.downloaded").latest("id")
    assert event.summary["format"] == "xlsx" and event.actor == owner_world["zhang"]


def test_downloads_from_the_console(client, owner_world, staff, estates):  # R-BIND-3
    client.force_login(staff["street"])
    pdf = client.get(reverse("bindinglist:pdf", args=[estates["a"].pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf).startswith(b"%PDF")
    xlsx = client.get(reverse("bindinglist:xlsx", args=[estates["a"].pk]))
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    assert AuditEvent.objects.filter(action="bindinglist.downloaded").count() == 2
    client.force_login(staff["other_convener"])
    assert client.get(reverse("bindinglist:pdf", args=[estates["a"].pk])).status_code == 404
    assert AuditEvent.objects.filter(action="bindinglist.downloaded").count() == 2
