"""R-SEC-7: no face image is stored by OwnerVote, only the provider's ticket and outcome.

Every row of every model is read before and after a whole self-service verification (the owner's
pages, the provider's answer, the callback), and every value added or changed is inspected: no
file, no binary, no base64 picture, no part of an image the provider sent anyway; of the
provider's answer only the ticket (``provider_ref``) and the outcome (``provider_result``)."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.files.storage import FileSystemStorage
from django.test import override_settings

from ownervote.core.models import StoredFile
from ownervote.verification.models import Verification
from ownervote.verification.providers import tencent
from tests.traces import browser, verify_through_pages

from .conftest import image_bytes
from .tencent_fakes import BIZ_TOKEN, H5_URL, FakeTransport, answer, detect_auth_answer
from .test_face_tencent_flow import TENCENT, back_from_tencent, page_options, submit
from .test_self_service import details

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_network")]

# A face photo and a video as GetDetectInfoEnhanced would return them if asked for images
# (InfoType 2/3): the adapter asks for text only, and we make the fake send them anyway.
FACE_JPEG = image_bytes("JPEG", size=(64, 64), noise=True)
FACE_B64 = base64.b64encode(FACE_JPEG).decode()
VIDEO_B64 = base64.b64encode(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8).decode()
# Base64 of picture formats (JPEG, PNG, WebP, GIF) and of MP4, and any long base64 run.
PICTURE_B64 = re.compile(r"/9j/|iVBORw0KGgo|UklGR|R0lGOD|AAAAGGZ0eXA|data:image/")
LONG_B64 = re.compile(r"[A-Za-z0-9+/]{400,}={0,2}")


def hostile_answer():
    """A passing result with the face image and video filled in."""
    text = {
        "ErrCode": 0,
        "ErrMsg": "成功",
        "IdCard": "",
        "Name": "",
        "LiveStatus": 0,
        "LiveMsg": "成功",
        "Comparestatus": 0,
        "Comparemsg": "成功",
        "Sim": "96.12",
        "Extra": "",
        "LivenessDetail": [],
    }
    return answer(
        {
            "Text": text,
            "IdCardData": {"OcrFront": FACE_B64, "OcrBack": FACE_B64},
            "BestFrame": {"BestFrame": FACE_B64, "BestFrames": [FACE_B64]},
            "VideoData": {"LivenessVideo": VIDEO_B64},
            "RequestId": "stored-data-test",
        }
    )


def snapshot() -> dict:
    """Every row of every model: (label, pk) -> {field: value}."""
    rows = {}
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for row in model._base_manager.values():
            rows[(model._meta.label, row.get(model._meta.pk.attname))] = row
    return rows


def written(before: dict, after: dict) -> list[tuple[str, str, object]]:
    """(model, field, value) of every value added or changed."""
    out = []
    for key, row in after.items():
        old = before.get(key, {})
        out.extend(
            (key[0], field, value) for field, value in row.items() if key not in before or old[field] != value
        )
    return out


def assert_no_image(values: list[tuple[str, str, object]]) -> None:
    for model, field, value in values:
        where = f"{model}.{field}"
        if isinstance(value, bytes | bytearray | memoryview):
            raise AssertionError(f"binary stored in {where}")
        flat = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
        assert FACE_B64[:64] not in flat and VIDEO_B64[:64] not in flat, f"the provider's image in {where}"
        assert not PICTURE_B64.search(flat), f"a base64 picture in {where}"
        if not field.endswith("_enc"):  # ciphertext of a name, ID number or mobile is base64 too
            assert not LONG_B64.search(flat), f"a long base64 value in {where}"
        else:
            assert len(flat) < 400, f"{where} holds more than a name, ID number or mobile"


@pytest.fixture
def no_file_written(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a file was written to the storage during face verification")

    monkeypatch.setattr(FileSystemStorage, "_save", refuse)


def test_r_sec_7_tencent_verification_stores_only_the_ticket_and_the_outcome(
    client, world, monkeypatch, no_file_written
):
    transport = FakeTransport(detect_auth_answer(), hostile_answer())
    monkeypatch.setattr(tencent, "https_transport", transport)
    client.force_login(world["newcomer"])
    files_before = StoredFile.objects.count()
    before = snapshot()
    with override_settings(OWNERVOTE_FACE_BACKEND=TENCENT, OWNERVOTE_FACE_OPTIONS=page_options()):
        response = submit(client)
        assert response.status_code == 302 and response["Location"] == H5_URL
        redirect = json.loads(transport.requests[0].body)["RedirectUrl"]
        back = client.get(urlsplit(redirect).path + "?" + urlencode(back_from_tencent(transport)))
        assert back.status_code == 302
    after = snapshot()
    # The adapter asked for the text result only.
    assert json.loads(transport.requests[1].body)["InfoType"] == tencent.INFO_TYPE_TEXT
    v = Verification.objects.get(user=world["newcomer"])
    assert v.status == Verification.Status.PASSED
    assert v.provider_ref == BIZ_TOKEN
    assert v.provider_result == {"passed": True, "score": 96.12, "reason": ""}
    assert StoredFile.objects.count() == files_before
    changes = written(before, after)
    assert any(model == "verification.Verification" for model, _f, _v in changes)  # the test saw the writes
    assert_no_image(changes)


def test_r_sec_7_development_provider_stores_no_image_either(world, no_file_written):
    files_before = StoredFile.objects.count()
    before = snapshot()
    verify_through_pages(browser(world["newcomer"]), **details())
    changes = written(before, snapshot())
    v = Verification.objects.get(user=world["newcomer"])
    assert v.status == Verification.Status.PASSED and v.provider_ref
    assert set(v.provider_result) == {"passed", "score", "reason"}
    assert StoredFile.objects.count() == files_before
    assert_no_image(changes)


def test_r_sec_7_the_inspection_finds_an_image_where_there_is_one():
    """The checks above can fail: each kind of image value is caught."""
    for value in (FACE_JPEG, FACE_B64, {"best": FACE_B64}, "data:image/png;base64,xyz", "A" * 500):
        with pytest.raises(AssertionError):
            assert_no_image([("verification.Verification", "provider_result", value)])
    with pytest.raises(AssertionError):
        assert_no_image([("verification.Verification", "name_enc", "k1:" + "A" * 500)])
    assert_no_image([("verification.Verification", "provider_result", {"passed": True, "score": 90.0})])
