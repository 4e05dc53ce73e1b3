"""Self-service verification with the Tencent Cloud FaceID adapter (R-ID-4, R-SEC-7): the callback
Tencent sends the browser back with (our signed parameters, its token) and the whole flow through
the service and the pages, on recorded answers, with sockets refused."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import override_settings

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import ServiceError
from ownervote.verification import services
from ownervote.verification.models import CallbackNonce, Verification, VerifiedIdentity
from ownervote.verification.providers import tencent
from tests.rosterfiles import person_id

from .conftest import last_code, send_code
from .tencent_fakes import (
    BIZ_TOKEN,
    H5_URL,
    OPTIONS,
    PENDING,
    FakeTransport,
    detect_auth_answer,
    provider,
    text_answer,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_network")]

NEWCOMER_MOBILE = "13700000000"
RETURN_URL = "http://testserver/m/verify/face/callback/"
TENCENT = "ownervote.verification.providers.tencent.TencentFaceProvider"


@pytest.fixture
def transport():
    return FakeTransport(detect_auth_answer())


@pytest.fixture
def face(transport):
    return provider(transport)


@pytest.fixture
def started(world, face, transport):
    """The newcomer (钱七) has started; the browser is on Tencent's page."""
    v, start = services.self_service_start(
        actor=world["newcomer"],
        name="钱七",
        id_number=person_id(9),
        mobile=NEWCOMER_MOBILE,
        code=send_code(NEWCOMER_MOBILE),
        return_url=RETURN_URL,
        provider=face,
    )
    assert start.redirect_url == H5_URL and v.provider == "tencent" and v.provider_ref == BIZ_TOKEN
    return v


def back_from_tencent(transport, *, token: str | None = BIZ_TOKEN) -> dict[str, str]:
    """The parameters of the browser's return: the RedirectUrl we gave DetectAuth, with the token
    Tencent appends."""
    redirect = json.loads(transport.requests[0].body)["RedirectUrl"]
    params = dict(parse_qsl(urlsplit(redirect).query))
    return {**params, "token": token} if token else params


def state() -> tuple:
    return (
        list(Verification.objects.order_by("pk").values_list("pk", "status", "finished_at")),
        list(VerifiedIdentity.objects.order_by("pk").values_list("pk", "verification_id")),
        AuditEvent.objects.count(),
        CallbackNonce.objects.count(),
    )


def refused(face, params, code: str, status: int, **kwargs) -> None:
    before = state()
    with pytest.raises(ServiceError) as exc:
        services.face_callback(params=params, provider=face, **kwargs)
    assert (exc.value.code, exc.value.status) == (code, status)
    assert state() == before


def test_good_callback_passes_on_tencents_answer(started, face, transport):  # R-ID-4 R-SEC-7
    transport.replies.append(text_answer(0, sim="93.5"))
    v = services.face_callback(params=back_from_tencent(transport), provider=face)
    assert v.pk == started.pk and v.status == Verification.Status.PASSED
    # Only the outcome is kept: no image, no ID number, nothing else of Tencent's answer.
    assert v.provider_result == {"passed": True, "score": 93.5, "reason": ""}
    assert VerifiedIdentity.objects.get(user=started.user).verification_id == v.pk
    assert transport.actions() == ["DetectAuth", "GetDetectInfoEnhanced"]
    assert json.loads(transport.requests[1].body)["BizToken"] == BIZ_TOKEN


def test_callback_without_tencents_token_is_enough(started, face, transport):  # R-ID-4
    """Tencent need not append its token: our signed reference names the attempt."""
    transport.replies.append(text_answer(0))
    v = services.face_callback(params=back_from_tencent(transport, token=None), provider=face)
    assert v.status == Verification.Status.PASSED


def test_failed_recognition_fails_the_attempt(started, face, transport):  # R-ID-4
    transport.replies.append(text_answer(3004, sim="20.0", err_msg="比对不通过"))
    v = services.face_callback(params=back_from_tencent(transport), provider=face)
    assert v.status == Verification.Status.FAILED and v.failure_reason == "tencent.3004"
    assert not VerifiedIdentity.objects.filter(user=started.user).exists()


def test_tampered_callbacks_are_refused_and_change_nothing(started, face, transport):  # R-ID-4
    params = back_from_tencent(transport)
    refused(face, {**params, "sign": "0" * 64}, "face.bad_signature", 403)
    # Another attempt's id under our signature: the signature no longer matches.
    refused(face, {**params, "ref": str(started.pk + 1)}, "face.bad_signature", 403)
    # Our genuine parameters with another session's token appended.
    refused(face, {**params, "token": "0" * 36}, "face.bad_signature", 403)
    # Signed correctly, but for no attempt of ours.
    refused(face, face.signed_params(str(started.pk + 1000)), "face.unknown_ref", 404)
    refused(face, face.signed_params("not-a-number"), "face.unknown_ref", 404)
    assert transport.actions() == ["DetectAuth"]  # Tencent was never asked


def test_stale_callback_is_refused(started, face, transport):  # R-ID-4
    params = back_from_tencent(transport)
    stamp = int(params["timestamp"])
    # The age counts from the start: a person may spend up to the attempt's 30 minutes at Tencent.
    assert face.max_age_seconds == 1800
    before = state()
    with pytest.raises(ServiceError) as exc:
        face.verify_callback(params, now=stamp + 1801)
    assert exc.value.code == "face.callback_expired" and state() == before
    assert face.verify_callback(params, now=stamp + 1799).provider_ref == BIZ_TOKEN


def test_replayed_callback_is_refused(started, face, transport):  # R-ID-4
    transport.replies.append(text_answer(0))
    params = back_from_tencent(transport)
    assert services.face_callback(params=params, provider=face).status == Verification.Status.PASSED
    refused(face, params, "face.replayed", 409)


def test_pending_leaves_the_callback_usable(started, face, transport):  # R-ID-4
    params = back_from_tencent(transport)
    transport.replies.append(PENDING)
    refused(face, params, "face.pending", 409)
    transport.replies.append(text_answer(0))
    assert services.face_callback(params=params, provider=face).status == Verification.Status.PASSED


def test_provider_down_at_the_result_leaves_the_callback_usable(started, face, transport):  # R-ID-4
    params = back_from_tencent(transport)
    transport.replies.extend([ConnectionResetError("reset")] * 3)
    refused(face, params, "face.unavailable", 503)
    transport.replies.append(text_answer(0))
    assert services.face_callback(params=params, provider=face).status == Verification.Status.PASSED


# --- through the pages ----------------------------------------------------------------------------


def page_options() -> dict:
    return {**OPTIONS, "backoff": "0"}


def details() -> dict:
    return {"name": "钱七", "id_number": person_id(9), "mobile": NEWCOMER_MOBILE}


def submit(client) -> object:
    sent = client.post("/m/verify/", {**details(), "code": "", "action": "send_code"})
    assert sent.status_code == 200
    return client.post("/m/verify/", {**details(), "code": last_code(NEWCOMER_MOBILE), "action": "verify"})


def test_whole_flow_through_the_pages(client, world, monkeypatch):  # R-ID-4
    """The owner submits the form, is sent to Tencent's page, comes back to our callback with the
    token, and is verified on Tencent's answer asked server to server."""
    transport = FakeTransport(detect_auth_answer(), text_answer(0))
    monkeypatch.setattr(tencent, "https_transport", transport)
    client.force_login(world["newcomer"])
    with override_settings(OWNERVOTE_FACE_BACKEND=TENCENT, OWNERVOTE_FACE_OPTIONS=page_options()):
        response = submit(client)
        assert response.status_code == 302 and response["Location"] == H5_URL
        redirect = json.loads(transport.requests[0].body)["RedirectUrl"]
        assert redirect.startswith(RETURN_URL + "?")
        # Tencent sends the browser back; our page asks Tencent for the result.
        back = client.get(urlsplit(redirect).path + "?" + urlencode(back_from_tencent(transport)))
        assert back.status_code == 302
        result = client.get(back["Location"])
    assert result.status_code == 200
    v = Verification.objects.get(user=world["newcomer"])
    assert v.status == Verification.Status.PASSED and v.provider == "tencent"
    assert VerifiedIdentity.objects.filter(user=world["newcomer"]).exists()
    assert transport.actions() == ["DetectAuth", "GetDetectInfoEnhanced"]


def test_provider_down_at_the_start_points_to_on_site(client, world, monkeypatch):  # R-ID-4
    transport = FakeTransport(*[TimeoutError("timed out")] * 3)
    monkeypatch.setattr(tencent, "https_transport", transport)
    client.force_login(world["newcomer"])
    with override_settings(OWNERVOTE_FACE_BACKEND=TENCENT, OWNERVOTE_FACE_OPTIONS=page_options()):
        response = submit(client)
    assert response.status_code == 503
    assert "人脸识别服务暂不可用，请稍后再试，或请小区召集人现场核实身份" in response.content.decode()
    assert len(transport.requests) == 3
    # The attempt is kept as failed (nothing verified, no row left locked while Tencent was awaited).
    v = Verification.objects.get(user=world["newcomer"])
    assert (v.status, v.failure_reason, v.provider_ref) == ("failed", "provider_unavailable", "")
    assert not VerifiedIdentity.objects.filter(user=world["newcomer"]).exists()


@pytest.mark.django_db(transaction=True)
def test_no_row_is_locked_while_tencent_answers(world, face, monkeypatch):  # R-ID-4
    """DetectAuth is awaited outside the transaction: the attempt is already committed (another
    connection would see it) and no transaction is open when the provider is called."""
    from django.db import connection

    seen = {}

    def start(**kwargs):
        seen["in_atomic"] = connection.in_atomic_block
        return real_start(**kwargs)

    real_start = face.start
    monkeypatch.setattr(face, "start", start)
    services.self_service_start(
        actor=world["newcomer"],
        name="钱七",
        id_number=person_id(9),
        mobile=NEWCOMER_MOBILE,
        code=send_code(NEWCOMER_MOBILE),
        return_url=RETURN_URL,
        provider=face,
    )
    assert seen == {"in_atomic": False}
