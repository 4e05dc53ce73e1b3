"""The 403 page keeps the server's reason (issue 22 item 10): a service's Forbidden on a page, and
Django's PermissionDenied, show their Chinese message, not a bare "403 Forbidden"."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation

from ownervote.core.errors import Forbidden
from ownervote.core.middleware import ServiceErrorMiddleware

REASON = "只有本小区经批准的召集人可以进行此操作。"


def _request(path: str):
    request = RequestFactory().get(path)
    request.resolver_match = None
    request.csp_nonce = "n"
    return request


@pytest.mark.parametrize(
    "path, home", [("/m/meetings/1/vote/", "/m/"), ("/console/meetings/1/", "/console/")]
)
def test_forbidden_from_a_service_shows_its_message(path, home):
    with translation.override("zh-hans"):
        response = ServiceErrorMiddleware(lambda r: None).process_exception(
            _request(path), Forbidden("forbidden", REASON)
        )
    page = response.content.decode()
    assert response.status_code == 403
    assert REASON in page and "您无权进行此操作" in page and 'lang="zh-CN"' in page
    assert f'id="home" href="{home}"' in page


def test_permission_denied_without_a_reason_says_so_in_chinese():
    from django.views.defaults import permission_denied

    with translation.override("zh-hans"):
        response = permission_denied(_request("/console/x/"), PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403 and "您的账号无权打开此页面或进行此操作。" in page
