"""Helpers for tests of the traces a row keeps of where it came from (R-TRUST-1): browsers that
hold their own device cookie, the hash the database must hold for each, and a check that the raw
cookie value is stored nowhere."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import Client

from ownervote.core.crypto import lookup_hash
from ownervote.core.devices import COOKIE
from ownervote.verification.consent import FACE_CONSENT_VERSION
from tests.verification.conftest import last_code


def browser(user=None, *, address: str = "127.0.0.1") -> Client:
    """A browser that has opened one page of the site (so it holds a device cookie of its own),
    signed in as ``user`` when given, its requests coming from ``address``."""
    client = Client(REMOTE_ADDR=address)
    first = client.get("/m/login/")
    assert first.status_code == 200 and COOKIE in first.cookies
    if user is not None:
        client.force_login(user)
    return client


def raw_id(client: Client) -> str:
    return client.cookies[COOKIE].value


def hash_of(client: Client) -> str:
    """What a row made by this browser must hold as its ``device_hash``."""
    return lookup_hash("device", raw_id(client))


def assert_raw_id_stored_nowhere(*clients: Client) -> None:
    """No table holds a browser's device id as it is (the whole database, as a dump)."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out, verbosity=0)
    dump = out.getvalue()
    for client in clients:
        assert raw_id(client) not in dump


def verify_through_pages(client: Client, *, name: str, id_number: str, mobile: str) -> None:
    """Self-service verification through the owner's pages and the development face provider:
    ask for the code, submit the details, pass face recognition, come back."""
    data = {"name": name, "id_number": id_number, "mobile": mobile}
    agreed = client.post("/m/verify/consent/", {"decision": "given", "version": FACE_CONSENT_VERSION})
    assert agreed.status_code == 302, agreed.content.decode()[:2000]
    sent = client.post("/m/verify/", {**data, "code": "", "action": "send_code"})
    assert sent.status_code == 200, sent.content.decode()[:2000]
    started = client.post("/m/verify/", {**data, "code": last_code(mobile), "action": "verify"})
    assert started.status_code == 302 and started["Location"].startswith("/dev/face/"), started
    clicked = client.post(started["Location"], {"outcome": "pass"})
    assert clicked.status_code == 302
    back = client.get(clicked["Location"])
    assert back.status_code == 302 and "/m/verify/" in back["Location"]
