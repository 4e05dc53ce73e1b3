"""The world the API fuzzing runs in: the demo estate replayed through the real services (roster,
owners, three meetings in three states, a result, a complaint), seeded once per module and rolled
back after it, and the credentials of each role that calls the API."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client

from ownervote.demo import seed
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.orgs.services import create_api_token
from ownervote.roster import demo as roster_demo


@dataclass(frozen=True)
class Caller:
    role: str
    headers: dict[str, str]


def _bearer(username: str) -> dict[str, str]:
    user = get_user_model().objects.get(username=username)
    _, key = create_api_token(actor=user, name="fuzz")
    return {"Authorization": f"Bearer {key}"}


def _owner_session(mobile: str) -> dict[str, str]:
    """A signed-in owner's browser: the session cookie, and the CSRF cookie with its masked token
    in ``X-CSRFToken`` as the owner pages send it with every unsafe request."""
    browser = Client()
    browser.force_login(owner_account_for_mobile(mobile))
    session_key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    secret = _get_new_csrf_string()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={secret}"
    return {"Cookie": cookie, "X-CSRFToken": _mask_cipher_secret(secret)}


# Role -> how it calls: staff with their API token (the demo's accounts), the owner with a session.
STAFF = {"convener": "convener", "street": "shatou", "district": "futian", "city": "city"}
ROLES = ("anonymous", "owner", *STAFF)


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The seeded demo, in one transaction rolled back when the module ends; each test runs in a
    savepoint inside it (pytest-django's ``db``), and each fuzzed request in one more."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed.seed()
            callers = {"anonymous": Caller("anonymous", {})}
            callers["owner"] = Caller("owner", _owner_session(roster_demo.demo_owners()[0].person.mobile))
            for role, username in STAFF.items():
                callers[role] = Caller(role, _bearer(username))
            yield callers
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def in_process(db):
    """Requests go through Django's WSGI handler in this thread, on the test's connection: Django
    must not close that connection at the end of each request (the test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
