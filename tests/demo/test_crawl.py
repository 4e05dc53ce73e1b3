"""Not one page of the seeded demo answers 500 (issue 15): every console, owner and public page
reachable from the demo's starting points is opened as each demo account (and signed out), by
following the links and htmx requests each page offers, a few of each route (tests/democrawl.py),
and any 5xx fails the test with the page and the account that met it."""

from __future__ import annotations

import pytest
from django.test import Client

from ownervote.demo import seed
from tests.democrawl import crawl, demo_owner_users, demo_staff, demo_start

pytestmark = pytest.mark.django_db


def test_no_demo_page_answers_500_for_any_demo_account():
    seed.seed()
    start = demo_start()
    owners = [user for _mobile, user in demo_owner_users()]
    assert owners, "the demo's owners have no account"
    report, files = [], set()
    for user in [None, *demo_staff(), *owners]:
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        found = crawl(client, start, files)
        who = user.username if user is not None else "anonymous"
        assert found.opened > 5, f"{who} opened only {found.opened} pages"
        report += [f"{who}: GET {url} -> {status}" for url, status in found.failures]
    assert not report, "\n".join(report)
