"""Shenzhen's geography (load_shenzhen) and the city operator's bootstrap (create_operator)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from ownervote.audit.models import AuditEvent
from ownervote.audit.services import verify_all
from ownervote.orgs import scoping
from ownervote.orgs.models import Association, Division, Membership, Organisation, User

pytestmark = pytest.mark.django_db

STREETS_PER_DISTRICT = {
    "罗湖区": 10,
    "福田区": 10,
    "南山区": 8,
    "宝安区": 10,
    "龙岗区": 11,
    "盐田区": 4,
    "龙华区": 6,
    "坪山区": 6,
    "光明区": 6,
    "大鹏新区": 3,
}
DISTRICT_CODES = {
    "福田区": "440304",
    "罗湖区": "440303",
    "南山区": "440305",
    "宝安区": "440306",
    "龙岗区": "440307",
    "盐田区": "440308",
    "龙华区": "440309",
    "坪山区": "440310",
    "光明区": "440311",
    "大鹏新区": "440312",
}
FUTIAN_STREETS = {
    "园岭街道",
    "南园街道",
    "福田街道",
    "沙头街道",
    "香蜜湖街道",
    "梅林街道",
    "莲花街道",
    "华富街道",
    "福保街道",
    "华强北街道",
}


def _load(**kwargs) -> str:
    out = StringIO()
    call_command("load_shenzhen", stdout=out, **kwargs)
    return out.getvalue()


def test_load_shenzhen_city_districts_streets():
    _load()
    city = Division.objects.get(kind="city")
    assert (city.code, city.name, city.parent_id, city.path) == ("4403", "深圳市", None, f"/{city.pk}/")
    districts = Division.objects.filter(kind="district")
    assert {d.name: d.code for d in districts} == DISTRICT_CODES
    assert all(d.parent_id == city.pk and d.path == f"{city.path}{d.pk}/" for d in districts)

    streets = Division.objects.filter(kind="street").select_related("parent")
    assert streets.count() == 74
    per_district = {}
    for s in streets:
        assert s.parent.kind == "district"
        assert s.path == f"{s.parent.path}{s.pk}/"
        assert s.name.endswith("街道") and len(s.code) == 9
        # NBS township codes extend their district's code, except Dapeng New District's three
        # streets, which NBS still files under Longgang (440307).
        assert s.code.startswith("440307" if s.parent.name == "大鹏新区" else s.parent.code)
        per_district[s.parent.name] = per_district.get(s.parent.name, 0) + 1
    assert per_district == STREETS_PER_DISTRICT
    assert set(streets.filter(parent__name="福田区").values_list("name", flat=True)) == FUTIAN_STREETS
    dapeng = set(streets.filter(parent__name="大鹏新区").values_list("name", flat=True))
    assert dapeng == {"葵涌街道", "大鹏街道", "南澳街道"}

    shatou = Division.objects.get(code="440304005")
    assert shatou.name == "沙头街道"
    communities = Division.objects.filter(kind="community")
    assert communities.count() == 13
    assert all(c.parent_id == shatou.pk and c.path.startswith(shatou.path) for c in communities)
    names = set(communities.values_list("name", flat=True))
    assert {"沙嘴社区", "上沙社区", "下沙社区", "新洲社区", "金地社区"} <= names


def test_load_shenzhen_is_idempotent():
    first = _load()
    assert "98 created" in first
    ids = dict(Division.objects.values_list("code", "pk"))
    events = AuditEvent.objects.filter(action="divisions.loaded").count()
    second = _load()
    assert "0 created, 0 updated, 98 unchanged" in second
    assert dict(Division.objects.values_list("code", "pk")) == ids  # nothing duplicated or replaced
    assert AuditEvent.objects.filter(action="divisions.loaded").count() == events == 1  # no change, no event


def test_load_shenzhen_repairs_a_moved_division_and_its_paths():
    _load()
    shatou = Division.objects.get(code="440304005")
    nanshan = Division.objects.get(code="440305")
    Division.objects.filter(pk=shatou.pk).update(parent=nanshan, path=f"{nanshan.path}{shatou.pk}/")
    out = _load()
    assert "0 created" in out and "updated" in out
    shatou.refresh_from_db()
    assert shatou.parent.code == "440304"
    assert shatou.path == f"{shatou.parent.path}{shatou.pk}/"
    for community in Division.objects.filter(parent=shatou):
        assert community.path == f"{shatou.path}{community.pk}/"


def test_load_shenzhen_refuses_to_rename_a_miscoded_division():
    # A hand-made 沙头街道 stored under the code of 南园街道 must not silently become 南园街道.
    city = Division.objects.create(kind="city", code="4403", name="深圳市")
    futian = Division.objects.create(kind="district", code="440304", name="福田区", parent=city)
    Division.objects.create(kind="street", code="440304001", name="沙头街道", parent=futian)
    with pytest.raises(CommandError, match="440304001"):
        _load()
    assert Division.objects.get(code="440304001").name == "沙头街道"
    assert Division.objects.count() == 3  # all or nothing
    _load(allow_renames=True)
    assert Division.objects.get(code="440304001").name == "南园街道"


# --- create_operator (R-ORG-1: the city operator approves the district bureaus) ---------------

PASSWORD = "a-Long-passphrase-2026"


def _create_operator(username="operator", password=PASSWORD, **extra):
    call_command(
        "create_operator",
        username=username,
        password=password,
        real_name="陈建国",
        mobile="13800138000",
        stdout=StringIO(),
        **extra,
    )


def test_create_operator():
    _load()
    with translation.override("en"):  # an English shell
        _create_operator()
    user = User.objects.get(username="operator")
    assert user.real_name == "陈建国" and user.check_password(PASSWORD)
    assert user.mobile_masked == "138****8000" and "13800138000" not in user.mobile_enc
    org = Organisation.objects.get(kind="city_operator")
    assert Membership.objects.get(user=user, organisation=org).role == "admin"
    assoc = Association.objects.get(organisation=org)
    assert (assoc.status, assoc.division.code, assoc.decided_by) == ("approved", "4403", user)
    # The stored reason is read on the operator's console home: Chinese, even from an English shell
    # (issue 22 item 10).
    assert assoc.reason == "市级运营账号由平台管理员创建（第三条）。" and assoc.note == "由平台管理员创建"
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True)) + list(
        AuditEvent.objects.filter(actor_label="manage.py create_operator").values_list("action", flat=True)
    )
    assert {"account.registered", "association.approved"} <= set(actions)
    # It acts for the whole city: every division, and it decides the districts' applications.
    assert scoping.divisions_visible_to(user).count() == Division.objects.count()
    assert scoping.user_kinds(user) == {"city_operator"}
    assert verify_all()[1] == []


def test_create_operator_refuses_an_existing_username():
    _load()
    _create_operator()
    with pytest.raises(CommandError, match="already taken"):
        _create_operator(username="OPERATOR", password="another-Long-passphrase-1")
    assert Organisation.objects.filter(kind="city_operator").count() == 1
    assert User.objects.filter(username__iexact="operator").count() == 1


def test_create_operator_needs_the_city_and_valid_input():
    with pytest.raises(CommandError, match="load_shenzhen"):
        _create_operator()
    _load()
    with pytest.raises(CommandError, match="mobile"):
        call_command("create_operator", username="op", password=PASSWORD, real_name="陈建国", mobile="12345")
    with pytest.raises(CommandError, match="Password"):
        _create_operator(password="short")
    assert not User.objects.exists() and not Organisation.objects.exists()
