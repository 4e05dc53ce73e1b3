"""The owner home /m/: what a visitor, a signed-in but unverified person and a verified owner
with flats each see (item 10 of issue 3). The tests run in Chinese, as owners read the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.notify.services import notify
from ownervote.portal import selectors
from ownervote.verification.models import Method, MethodNotice, VerifiedIdentity
from tests.owners import bind, verified_person
from tests.rosterfiles import mobile, person_id

from .conftest import text

HOME = "/m/"


def test_anonymous_sees_the_welcome_and_the_sign_in_button(client, db):
    page = text(client.get(HOME))
    assert "业主大会电子投票" in page
    assert "欢迎" in page
    # The three steps, in order.
    assert page.index("登录") < page.index("验证身份") < page.index("绑定房屋")
    assert "携带产权证明和身份证到召集人处现场核实" in page
    assert 'id="login" href="/m/login/"' in page and "手机号登录" in page
    # Nothing personal, no tab bar, no cards.
    assert "我的身份" not in page and 'class="ov-tabbar' not in page


def test_home_only_answers_get(client, db):
    assert client.post(HOME).status_code == 405


def test_unverified_person_is_sent_to_verify_first(client, owner_world):
    client.force_login(owner_world["newcomer"])
    page = text(client.get(HOME))
    assert "您还未验证身份" in page
    assert 'id="verify" href="/m/verify/"' in page
    # Binding needs a verified identity (R-BIND-1): no bind button yet, and it says why.
    assert 'id="bind"' not in page and "验证身份后即可绑定房屋" in page
    assert "您还没有绑定房屋" in page
    assert "手机号登录" not in page
    assert 'class="ov-tabbar weui-tabbar"' in page


def test_verified_owner_sees_masked_identity_and_flats(client, owner_world):  # R-SEC-1
    client.force_login(owner_world["zhang"])
    page = text(client.get(HOME))
    assert "您已验证身份" in page and "您还未验证身份" not in page
    identity = owner_world["zhang"].verified_identity
    assert "张*" in page and "张三" not in page  # the masked name only
    assert person_id(1) not in page and identity.id_number_masked not in page
    assert identity.verified_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in page
    assert "自助人脸识别" in page
    assert "碧海花园" in page and "1栋-101" in page
    assert "1栋-102" not in page  # li's flat
    assert 'id="bind" href="/m/estates/"' in page
    assert 'href="/m/flats/"' in page


def test_verified_owner_without_flats_gets_the_bind_button(client, owner_world):  # R-BIND-1
    client.force_login(owner_world["wang"])
    page = text(client.get(HOME))
    assert "您已验证身份" in page and "王*" in page
    assert "您还没有绑定房屋" in page
    assert 'class="weui-btn weui-btn_primary" id="bind" href="/m/estates/"' in page


def test_on_site_verification_is_named(client, owner_world):  # R-ID-2
    person = verified_person(mobile(40), "赵六", person_id(40))
    # The identity records how it was verified (an on-site verification's photos are beside the point here).
    VerifiedIdentity.objects.filter(user=person).update(method=Method.ON_SITE)
    client.force_login(person)
    page = text(client.get(HOME))
    assert "召集人现场核实" in page and "自助人脸识别" not in page


def test_binding_lists_on_display_for_my_estates_only(
    client, owner_world, estates, staff, publish
):  # R-BIND-3
    a, c = estates["a"], estates["c"]
    publish(a, starts_in=-3, days=10)
    publish(c, by=staff["other_convener"])
    client.force_login(owner_world["zhang"])
    page = text(client.get(HOME))
    ends = (timezone.localdate() + dt.timedelta(days=6)).strftime("%Y-%m-%d")
    assert f"碧海花园的房屋绑定名单正在公示，截止{ends}" in page
    assert f'href="/m/estates/{a.pk}/binding-list/"' in page
    assert f"/m/estates/{c.pk}/binding-list/" not in page and "科苑小区" not in page

    # wang owns in a (verified, in the roster) but has not bound a flat: the list of a is his to
    # check and object to all the same (R-BIND-4), and c's is still not shown.
    client.force_login(owner_world["wang"])
    page = text(client.get(HOME))
    assert f'href="/m/estates/{a.pk}/binding-list/"' in page and "科苑小区" not in page
    # newcomer owns nothing: no list.
    client.force_login(owner_world["newcomer"])
    assert "/binding-list/" not in text(client.get(HOME))


@pytest.mark.parametrize(
    "when",
    [
        {"starts_in": -12, "days": 10},
        {"starts_in": 1, "days": 10},
        {"starts_in": -1, "days": 10, "withdrawn": True},
    ],
    ids=["ended", "not-started", "withdrawn"],
)
def test_binding_list_not_on_display_is_not_shown(client, owner_world, estates, publish, when):  # R-BIND-3
    publish(estates["a"], **when)
    client.force_login(owner_world["zhang"])
    page = text(client.get(HOME))
    assert "房屋绑定名单公示" not in page and "binding-list" not in page


def test_latest_verification_notices(client, owner_world, staff):  # R-ID-3
    for n in range(4):
        MethodNotice.objects.create(
            method=Method.ON_SITE,
            enabled=True,
            title=f"验证方式公告{n}",
            reason="便于老年业主",
            effective_on=timezone.localdate(),
            published_by=staff["city"],
            publisher_real_name=staff["city"].real_name,
        )
    client.force_login(owner_world["newcomer"])
    page = text(client.get(HOME))
    assert "身份验证方式公告" in page and 'href="/m/notices/"' in page
    # The three newest.
    assert all(f"验证方式公告{n}" in page for n in (1, 2, 3)) and "验证方式公告0" not in page


def test_no_notices_no_card(client, owner_world):
    client.force_login(owner_world["zhang"])
    assert "身份验证方式公告" not in text(client.get(HOME))


def test_unread_messages_count(client, owner_world):
    zhang = owner_world["zhang"]
    with transaction.atomic():
        notify(users=[zhang], kind="test", title="一", body="正文")
        notify(users=[zhang], kind="test", title="二", body="正文")
        notify(users=[owner_world["li"]], kind="test", title="别人的", body="正文")
    client.force_login(zhang)
    page = text(client.get(HOME))
    assert "您有 2 条未读消息" in page and 'href="/m/inbox/"' in page
    client.get("/m/inbox/")
    assert "没有未读消息" in text(client.get(HOME))


def test_two_estates_two_flats(client, owner_world, estates, staff):  # R-BIND-1
    """An owner bound in two estates sees both, each with its estate."""
    from tests.owners import import_roster

    flats_c = import_roster(
        estates["c"],
        staff["other_convener"],
        [["A座", "1801", "88.00", "", "住宅", "个人", "张三", person_id(1), mobile(1), "", ""]],
    )
    bind(owner_world["zhang"], flats_c["A座-1801"])
    client.force_login(owner_world["zhang"])
    page = text(client.get(HOME))
    assert "碧海花园" in page and "1栋-101" in page and "科苑小区" in page and "A座-1801" in page


def test_english_on_request(client, owner_world):
    client.force_login(owner_world["newcomer"])
    client.cookies["django_language"] = "en"
    page = text(client.get(HOME))
    assert "You have not verified your identity yet." in page


@given(starts_in=st.integers(min_value=-40, max_value=40), days=st.integers(min_value=1, max_value=40))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_list_shown_exactly_during_display(owner_world, estates, publish, starts_in, days):  # R-BIND-3
    """Shown on the home page from its first day to its last day inclusive, never outside."""
    with transaction.atomic():
        publication = publish(estates["a"], starts_in=starts_in, days=days)
        shown = selectors.owner_home(owner_world["zhang"]).publications
        today = timezone.localdate()
        assert (publication in shown) == (publication.starts_on <= today <= publication.ends_on)
        transaction.set_rollback(True)
