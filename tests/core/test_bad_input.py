"""A bad input is refused with a clear message, never a 500 (issue 19, point 8; SPEC section 4,
R-SEC-1): a NUL character anywhere in a request (PostgreSQL refuses it in text) is refused before
any view with 400, a Chinese page for people and the API's JSON error under /api/; an id beyond the
database's integers in an address is 404; a number typed as "²" or with 30 digits in a query is no
number at all. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ownervote.core.errors import Code
from ownervote.core.params import MAX_INT, int_param
from ownervote.meetings.models import Meeting
from ownervote.roster.models import ImportBatch

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "请求中含有空字符"


def _refused_page(response) -> None:
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def _refused_json(response, where: str) -> None:
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == Code.NUL_CHARACTER and NUL_MESSAGE in error["message"]
    assert error["details"] == {"where": where}


@pytest.mark.parametrize("url", ["/m/estates/?q=%00", "/m/estates/?q=a%00b", "/console/?x%00=1"])
def test_nul_in_a_query_is_refused_with_a_chinese_page(url):  # R-SEC-1
    _refused_page(Client().get(url))


def test_nul_in_an_owner_search_is_refused_for_a_signed_in_owner(client, owner_world):  # R-SEC-1
    client.force_login(owner_world["zhang"])
    _refused_page(client.get("/m/estates/", {"q": "碧海\x00"}))


def test_nul_in_a_form_field_is_refused_and_nothing_is_stored(client, staff, estates):  # R-MTG-1
    client.force_login(staff["convener"])
    response = client.post(
        f"/console/estates/{estates['a'].pk}/meetings/new/", {"title": "业主大会\x00", "place": "会所"}
    )
    _refused_page(response)
    assert not Meeting.objects.exists()


def test_nul_in_an_uploaded_file_name_never_reaches_the_database(client, staff, estates):  # R-SEC-1
    """Django's multipart parser drops a NUL from a file's name; the middleware would refuse one
    that got through (``core.nul.where_nul`` looks at ``request.FILES`` names)."""
    client.force_login(staff["convener"])
    upload = SimpleUploadedFile("roster\x00.csv", b"a,b\n", "text/csv")
    response = client.post(reverse("roster:import", args=[estates["a"].pk]), {"file": upload})
    assert response.status_code in (302, 400)
    assert all("\x00" not in batch.file.name for batch in ImportBatch.objects.select_related("file"))


def test_a_file_whose_content_holds_nul_bytes_is_not_refused_for_it(client, staff, estates):
    """A file's content is never looked at: a .pdf with NUL bytes is refused for being a .pdf."""
    client.force_login(staff["convener"])
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\x00\x00binary", "application/pdf")
    response = client.post(reverse("roster:import", args=[estates["a"].pk]), {"file": upload})
    assert response.status_code == 422 and NUL_MESSAGE not in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [{"title": "a\u0000"}, {"a\u0000": 1}, {"items": [{"text": ["x", "\u0000"]}]}],
    ids=["value", "key", "nested"],
)
def test_nul_in_a_json_body_is_the_api_error(client, staff, body):  # R-SEC-1
    client.force_login(staff["convener"])
    response = client.post("/api/meetings", json.dumps(body), content_type="application/json")
    _refused_json(response, "json")


def test_nul_in_an_api_query_is_the_api_error():  # R-SEC-1
    _refused_json(Client().get("/api/verification/notices", {"q": "\x00"}), "query")


def test_nul_in_a_cookie_is_refused():
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00"
    assert client.get("/m/").status_code == 400


def test_a_request_without_nul_passes(client):
    assert client.get("/m/estates/", {"q": "碧海"}).status_code in (200, 302)


@pytest.mark.parametrize(
    "url",
    [
        f"/p/meetings/{MAX_INT + 1}/result/",
        "/p/meetings/99999999999999999999999/result/result.pdf",
        "/m/estates/99999999999999999999999/",
    ],
)
def test_an_id_beyond_the_database_integers_is_404(url):  # SPEC section 4
    assert Client().get(url).status_code in (302, 404)


def test_an_api_id_beyond_the_database_integers_is_a_json_refusal(client, staff):
    """The API's ids are bounded in the schema (core.schemas.Id): 422 invalid_input, never a 500."""
    client.force_login(staff["convener"])
    response = client.get("/api/meetings/99999999999999999999999")
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_input"


@given(st.text(max_size=30))
def test_int_param_answers_a_database_integer_or_none(text):  # SPEC section 4
    value = int_param(text)
    assert value is None or 0 <= value <= MAX_INT
    if value is not None:
        assert text.strip().isascii()


def test_int_param_examples():
    assert int_param(" 42 ") == 42
    assert [int_param(v) for v in ("²", "-1", "1.5", "1e3", "", None, str(MAX_INT + 1))] == [None] * 7
    assert int_param(str(MAX_INT)) == MAX_INT


# --- the face provider's callback without a secret (production, no provider configured) --------

NO_SECRET = {"app_id": "ownervote-dev", "secret": ""}
CALLBACK = {"app_id": "ownervote-dev", "ref": "r1", "nonce": "n1", "timestamp": "1", "sign": "00"}


def test_the_face_callback_without_a_secret_is_refused_not_500(settings):  # R-ID-1, R-SEC-7
    """settings.prod empties the development provider's secret: an anonymous callback is then a
    clear 403 on the callback's own page, not an ImproperlyConfigured 500."""
    settings.OWNERVOTE_FACE_OPTIONS = NO_SECRET
    response = Client().get("/m/verify/face/callback/", CALLBACK)
    assert response.status_code == 403
    assert "本站未配置人脸识别" in response.content.decode()


def test_the_face_notify_without_a_secret_is_the_api_403(settings):  # R-ID-1
    settings.OWNERVOTE_FACE_OPTIONS = NO_SECRET
    response = Client().post("/api/verification/face/notify", CALLBACK)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "face.bad_signature"
