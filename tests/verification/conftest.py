"""Fixtures for the verification tests: photos, SMS codes read from the development backend,
the development face provider, and a city operator's notices."""

from __future__ import annotations

import io
import random
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ownervote.core import pii
from ownervote.identity.models import SentSms
from ownervote.identity.services import sms_code_request
from ownervote.verification.face import DevFaceProvider
from tests.owners import face_consent


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (16, 12), noise: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    if noise:
        rnd = random.Random(7)
        image.putdata(
            [(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)) for _ in range(size[0] * size[1])]
        )
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def photo_file(name: str = "photo.jpg", content: bytes | None = None, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, image_bytes("JPEG") if content is None else content, content_type)


def last_code(mobile: str) -> str:
    """The code in the newest message to ``mobile`` (the development backend keeps it)."""
    sms = SentSms.objects.filter(mobile_hash=pii.lookup("mobile", mobile)).order_by("-pk").first()
    assert sms is not None, f"no SMS to {mobile}"
    return sms.params()["code"]


def send_code(mobile: str) -> str:
    sms_code_request(mobile=mobile, purpose="verify", ip="127.0.0.1")
    return last_code(mobile)


@pytest.fixture
def face() -> DevFaceProvider:
    return DevFaceProvider()


@pytest.fixture
def world(owner_world, staff, estates):
    """The owner world plus the people of these tests; the newcomer has agreed to the notice on
    face recognition (R-SEC-7; tests/verification/test_face_consent.py goes without it)."""
    face_consent(owner_world["newcomer"])
    return {**owner_world, **staff, "estate": estates["a"], "estate_c": estates["c"]}


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test: the face adapter's tests are offline (R-ID-4)."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test of the face provider tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
