"""The estate landing page /m/e/<id>/: what the estate's QR code opens (art. 8). Public; every
step's button carries the estate through to binding a flat in it."""

from __future__ import annotations

from urllib.parse import quote

from .conftest import text


def url(estate) -> str:
    return f"/m/e/{estate.pk}/"


def bind_path(estate) -> str:
    return f"/m/estates/{estate.pk}/"


def test_anonymous_sees_the_estate_and_signs_in_towards_it(client, estates):
    a = estates["a"]
    a.address = "深圳市福田区沙嘴路88号"
    a.save()
    page = text(client.get(url(a)))
    assert "碧海花园" in page
    assert "福田区 · 沙头街道 · 沙嘴社区" in page and "深圳市福田区沙嘴路88号" in page
    assert page.index("登录") < page.index("验证身份") < page.index("绑定房屋")
    # Sign in, then straight on to binding a flat in this estate.
    assert f'id="login" href="/m/login/?next={quote(bind_path(a), safe="")}"' in page
    # Nothing to verify or bind before signing in.
    assert 'id="verify"' not in page and 'id="bind"' not in page


def test_estate_without_community_or_address(client, estates):
    page = text(client.get(url(estates["b"])))
    assert "金地花园" in page and "福田区 · 沙头街道" in page and "沙嘴社区" not in page


def test_signed_in_unverified_goes_to_verify_then_back_to_the_estate(client, owner_world, estates):  # R-ID-1
    a = estates["a"]
    client.force_login(owner_world["newcomer"])
    page = text(client.get(url(a)))
    assert "您已登录" in page and 'id="login"' not in page
    assert f'id="verify" href="/m/verify/?next={quote(bind_path(a), safe="")}"' in page
    assert 'id="bind"' not in page


def test_verified_not_bound_here_gets_the_bind_button(client, owner_world, estates):  # R-BIND-1
    client.force_login(owner_world["wang"])
    page = text(client.get(url(estates["a"])))
    assert "您已验证身份" in page and 'id="verify"' not in page
    assert f'id="bind" href="{bind_path(estates["a"])}"' in page and "绑定本小区房屋" in page


def test_bound_owner_sees_the_flat_bound_here_only(client, owner_world, estates):  # R-BIND-1
    client.force_login(owner_world["zhang"])
    page = text(client.get(url(estates["a"])))
    assert "已绑定： 1栋-101" in page and "绑定本小区其他房屋" in page
    # In another estate zhang has bound nothing.
    page = text(client.get(url(estates["c"])))
    assert "已绑定" not in page and "1栋-101" not in page
    assert f'id="bind" href="{bind_path(estates["c"])}"' in page


def test_missing_estate_is_404(client, estates):
    assert client.get("/m/e/999999/").status_code == 404


def test_no_roster_data_on_the_public_page(client, owner_world, estates):  # R-SEC-1
    page = text(client.get(url(estates["a"])))
    for secret in ("张*", "1栋-101", "139000000"):
        assert secret not in page
