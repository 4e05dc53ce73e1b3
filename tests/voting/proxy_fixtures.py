"""Helpers for the proxy tests (R-VOTE-6, R-VOTE-7).

- ``proxy_people``: the proxies' identities (not owners of estate a) and ``granting`` owners:
  zhang (1栋-101), li (1栋-102), wang (bound here to 1栋-102 as its co-owner) and zhao (赵六,
  verified and bound to 1栋-201): four different owners.
- ``grant(actor, flat, **fields)``: ``proxy_grant`` with valid defaults (the term covers the
  voting period).
- ``urlpatterns``: the site's URLs, plus the proxy pages and ``/api/voting`` when the lead has
  not mounted them yet (``pytest.mark.urls("tests.voting.proxy_fixtures")``); a stand-in
  ``voting:vote`` page when the cast helper's page is not there.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import HttpResponse
from django.urls import Resolver404, include, path, resolve
from django.utils import timezone

from ownervote import urls as site_urls
from ownervote.voting.services import proxies
from tests.owners import bind, verified_person
from tests.rosterfiles import mobile, person_id

PROXY = {"name": "钱七", "id_number": person_id(60), "mobile": mobile(60)}
PROXY2 = {"name": "孙八", "id_number": person_id(61), "mobile": mobile(61)}


def term(meeting, *, start_days: int = 0, end_days: int = 1) -> dict:
    """A term from today (+ ``start_days``) to the day after the voting closes (+ ``end_days``)."""
    closes = timezone.localtime(meeting.voting_closes_at).date()
    return {
        "term_from": timezone.localdate() + dt.timedelta(days=start_days),
        "term_until": closes + dt.timedelta(days=end_days - 1),
    }


def grant(actor, meeting, flats, *, person: dict | None = None, **fields):
    values = {
        **(person or PROXY),
        "matters": "本次会议全部表决事项",
        "authority": "由受托人自行决定投票意见",
        **term(meeting),
        **fields,
    }
    return proxies.proxy_grant(actor=actor, meeting_id=meeting.pk, flat_ids=[f.pk for f in flats], **values)


@pytest.fixture
def granting(voting_world):
    """voting_world with four owners able to give proxies: zhang, li, wang, zhao."""
    flats = voting_world["flats"]
    wang = voting_world["wang"]
    bind(wang, flats["1栋-102"])
    zhao = verified_person(mobile(4), "赵六", person_id(4))
    bind(zhao, flats["1栋-201"])
    return {
        **voting_world,
        "zhao": zhao,
        "owners": [
            (voting_world["zhang"], flats["1栋-101"]),
            (voting_world["li"], flats["1栋-102"]),
            (wang, flats["1栋-102"]),
            (zhao, flats["1栋-201"]),
        ],
    }


# --- URLs for the tests, whatever the lead has mounted so far ----------------------------------


def _resolves(url: str) -> bool:
    try:
        resolve(url, urlconf=site_urls)
    except Resolver404:
        return False
    return True


def _stand_in_vote(request, meeting_id):
    return HttpResponse("vote page not mounted", content_type="text/plain")


def _patterns():
    from ownervote.voting.views import proxies as proxy_views

    extra = []
    mine = list(proxy_views.urlpatterns)
    if not _resolves("/m/meetings/1/proxies/"):
        if not _resolves("/m/meetings/1/vote/"):
            mine.append(path("m/meetings/<int:meeting_id>/vote/", _stand_in_vote, name="vote"))
        extra.append(path("", include((mine, "voting"))))
    if not _resolves("/api/voting/proxies/1"):
        from ninja import NinjaAPI

        from ownervote.api import api as site_api
        from ownervote.voting.api.proxies import router

        api = NinjaAPI(auth=site_api.auth, urls_namespace="proxy_test_api", docs_url=None, openapi_url=None)
        api._exception_handlers = site_api._exception_handlers
        api.add_router("/voting", router)
        extra.insert(0, path("api/", api.urls))
    return extra + list(site_urls.urlpatterns)


urlpatterns = _patterns()
