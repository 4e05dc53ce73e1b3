"""The face provider's callbacks (R-ID-1): only a correctly signed, fresh, first-time callback for
one of our attempts counts, and the result is the one asked from the provider."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import ServiceError
from ownervote.verification import services
from ownervote.verification.face import DevFaceProvider, FaceProvider, canonical, get_provider
from ownervote.verification.models import CallbackNonce, DevFaceSession, Verification, VerifiedIdentity
from tests.rosterfiles import person_id

from .conftest import send_code

pytestmark = pytest.mark.django_db

NEWCOMER_MOBILE = "13700000000"
RETURN_URL = "http://testserver/m/verify/face/callback/"
NOTIFY = "/api/verification/face/notify"


@pytest.fixture
def started(world):
    """A self-service attempt of the newcomer (钱七), waiting at the development provider."""
    code = send_code(NEWCOMER_MOBILE)
    v, start = services.self_service_start(
        actor=world["newcomer"],
        name="钱七",
        id_number=person_id(9),
        mobile=NEWCOMER_MOBILE,
        code=code,
        return_url=RETURN_URL,
    )
    assert v.status == Verification.Status.STARTED and start.provider_ref == v.provider_ref
    return v


def callback_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def state() -> tuple:
    """Everything a refused callback must leave as it was."""
    return (
        list(Verification.objects.order_by("pk").values_list("pk", "status", "finished_at")),
        list(VerifiedIdentity.objects.order_by("pk").values_list("pk", "verification_id")),
        AuditEvent.objects.count(),
        CallbackNonce.objects.count(),
    )


def refused(params, code: str, status: int) -> None:
    before = state()
    with pytest.raises(ServiceError) as exc:
        services.face_callback(params=params)
    assert (exc.value.code, exc.value.status) == (code, status)
    assert state() == before


def test_canonical_form_is_sorted_and_leaves_out_the_signature():
    assert canonical({"b": "2", "a": "1", "sign": "x", "c": ""}) == "a=1&b=2&c="


def test_a_signed_fresh_callback_is_accepted_and_the_provider_decides(started, face):  # R-ID-1
    url = face.decide(started.provider_ref, passed=True)
    assert url.startswith(RETURN_URL + "?")
    params = callback_params(url)
    assert set(params) == {"app_id", "ref", "nonce", "timestamp", "sign"}
    v = services.face_callback(params=params)
    assert v.pk == started.pk and v.status == Verification.Status.PASSED
    assert v.provider_result["passed"] is True
    identity = VerifiedIdentity.objects.get(user=started.user)
    assert identity.verification_id == v.pk and identity.id_number_hash == v.id_number_hash
    assert AuditEvent.objects.filter(action="verification.passed", object_id=str(v.pk)).exists()


def test_forged_callback_is_refused_and_changes_nothing(started, face):  # R-ID-1
    params = callback_params(face.decide(started.provider_ref, passed=True))
    # A wrong signature.
    refused({**params, "sign": "0" * 64}, "face.bad_signature", 403)
    # A parameter changed after signing (the signature no longer matches).
    refused({**params, "timestamp": str(int(params["timestamp"]) + 1)}, "face.bad_signature", 403)
    # Signed with another secret.
    forger = DevFaceProvider({"app_id": face.app_id, "secret": "not-the-secret"})
    refused(forger.signed_params(started.provider_ref), "face.bad_signature", 403)
    # Signed correctly but for another application.
    other_app = DevFaceProvider({"app_id": "someone-else", "secret": face.secret})
    refused(other_app.signed_params(started.provider_ref), "face.bad_signature", 403)
    # Incomplete.
    refused({k: v for k, v in params.items() if k != "nonce"}, "face.bad_callback", 422)
    started.refresh_from_db()
    assert started.status == Verification.Status.STARTED
    # The genuine callback still works afterwards.
    assert services.face_callback(params=params).status == Verification.Status.PASSED


def test_replayed_callback_is_refused_and_changes_nothing(started, face):  # R-ID-1
    params = callback_params(face.decide(started.provider_ref, passed=False))
    assert services.face_callback(params=params).status == Verification.Status.FAILED
    refused(params, "face.replayed", 409)
    assert CallbackNonce.objects.filter(nonce=params["nonce"]).count() == 1


def test_expired_callback_is_refused_and_changes_nothing(started, face, monkeypatch):  # R-ID-1
    face.decide(started.provider_ref, passed=True)
    max_age = face.max_age_seconds
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - max_age - 5)
    stale = face.signed_params(started.provider_ref)
    monkeypatch.setattr(time, "time", real_time)
    refused(stale, "face.callback_expired", 422)
    # Stamped in the future beyond the clock skew: refused too.
    monkeypatch.setattr(time, "time", lambda: real_time() + 3600)
    future = face.signed_params(started.provider_ref)
    monkeypatch.setattr(time, "time", real_time)
    refused(future, "face.callback_expired", 422)
    started.refresh_from_db()
    assert started.status == Verification.Status.STARTED


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(age=st.integers(min_value=-30, max_value=1300))
def test_callback_age_limit_is_exact(db, face, age):  # R-ID-1
    """Accepted up to OWNERVOTE_FACE_CALLBACK_MAX_AGE_SECONDS old, refused one second later."""
    params = face.signed_params("any-ref")
    now = int(params["timestamp"]) + age
    if age <= face.max_age_seconds:
        assert face.verify_callback(params, now=now).provider_ref == "any-ref"
    else:
        with pytest.raises(ServiceError) as exc:
            face.verify_callback(params, now=now)
        assert exc.value.code == "face.callback_expired"


def test_unknown_ref_is_refused_and_changes_nothing(started, face):  # R-ID-1
    refused(face.signed_params("f" * 32), "face.unknown_ref", 404)
    # A session of the provider that is not one of our attempts: still unknown to us.
    session_ref = "a" * 32
    DevFaceSession.objects.create(ref=session_ref, name_masked="某*", return_url=RETURN_URL, outcome="passed")
    refused(face.signed_params(session_ref), "face.unknown_ref", 404)


def test_callback_before_the_provider_has_a_result_is_refused(started, face):  # R-ID-1
    params = face.signed_params(started.provider_ref)  # nobody has clicked yet
    refused(params, "face.pending", 409)
    # The refusal left the nonce unused: once the person finishes, the same message counts.
    face.decide(started.provider_ref, passed=True)
    assert services.face_callback(params=params).status == Verification.Status.PASSED


def test_browser_callback_and_server_notify_both_arrive(started, face, client):  # R-ID-1
    params = callback_params(face.decide(started.provider_ref, passed=True))
    response = client.post(NOTIFY, params)
    assert response.status_code == 200 and response.json()["status"] == "passed"
    events = AuditEvent.objects.count()
    # The browser's own callback (another nonce) finds the attempt decided: nothing changes.
    again = services.face_callback(params=face.signed_params(started.provider_ref))
    assert again.status == Verification.Status.PASSED and AuditEvent.objects.count() == events


def test_notify_endpoint_refuses_forged_and_replayed(started, face, client):  # R-ID-1
    params = callback_params(face.decide(started.provider_ref, passed=True))
    forged = client.post(NOTIFY, {**params, "sign": "1" * 64})
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "face.bad_signature"
    assert client.post(NOTIFY, params, content_type="application/json").status_code == 200
    replay = client.post(NOTIFY, params)
    assert replay.status_code == 409 and replay.json()["error"]["code"] == "face.replayed"
    garbage = client.post(NOTIFY, "[1, 2]", content_type="application/json")
    assert garbage.status_code == 422


class ElsewhereProvider(FaceProvider):
    name = "elsewhere"


def test_backend_is_chosen_in_settings(started, client):
    assert isinstance(get_provider(), DevFaceProvider)
    with override_settings(OWNERVOTE_FACE_BACKEND="tests.verification.test_face.ElsewhereProvider"):
        assert isinstance(get_provider(), ElsewhereProvider)
        # The development provider's page exists only while it is the configured backend.
        assert client.get(reverse("verification:dev_face", args=[started.provider_ref])).status_code == 404
    page = client.get(reverse("verification:dev_face", args=[started.provider_ref]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "模拟人脸识别" in text and "钱*" in text and "识别通过" in text and "识别不通过" in text
    assert "钱七" not in text


def test_dev_page_decides_once(started, client):
    url = reverse("verification:dev_face", args=[started.provider_ref])
    first = client.post(url, {"outcome": "pass"})
    assert first.status_code == 302 and first["Location"].startswith(RETURN_URL)
    second = client.post(url, {"outcome": "fail"})
    assert second.status_code == 409
    assert DevFaceSession.objects.get(ref=started.provider_ref).outcome == "passed"
    assert client.get(reverse("verification:dev_face", args=["0" * 32])).status_code == 404


def test_notify_needs_no_csrf_token_but_a_signature(started, face):  # R-ID-1
    client = Client(enforce_csrf_checks=True)
    params = callback_params(face.decide(started.provider_ref, passed=True))
    assert client.post(NOTIFY, params).status_code == 200


def test_provider_without_secret_starts_nothing(world):  # R-ID-1
    code = send_code(NEWCOMER_MOBILE)
    with pytest.raises(ServiceError) as exc:
        services.self_service_start(
            actor=world["newcomer"],
            name="钱七",
            id_number=person_id(9),
            mobile=NEWCOMER_MOBILE,
            code=code,
            return_url=RETURN_URL,
            provider=DevFaceProvider({"app_id": "x", "secret": ""}),
        )
    assert exc.value.code == "face.unavailable" and exc.value.status == 503
    assert not Verification.objects.filter(user=world["newcomer"]).exists()
