"""R-SEC-7: face recognition needs the owner's separate consent (PIPL art. 28, 29; the 2025
measures on face recognition), recorded with the version and hash of the text shown; not agreeing
leads to the on-site verification without penalty; the face step refuses to start without it."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.bindings.models import Binding
from ownervote.core.errors import ServiceError
from ownervote.core.files import Upload
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.verification import consent, services
from ownervote.verification.errors import Code
from ownervote.verification.models import FaceConsent, Method, Verification
from tests.owners import face_consent
from tests.rosterfiles import mobile, person_id
from tests.traces import browser, hash_of

from .conftest import image_bytes, send_code

pytestmark = pytest.mark.django_db

VERIFY, CONSENT, ONSITE = "/m/verify/", "/m/verify/consent/", "/m/verify/on-site/"
V = "/api/verification"
ZHAO_MOBILE = mobile(4)  # 赵六, owner of 1栋-201 in the roster, not signed up in the world

# Every version of the notice ever shown, with the SHA-256 of its text. A changed text needs a new
# version (a new file, FACE_CONSENT_VERSION moved on) and a new line here: never a changed hash.
PINNED = {
    "face-2026-12-v1": "23d03b937cb40d21cfe13576469ad2c3d1052229a43ef75eda77d4e2ece3e50f",
}


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def zhao(world):
    """赵六 signed up by SMS, not verified, has not decided on the notice."""
    return owner_account_for_mobile(ZHAO_MOBILE)


def start(user, code: str = "000000"):
    """The face step; the SMS code is checked after the consent (a wrong one: 422)."""
    return services.self_service_start(
        actor=user,
        name="赵六",
        id_number=person_id(4),
        mobile=ZHAO_MOBILE,
        code=code,
        return_url="https://vote.example.test/m/verify/face/callback/",
    )


def test_r_sec_7_each_version_of_the_notice_has_its_pinned_hash():
    assert consent.FACE_CONSENT_VERSION in PINNED
    files = sorted(consent.TEXTS.glob("*.txt"))
    assert {f.stem for f in files} == set(PINNED), "a new version needs its pinned hash"
    for f in files:
        assert hashlib.sha256(f.read_bytes()).hexdigest() == PINNED[f.stem], f"{f.name} changed: new version"
    assert consent.consent_text().sha256 == PINNED[consent.FACE_CONSENT_VERSION]


def test_r_sec_7_the_notice_says_what_who_why_how_long_and_the_alternative():
    text_ = consent.consent_text()
    headings = [s.heading for s in text_.sections]
    assert headings == [
        "一、收集什么",
        "二、由谁处理",
        "三、为什么处理",
        "四、保存多久",
        "五、不同意也可以核实身份",
        "六、您的权利",
    ]
    whole = text_.text
    for word in (
        "面部影像",
        "敏感个人信息",
        "腾讯云",
        "不保存您的面部图像",
        "三年",
        "现场核实",
        "撤回同意",
    ):
        assert word in whole, word


def test_r_sec_7_the_face_step_refuses_to_start_without_a_current_consent(zhao):
    for situation in ("never decided", "refused", "consented to an old text"):
        if situation == "refused":
            face_consent(zhao, "refused")
        if situation == "consented to an old text":
            FaceConsent.objects.create(
                user=zhao,
                text_version="face-2000-01-v0",
                text_sha256="0" * 64,
                decision="given",
                decided_at=timezone.now(),
            )
        with pytest.raises(ServiceError) as exc:
            start(zhao)
        assert (exc.value.code, exc.value.status) == (Code.FACE_CONSENT_REQUIRED, 403), situation
        assert "单独同意" in str(exc.value.message)
    assert not Verification.objects.filter(user=zhao).exists()
    # Consenting to the current text lets it start, and the attempt names the consent.
    given = face_consent(zhao)
    v, _start = start(zhao, send_code(ZHAO_MOBILE))
    assert v.face_consent_id == given.pk and v.status == Verification.Status.STARTED


def test_r_sec_7_a_refusal_withdraws_an_earlier_consent(zhao):
    face_consent(zhao)
    assert consent.current_face_consent(zhao) is not None
    face_consent(zhao, "refused")
    assert consent.current_face_consent(zhao) is None
    with pytest.raises(ServiceError):
        start(zhao)


def test_r_sec_7_the_decision_is_recorded_with_its_text_and_audited_without_personal_data(zhao):
    phone = browser(zhao, address="198.51.100.7")
    page = text(phone.get(VERIFY))  # the consent comes before the form
    assert "同意并继续" in page and "不同意，去现场核实" in page and "获取验证码" not in page
    assert consent.FACE_CONSENT_VERSION in page and "二、由谁处理" in page
    agreed = phone.post(CONSENT, {"decision": "given", "version": consent.FACE_CONSENT_VERSION})
    assert agreed.status_code == 302 and agreed["Location"] == VERIFY
    row = FaceConsent.objects.get(user=zhao)
    assert (row.decision, row.text_version, row.text_sha256) == (
        "given",
        consent.FACE_CONSENT_VERSION,
        PINNED[consent.FACE_CONSENT_VERSION],
    )
    assert (row.client_ip, row.device_hash) == ("198.51.100.7", hash_of(phone))
    assert "获取验证码" in text(phone.get(VERIFY))  # now the face step's form
    event = AuditEvent.objects.get(action="face_consent.given", object_id=str(row.pk))
    assert event.actor_id == zhao.pk
    assert event.summary == {"version": row.text_version, "sha256": row.text_sha256}
    # A stale or missing decision is refused on the page, in Chinese, and records nothing.
    stale = phone.post(CONSENT, {"decision": "given", "version": "face-2000-01-v0"})
    assert stale.status_code == 409 and "人脸识别告知已更新" in text(stale)
    empty = phone.post(CONSENT, {"version": consent.FACE_CONSENT_VERSION})
    assert empty.status_code == 422 and "请选择" in text(empty)
    assert FaceConsent.objects.filter(user=zhao).count() == 1


def test_r_sec_7_not_agreeing_leads_to_the_on_site_path_of_the_estate(zhao, world):
    phone = browser(zhao)
    estate = world["estate"]
    phone.get(f"{VERIFY}?next=/m/estates/{estate.pk}/")  # came from the estate's QR code
    refused = phone.post(CONSENT, {"decision": "refused", "version": consent.FACE_CONSENT_VERSION})
    assert refused.status_code == 302 and refused["Location"] == ONSITE
    page = text(phone.get(ONSITE))
    assert "不同意不会对您有任何不利影响" in page and "产权证明" in page and "身份证" in page
    convener_org = world["convener"].memberships.get().organisation
    assert estate.name in page and f"召集人： {convener_org.name}" in page
    assert AuditEvent.objects.filter(
        action="face_consent.refused", object_id=str(zhao.face_consents.get().pk)
    )
    # Still no face step: the notice is shown again, with the earlier choice.
    again = text(phone.get(VERIFY))
    assert "同意并继续" in again and "您上次选择了不同意" in again


def test_r_sec_7_the_face_form_posted_without_consent_shows_the_notice(zhao):
    phone = browser(zhao)
    response = phone.post(
        VERIFY,
        {
            "name": "赵六",
            "id_number": person_id(4),
            "mobile": ZHAO_MOBILE,
            "code": "123456",
            "action": "verify",
        },
    )
    assert response.status_code == 403
    page = text(response)
    assert "人脸识别须先经您单独同意" in page and "同意并继续" in page
    assert not Verification.objects.filter(user=zhao).exists()


def test_r_sec_7_an_owner_who_refused_binds_through_on_site_verification(zhao, world):
    face_consent(zhao, "refused")
    flat = world["flats"]["1栋-201"]
    v = services.onsite_verify(
        actor=world["convener"],
        estate_id=world["estate"].pk,
        flat_id=flat.pk,
        name="赵六",
        id_number=person_id(4),
        mobile=ZHAO_MOBILE,
        ownership_proof_checked=True,
        id_document_checked=True,
        id_photo=Upload("id.jpg", image_bytes("JPEG"), "image/jpeg"),
        holding_photo=Upload("holding.jpg", image_bytes("JPEG"), "image/jpeg"),
        note="",
    )
    assert v.method == Method.ON_SITE and v.status == Verification.Status.PASSED and v.user_id == zhao.pk
    assert Binding.objects.filter(user=zhao, flat=flat).exists()


def test_r_sec_7_the_api_gives_the_notice_and_records_the_decision(zhao):
    api = Client()
    api.force_login(zhao)
    notice = api.get(f"{V}/face-consent").json()
    assert notice["version"] == consent.FACE_CONSENT_VERSION and notice["sha256"] == PINNED[notice["version"]]
    assert hashlib.sha256(notice["text"].encode()).hexdigest() == notice["sha256"]
    assert notice["consented"] is False and notice["latest"] is None and notice["on_site_enabled"] is True
    assert notice["sections"][0]["heading"] == "一、收集什么"
    body = {"name": "赵六", "id_number": person_id(4), "mobile": ZHAO_MOBILE, "code": send_code(ZHAO_MOBILE)}
    refused = api.post(f"{V}/self-service", body, content_type="application/json")
    assert (
        refused.status_code == 403 and refused.json()["error"]["code"] == "verification.face_consent_required"
    )
    stale = api.post(
        f"{V}/face-consent",
        {"decision": "given", "version": "face-2000-01-v0"},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "verification.face_consent_stale"
    given = api.post(
        f"{V}/face-consent",
        {"decision": "given", "version": notice["version"]},
        content_type="application/json",
    )
    assert given.status_code == 201 and given.json()["text_sha256"] == notice["sha256"]
    assert api.get(f"{V}/face-consent").json()["consented"] is True
    started = api.post(f"{V}/self-service", body, content_type="application/json")
    assert started.status_code == 201, started.content
