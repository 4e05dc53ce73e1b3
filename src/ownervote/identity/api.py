"""/api/auth/: owner sign-in by SMS code.

``POST /api/auth/sms-codes`` texts a code; ``POST /api/auth/sign-in`` exchanges it for a session
(the session cookie, as a browser keeps it); ``POST /api/auth/sign-out`` ends the session;
``GET``/``PUT /api/auth/preferences`` read and change one's own elder mode (R-SEC-8). The
first two need no credentials but only accept a JSON body (``Content-Type: application/json``):
a cross-site form cannot send one, so no other site can sign a visitor into an account of its
choosing. Limits: 429 ``sms.too_many`` with ``details.retry_after`` (seconds)."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.contrib.auth import login, logout
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from ownervote.core.clientip import client_ip
from ownervote.core.errors import ServiceError
from ownervote.core.schemas import ERRORS, ErrorOut

from . import services
from .errors import Code
from .signin import AUTH_BACKEND

router = Router(tags=["identity"])

AUTH_ERRORS = {**ERRORS, 415: ErrorOut, 423: ErrorOut, 429: ErrorOut, 502: ErrorOut}


class SmsCodeIn(Schema):
    mobile: str = Field(description="Mainland mobile number, 11 digits.", examples=["13900000001"])
    purpose: Literal["sign_in", "verify"] = "sign_in"


class SmsCodeOut(Schema):
    expires_in: int = Field(description="Seconds until the code expires.")
    resend_after: int = Field(description="Seconds before another code may be requested for this number.")


class SignInIn(Schema):
    mobile: str
    code: str = Field(description="The 6-digit code from the text message.")


class SignedInOut(Schema):
    id: int
    mobile_masked: str
    verified: bool = Field(description="Whether the account has a verified identity (R-ID-1, R-ID-2).")


class SignedOutOut(Schema):
    signed_out: bool


class PreferencesIn(Schema):
    elder_mode: bool = Field(description="Elder mode (长辈版, R-SEC-8) of the owner pages.")


class PreferencesOut(Schema):
    elder_mode: bool = Field(
        description="Elder mode (长辈版, R-SEC-8): the owner pages with larger text and targets, "
        "no pop-ups or countdowns, and the ballot one item per screen."
    )


def _json_only(request) -> None:
    if request.content_type != "application/json":
        raise ServiceError(
            Code.JSON_REQUIRED,
            _("Send the request body as JSON (Content-Type: application/json)."),
            status=415,
        )


def _is_verified(user) -> bool:
    """Whether ``user`` has a verified identity: the one-to-one row ``verification`` keeps on the
    user (``related_name="verified_identity"``), read through the relation, so that ``identity``
    (below ``verification``) needs nothing of it. A missing row raises ``RelatedObjectDoesNotExist``,
    an ``AttributeError``: ``hasattr`` is False."""
    return hasattr(user, "verified_identity")


@router.post(
    "/sms-codes", auth=None, response={201: SmsCodeOut, **AUTH_ERRORS}, summary="Text a sign-in code"
)
def request_code(request, body: SmsCodeIn):
    """Text a 6-digit code to ``mobile``. 422 ``sms.bad_mobile``; 429 ``sms.too_many``; 502
    ``sms.send_failed`` when the SMS provider refuses it."""
    _json_only(request)
    row = services.sms_code_request(mobile=body.mobile, purpose=body.purpose, ip=client_ip(request))
    expires_in = max(0, int((row.expires_at - timezone.now()).total_seconds()))
    return Status(201, {"expires_in": expires_in, "resend_after": settings.OWNERVOTE_SMS_RESEND_SECONDS})


@router.post("/sign-in", auth=None, response={200: SignedInOut, **AUTH_ERRORS}, summary="Sign in with a code")
def sign_in(request, body: SignInIn):
    """Sign in (creating the owner's account on first use) with the code texted to ``mobile``.
    422 ``sms.wrong_code`` (``details.attempts_left``) / ``sms.expired`` / ``sms.no_code``;
    423 ``sms.locked``."""
    _json_only(request)
    user = services.sign_in_with_sms(mobile=body.mobile, code=body.code, ip=client_ip(request))
    login(request, user, backend=AUTH_BACKEND)
    return {"id": user.pk, "mobile_masked": user.mobile_masked, "verified": _is_verified(user)}


@router.post("/sign-out", response={200: SignedOutOut, **ERRORS}, summary="Sign out")
def sign_out(request):
    """End this session (an API token stays valid until it is revoked)."""
    logout(request)
    return {"signed_out": True}


@router.get("/preferences", response={200: PreferencesOut, **ERRORS}, summary="My preferences")
def preferences(request):
    """The signed-in person's own preferences for the owner pages."""
    return {"elder_mode": request.auth.elder_mode}


@router.put("/preferences", response={200: PreferencesOut, **ERRORS}, summary="Change my preferences")
def preferences_set(request, body: PreferencesIn):
    """Turn elder mode on or off for one's own account (every device one signs in on)."""
    user = services.elder_mode_set(actor=request.auth, on=body.elder_mode)
    return {"elder_mode": user.elder_mode}
