"""/api/auth/: asking for a code and signing in need no account (anyone may sign in, or switch
to another number's account by proving it); signing out needs a session. (R-ID-1)"""

from __future__ import annotations

from ownervote.core import pii
from ownervote.identity.models import SentSms
from ownervote.identity.services import sms_code_request

from .owner_matrix import OwnerRow

MOBILE = "13900000099"
EVERYONE = ("zhang", "li", "wang", "newcomer", "convener", "street", "other_convener", "city", "anonymous")


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(EVERYONE, status)


def _code_sent(world: dict) -> None:
    """A sign-in code texted to MOBILE; the right one and a wrong one kept in the world's ids."""
    sms_code_request(mobile=MOBILE, purpose="sign_in", ip=None)
    code = (
        SentSms.objects.filter(mobile_hash=pii.lookup("mobile", MOBILE))
        .order_by("-pk")
        .first()
        .params()["code"]
    )
    world["ids"]["sign_in_code"] = code
    world["ids"]["wrong_code"] = f"{(int(code) + 1) % 1_000_000:06d}"


ROWS = [
    OwnerRow(
        route="POST /api/auth/sms-codes",
        case="text a sign-in code",
        path="/api/auth/sms-codes",
        body={"mobile": MOBILE, "purpose": "sign_in"},
        expected=_all(201),
    ),
    OwnerRow(
        route="POST /api/auth/sms-codes",
        case="not a mobile number",
        path="/api/auth/sms-codes",
        body={"mobile": "1390000", "purpose": "sign_in"},
        expected=_all(422),
    ),
    OwnerRow(
        route="POST /api/auth/sign-in",
        case="the right code",
        path="/api/auth/sign-in",
        setup=_code_sent,
        body=lambda ids: {"mobile": MOBILE, "code": ids["sign_in_code"]},
        expected=_all(200),
    ),
    OwnerRow(
        route="POST /api/auth/sign-in",
        case="a wrong code",
        path="/api/auth/sign-in",
        setup=_code_sent,
        body=lambda ids: {"mobile": MOBILE, "code": ids["wrong_code"]},
        expected=_all(422),
    ),
    OwnerRow(
        route="POST /api/auth/sign-out",
        case="end the session",
        path="/api/auth/sign-out",
        expected={**_all(200), "anonymous": 401},
    ),
    OwnerRow(
        route="GET /api/auth/preferences",
        case="one's own preferences (R-SEC-8)",
        path="/api/auth/preferences",
        expected={**_all(200), "anonymous": 401},
    ),
    OwnerRow(
        route="PUT /api/auth/preferences",
        case="one's own elder mode on (R-SEC-8)",
        path="/api/auth/preferences",
        body={"elder_mode": True},
        expected={**_all(200), "anonymous": 401},
    ),
]
