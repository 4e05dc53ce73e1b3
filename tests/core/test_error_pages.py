"""The 404 and 500 pages in Chinese, with the way home (DEBUG is False in the test settings, as in
production): a missing page, signed out and as an owner; the owner's vote link that does not open
(R-BIND-1: an owner sees a meeting's vote pages through a flat bound in its estate), which says what
may have happened and links to binding a flat, without telling whether the meeting exists; and a
view that fails, which gets the plain 500 page (rendered without a request or the database)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

from ownervote import urls as project_urls
from ownervote.meetings.models import Meeting
from tests.owners import bind
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401 - fixtures

NOT_FOUND = "页面不存在"
MEETING_REASON = "您还没有绑定房屋，或此会议不属于您绑定的小区。"
SERVER_ERROR = "系统出错了"


def boom(request):
    raise RuntimeError("a fault of ours")


# A URLconf for this module only: the project's, plus pages that fail, under the owner pages and
# outside them. handler500 is the project's (a 500 outside /api/ is Django's page, 500.html).
handler500 = project_urls.handler500
urlpatterns = [path("m/boom/", boom), path("p/boom/", boom), *project_urls.urlpatterns]


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _page(response) -> str:
    return response.content.decode()


def test_the_settings_are_production_like():
    assert settings.DEBUG is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, home",
    [("/no-such-page/", "/m/"), ("/p/no-such-page/", "/m/"), ("/console/no-such-page/", "/console/")],
)
def test_missing_page_signed_out_is_404_in_chinese(url, home):
    response = _client().get(url)
    page = _page(response)
    assert response.status_code == 404
    assert f"<h1>{NOT_FOUND}</h1>" in page and "链接可能有误或已失效" in page and 'lang="zh-CN"' in page
    assert f'id="home" href="{home}"' in page and "返回首页" in page
    assert "Not Found" not in page


def test_missing_owner_page_is_the_owner_404(owner_world):
    response = _client(owner_world["zhang"]).get("/m/no-such-page/")
    page = _page(response)
    assert response.status_code == 404
    assert 'class="ov-owner"' in page  # the owner pages' look and tab bar
    assert f'<h1 class="ov-title">{NOT_FOUND}</h1>' in page
    assert f'id="home" href="{reverse("portal:home")}"' in page
    assert MEETING_REASON not in page and 'id="bind-flat"' not in page


def test_missing_owner_page_signed_out_is_the_owner_404(db):
    response = _client().get("/m/no-such-page/")
    assert response.status_code == 404 and f'<h1 class="ov-title">{NOT_FOUND}</h1>' in _page(response)


def _without_tokens(page: str) -> str:
    """The page without what differs between any two responses (the CSP nonce, the CSRF token)."""
    page = re.sub(r'nonce="[^"]*"', "", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_vote_link_of_an_owner_without_a_flat_says_what_to_do(voting_world):  # noqa: F811
    """R-BIND-1: the newcomer (signed in by SMS, nothing bound) opens the meeting's vote link: 404,
    the reason in plain words, a link to bind a flat and one home. The page is the very same for a
    meeting that does not exist: nothing tells the two apart."""
    meeting = voting_world["meeting"]
    client = _client(voting_world["newcomer"])
    response = client.get(reverse("voting:vote", args=[meeting.pk]))
    page = _page(response)
    assert response.status_code == 404
    assert MEETING_REASON in page and '<h1 class="ov-title">无法打开此会议</h1>' in page
    assert f'id="bind-flat" href="{reverse("bindings:search")}"' in page
    assert f'href="{reverse("portal:home")}"' in page
    assert meeting.title not in page and meeting.estate.name not in page
    other = reverse("voting:vote", args=[meeting.pk + 1000])
    missing = client.get(other)
    assert missing.status_code == 404
    # The same page but for the address itself (the language switch returns to it).
    same = _without_tokens(_page(missing)).replace(other, "URL")
    assert same == _without_tokens(page).replace(reverse("voting:vote", args=[meeting.pk]), "URL")


def test_vote_link_of_an_owner_bound_in_another_estate_is_the_same_404(voting_world, estates):  # noqa: F811
    """R-BIND-1: zhang is bound in estate a; a meeting of another estate is not his to see, and looks
    missing (404) with the same advice."""
    meeting = voting_world["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(estate=estates["b"])
    for url in (reverse("voting:vote", args=[meeting.pk]), reverse("voting:ballot", args=[meeting.pk])):
        response = _client(voting_world["zhang"]).get(url)
        assert response.status_code == 404
        assert MEETING_REASON in _page(response) and 'id="bind-flat"' in _page(response)


def test_bound_in_the_estate_after_voting_opened_keeps_the_vote_page(voting_world):  # noqa: F811
    """R-VOTE-4: wang binds his flat in the meeting's estate while voting runs: he sees the meeting
    (no 404, not the advice to bind), and the vote page says he has no flat to vote electronically
    (the page as it was: his late binding is not in the roll frozen when voting opened)."""
    meeting, wang = voting_world["meeting"], voting_world["wang"]
    bind(wang, voting_world["flats"]["1栋-102"])
    response = _client(wang).get(reverse("voting:vote", args=[meeting.pk]))
    page = _page(response)
    assert response.status_code == 200
    assert MEETING_REASON not in page and meeting.title in page
    assert 'id="nothing-to-vote"' in page and "现在没有您可以电子投票的房屋" in page


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/m/boom/", "/p/boom/"])
def test_a_failing_view_gets_the_chinese_500_page(url, owner_world):
    for client in (_client(), _client(owner_world["zhang"])):
        response = client.get(url)
        page = _page(response)
        assert response.status_code == 500
        assert f"<h1>{SERVER_ERROR}</h1>" in page and 'lang="zh-CN"' in page
        assert "这不是您的操作造成的" in page
        assert 'id="home" href="/m/"' in page and 'id="console" href="/console/"' in page
        assert "Server Error" not in page and "a fault of ours" not in page


def test_the_500_page_needs_no_request_nor_database():
    """Django renders 500.html with no context at all; this test may not touch the database."""
    with translation.override("zh-hans"):
        page = render_to_string("500.html")
    assert SERVER_ERROR in page and "返回首页" in page and "core/errors.css" in page
    with translation.override("en"):
        assert "Something went wrong on our side" in render_to_string("500.html")
