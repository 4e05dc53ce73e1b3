"""Every response carries a Content-Security-Policy (django-csp) and a Permissions-Policy: the owner
pages, the console and the API. Inline styles and scripts run only with the request's nonce; no
template has an inline event handler, a ``javascript:`` link or a style attribute (the policy
would block them), so a new one fails here before it fails in a browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "ownervote"
# Rendered to PDF by WeasyPrint, never served to a browser.
PDF_TEMPLATES = re.compile(r"(_pdf\.html|documents/base\.html)$")


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_strict(response) -> dict[str, list[str]]:
    policy = directives(response)
    assert policy.get("default-src") == ["'self'"], policy
    assert policy.get("frame-ancestors") == ["'none'"]
    assert policy.get("object-src") == ["'none'"]
    assert policy.get("base-uri") == ["'self'"]
    assert "'self'" in policy.get("form-action", [])
    assert policy.get("connect-src") == ["'self'"]  # htmx talks to this site only
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[name] and "'unsafe-eval'" not in policy[name], policy[name]
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions, permissions
    return policy


def test_owner_pages_send_the_policy_and_their_style_carries_its_nonce(owner_world):  # R-SEC-1
    client = Client()
    client.force_login(owner_world["zhang"])
    for path in ("/m/", "/m/flats/", "/m/login/"):
        response = (Client() if path == "/m/login/" else client).get(path)
        assert response.status_code == 200, path
        policy = assert_strict(response)
        nonce = next(v for v in policy["style-src"] if v.startswith("'nonce-"))[7:-1]
        assert f'<style nonce="{nonce}">'.encode() in response.content, path
        assert b"<style>" not in response.content and b' style="' not in response.content, path


def test_console_pages_send_the_policy(staff):  # R-SEC-1
    client = Client()
    client.force_login(staff["convener"])
    for path in ("/console/", "/console/meetings/", "/console/login/"):
        response = client.get(path)
        assert response.status_code in (200, 302), path
        assert_strict(response)


def test_the_api_sends_the_policy(staff):  # R-SEC-1
    client = Client()
    assert_strict(client.get("/api/orgs/divisions"))
    assert_strict(client.get("/api/me"))  # 401 too
    client.force_login(staff["convener"])
    assert_strict(client.get("/api/me"))


def test_the_self_service_page_lets_its_form_lead_to_the_face_provider(owner_world, settings):  # R-ID-1
    """Face recognition happens at the provider's site, reached by a redirect after the form: only
    that page's form-action names it (OWNERVOTE_CSP_FORM_ACTION); no page asks for the camera."""
    client = Client()
    client.force_login(owner_world["newcomer"])
    response = client.get("/m/verify/")
    policy = assert_strict(response)
    assert policy["form-action"] == ["'self'", *settings.OWNERVOTE_CSP_FORM_ACTION]
    assert directives(client.get("/m/"))["form-action"] == ["'self'"]


def served_templates() -> list[Path]:
    return [p for p in SRC.glob("**/templates/**/*.html") if not PDF_TEMPLATES.search(p.as_posix())]


def test_no_template_needs_unsafe_inline():  # R-SEC-1
    wrong = []
    for path in served_templates():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(SRC)
        if re.search(r"\son[a-z]+\s*=", text):
            wrong.append(f"{rel}: an inline event handler")
        if "javascript:" in text:
            wrong.append(f"{rel}: a javascript: link")
        if re.search(r"""\sstyle\s*=\s*["']""", text):
            wrong.append(f"{rel}: a style attribute")
        for tag in re.findall(r"<(?:style|script)\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag and 'type="application/json"' not in tag:
                wrong.append(f"{rel}: {tag} without the nonce")
    assert not wrong, "\n".join(wrong)
