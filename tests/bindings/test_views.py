"""The owner pages for binding (R-BIND-1): find the estate, pick the flat, confirm; my flats;
unbinding. Driven with the Django test client, in Chinese as owners see them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.bindings.models import Binding
from ownervote.roster.models import Building


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_people_are_sent_to_sign_in(owner_world):  # R-BIND-1
    for name in ("bindings:search", "bindings:mine"):
        response = _client().get(reverse(name))
        assert response.status_code == 302 and "/m/login/" in response["Location"]


def test_unverified_people_are_sent_to_verification(owner_world, estates):  # R-BIND-1
    client = _client(owner_world["newcomer"])
    for url in (reverse("bindings:search"), reverse("bindings:estate", args=[estates["a"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/m/verify/")
    response = client.post(
        reverse("bindings:estate", args=[estates["a"].pk]), {"flat_id": owner_world["flats"]["1栋-101"].pk}
    )
    assert response.status_code == 302 and not Binding.objects.filter(user=owner_world["newcomer"]).exists()
    page = client.get(reverse("bindings:search"), follow=True)
    assert "请先完成身份验证" in page.content.decode()
    mine = client.get(reverse("bindings:mine")).content.decode()
    assert "去验证身份" in mine


def test_search_finds_estates_by_name_and_address(owner_world, estates):  # R-BIND-1
    client = _client(owner_world["wang"])
    page = client.get(reverse("bindings:search")).content.decode()
    assert "查找小区" in page and 'name="q"' in page
    page = client.get(reverse("bindings:search"), {"q": "碧海"}).content.decode()
    assert "碧海花园" in page and reverse("bindings:estate", args=[estates["a"].pk]) in page
    assert "福田区" in page and "沙头街道" in page  # district and street
    assert "金地花园" not in page
    page = client.get(reverse("bindings:search"), {"q": "不存在的小区"}).content.decode()
    assert "没有找到" in page


def test_a_co_owner_binds_through_the_suggestion_and_a_confirm_step(owner_world, estates):  # R-BIND-1
    wang, flat = owner_world["wang"], owner_world["flats"]["1栋-102"]
    client = _client(wang)
    url = reverse("bindings:estate", args=[estates["a"].pk])
    page = client.get(url).content.decode()
    assert "您在名册中的房屋" in page and "1栋 102" in page and "绑定" in page
    assert "1栋 101" not in page.split("其他房屋")[0]  # only their own flats are suggested
    assert "张" not in page and "李" not in page  # no owner data of anybody
    confirm = client.get(url, {"flat": flat.pk}).content.decode()
    assert "确认绑定" in confirm and "1栋 102" in confirm
    assert not Binding.objects.filter(user=wang).exists()  # the confirm step writes nothing
    response = client.post(url, {"flat_id": flat.pk})
    assert response.status_code == 302 and response["Location"] == reverse("bindings:mine")
    assert Binding.objects.get(user=wang, status="active").flat == flat
    mine = client.get(reverse("bindings:mine")).content.decode()
    assert "绑定成功" in mine and "碧海花园 1栋 102" in mine and "已绑定" in mine and "绑定时间" in mine
    again = client.get(url).content.decode()
    assert "已绑定" in again.split("其他房屋")[0]


def test_the_building_and_room_picker(owner_world, estates):  # R-BIND-1
    client = _client(owner_world["zhang"])
    url = reverse("bindings:estate", args=[estates["a"].pk])
    page = client.get(url).content.decode()
    one = Building.objects.get(estate=estates["a"], name="1栋")
    assert f"?building={one.pk}" in page and "车库" in page
    rooms = client.get(url, {"building": one.pk}).content.decode()
    assert "1栋 101" in rooms and "1栋 201" in rooms and "2栋" not in rooms.split("请选择房号")[1]
    found = client.get(url, {"building": one.pk, "room": "20"}).content.decode()
    assert "1栋 201" in found and "1栋 101" not in found.split("查找房号")[1]
    other = Building.objects.create(estate=estates["c"], name="9栋")
    assert client.get(url, {"building": other.pk}).status_code == 404


def test_binding_a_flat_that_is_not_yours_is_refused_in_plain_chinese(owner_world, estates):  # R-BIND-1
    zhang = owner_world["zhang"]
    client = _client(zhang)
    url = reverse("bindings:estate", args=[estates["a"].pk])
    flat = owner_world["flats"]["1栋-201"]  # 赵六's
    response = client.post(url, {"flat_id": flat.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "名册中没有登记您是这套房屋的业主" in page and "召集人" in page
    assert "重新选择" in page and 'name="flat_id"' not in page  # no second try of the same flat
    assert not Binding.objects.filter(user=zhang, flat=flat).exists()
    # Already bound: said so.
    page = client.post(url, {"flat_id": owner_world["flats"]["1栋-101"].pk}).content.decode()
    assert "您已经绑定了这套房屋" in page
    assert Binding.objects.filter(user=zhang).count() == 1
    # A flat of another estate, or none: refused, nothing written.
    page = client.post(url, {"flat_id": "abc"}).content.decode()
    assert "不在本小区的名册中" in page
    assert client.get(url, {"flat": 999_999}).status_code == 404
    assert client.get(reverse("bindings:estate", args=[999_999])).status_code == 404


def test_my_flats_shows_ended_bindings_with_the_reason(owner_world, reimport):  # R-BIND-1, R-BIND-2
    from tests.rosterfiles import flat_row, mobile, person_id, small_roster

    rows = [r for r in small_roster() if (r[0], r[1]) != ("1栋", "101")]
    reimport([*rows, flat_row("1栋", "101", "89.50", "钱七", person_id(5), mobile(5))], "101房已过户")
    page = _client(owner_world["zhang"]).get(reverse("bindings:mine")).content.decode()
    assert "已解除的绑定" in page and "名册记录的业主已变更" in page and "101房已过户" in page
    assert "解除时间" in page


def test_an_owner_ends_their_binding_with_a_confirmation(owner_world):  # R-BIND-1
    zhang, binding = owner_world["zhang"], owner_world["zhang_binding"]
    client = _client(zhang)
    mine = client.get(reverse("bindings:mine")).content.decode()
    end_url = reverse("bindings:end", args=[binding.pk])
    assert end_url in mine and "解除绑定" in mine
    confirm = client.get(end_url).content.decode()
    assert "确认解除绑定" in confirm
    assert Binding.objects.get(pk=binding.pk).status == "active"  # the confirm page changes nothing
    response = client.post(end_url)
    assert response.status_code == 302 and response["Location"] == reverse("bindings:mine")
    binding.refresh_from_db()
    assert (binding.status, binding.end_reason) == ("ended", "by_owner")
    page = client.get(reverse("bindings:mine")).content.decode()
    assert "已解除绑定" in page and "业主本人解除" in page
    assert client.post(end_url).status_code == 404  # ended: nothing to end


@pytest.mark.parametrize("who", ["li", "wang", "newcomer"])
def test_nobody_else_can_end_a_binding(owner_world, who):  # R-BIND-1
    binding = owner_world["zhang_binding"]
    client = _client(owner_world[who])
    end_url = reverse("bindings:end", args=[binding.pk])
    assert client.get(end_url).status_code == 404
    assert client.post(end_url).status_code == 404
    assert Binding.objects.get(pk=binding.pk).status == "active"


def test_the_tab_bar_marks_my_flats(owner_world):  # R-BIND-1
    page = _client(owner_world["zhang"]).get(reverse("bindings:mine")).content.decode()
    assert "weui-bar__item_on" in page and "我的房屋" in page
