"""The guides per role at /help/ (issue 22, item 11): the built MkDocs site is served, in Chinese,
to anybody; nothing outside it is reachable; every page's header links to the guide's section for
that page, and every section the mapping names exists in the built site."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ownervote.core.help import HELP_ANCHORS, help_target

pytestmark = pytest.mark.django_db

GUIDE_PAGES = ("", "owner/", "convener/", "street/", "district/", "counting/")
ID = re.compile(r'\bid="([^"]+)"')


def test_help_serves_the_index_and_each_role_page_in_chinese(guides):
    client = Client()
    index = client.get("/help/")
    assert index.status_code == 200
    assert index["Content-Type"].startswith("text/html")
    body = b"".join(index.streaming_content).decode()
    assert "使用指南" in body and 'lang="zh' in body
    for page, words in (("owner/", "业主"), ("convener/", "召集人"), ("street/", "街道办事处")):
        response = client.get(f"/help/{page}")
        assert response.status_code == 200, page
        assert words in b"".join(response.streaming_content).decode()


def test_help_allows_the_sites_inline_scripts_by_hash_only(guides):
    response = Client().get("/help/owner/")
    policy = response["Content-Security-Policy"]
    assert "'sha256-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_help_redirects_a_folder_without_its_slash_and_serves_assets(guides):
    client = Client()
    assert client.get("/help/owner")["Location"] == "/help/owner/"
    css = next((guides / "assets" / "stylesheets").glob("main.*.min.css")).name
    response = client.get(f"/help/assets/stylesheets/{css}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")


@pytest.mark.parametrize(
    "path",
    [
        "/help/../pyproject.toml",
        "/help/%2e%2e/%2e%2e/pyproject.toml",
        "/help/..%2fmkdocs.yml",
        "/help//etc/passwd",
        "/help/nothing-here/",
        "/help/owner/missing.png",
    ],
)
def test_help_serves_nothing_outside_the_built_site(guides, path):
    assert Client().get(path).status_code == 404


def test_help_is_404_until_the_site_is_built(settings, tmp_path):
    settings.OWNERVOTE_HELP_ROOT = tmp_path / "not-built"
    assert Client().get("/help/").status_code == 404


def test_help_refuses_writes(guides):
    assert Client().post("/help/").status_code == 405


def _anchors(site) -> dict[str, set[str]]:
    found = {}
    for page in GUIDE_PAGES:
        html = (site / page / "index.html").read_text(encoding="utf-8")
        found[page] = set(ID.findall(html))
    return found


def test_every_mapped_anchor_exists_in_the_built_site(guides):
    """The one mapping from URL name to guide section (core.help.HELP_ANCHORS): each names a page
    of the site and a heading on it."""
    anchors = _anchors(guides)
    wrong = []
    for name, target in HELP_ANCHORS.items():
        page, _, anchor = target.partition("#")
        if page not in anchors:
            wrong.append(f"{name}: no guide page {page!r}")
        elif anchor and anchor not in anchors[page]:
            wrong.append(f"{name}: no #{anchor} on {page or 'the index'}")
    assert not wrong, "\n".join(wrong)


def _view_names(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace or namespace
            yield from _view_names(p.url_patterns, inner or "")
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_mapped_url_name_is_a_page():
    names = set(_view_names(get_resolver().url_patterns))
    assert not [name for name in HELP_ANCHORS if name not in names]


def test_an_unmapped_page_gets_its_areas_guide():
    assert help_target(None, "/m/somewhere/") == "owner/"
    assert help_target("no:such", "/p/x/") == "owner/"
    assert help_target(None, "/console/x/") == ""
    assert help_target("voting:vote", "/m/meetings/1/vote/") == "owner/#vote"


def _help_link(html: str) -> str:
    found = re.search(r'<a class="[^"]*help[^"]*" id="help-link" href="([^"]+)"[^>]*>帮助</a>', html)
    assert found, "no 帮助 link in the header"
    return found.group(1)


def test_owner_pages_header_links_to_the_owner_guide(staff):
    client = Client()
    assert _help_link(client.get("/m/login/").content.decode()) == "/help/owner/#sign-in"
    assert _help_link(client.get("/m/").content.decode()) == "/help/owner/#home"


def test_console_pages_header_links_to_the_section_for_the_page(staff):
    client = Client()
    assert _help_link(client.get("/console/login/").content.decode()) == "/help/#sign-in"
    client.force_login(staff["street"])
    assert _help_link(client.get("/console/").content.decode()) == "/help/#roles"
    assert _help_link(client.get("/console/complaints/").content.decode()) == "/help/street/#complaints"
    client.force_login(staff["convener"])
    assert _help_link(client.get("/console/estates/").content.decode()) == "/help/convener/#roster"
