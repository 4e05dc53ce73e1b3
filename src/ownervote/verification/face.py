"""Face verification providers (R-ID-1), chosen in settings like Django's email backend:
``OWNERVOTE_FACE_BACKEND`` (a dotted path) and ``OWNERVOTE_FACE_OPTIONS`` (``app_id``,
``secret``, ``endpoint``).

The flow is the one real providers use for H5 pages (Tencent Cloud FaceID H5, Alipay and WeChat
实名核身):

1. ``start``: we open a session with the provider, server to server, and get the address of the
   provider's page and the provider's reference for the session;
2. the phone is redirected to the provider's page, where the person is recognised;
3. the provider redirects the browser back to our callback with signed parameters
   (``verify_callback``: HMAC-SHA256 over the sorted parameters with the shared secret, a fresh
   timestamp and a nonce never seen before) - and may also notify our server the same way;
4. we ask the provider for the result, server to server (``query_result``), and trust only that:
   the browser could have been sent to the callback by anyone.

``DevFaceProvider`` plays the provider on a page of this site (``verification:dev_face``), for
development and tests; it is refused by ``manage.py check --deploy`` (verification.E001). The
production provider is ``providers.tencent.TencentFaceProvider`` (R-ID-4): it subclasses
``FaceProvider`` and implements ``start`` and ``query_result`` against Tencent Cloud FaceID.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from ownervote.core.masking import mask_name

from .errors import Code
from .models import CallbackNonce, DevFaceSession

SIGNATURE_PARAM = "sign"
REQUIRED_PARAMS = ("app_id", "ref", "nonce", "timestamp", SIGNATURE_PARAM)
# A callback stamped this far in the future is refused too (clocks differ by a few seconds).
CLOCK_SKEW_SECONDS = 60


@dataclass(frozen=True)
class FaceStart:
    """Where to send the phone, and the provider's reference for the session."""

    redirect_url: str
    provider_ref: str


@dataclass(frozen=True)
class FaceCallback:
    """A callback whose signature, age and nonce have been checked."""

    provider_ref: str
    nonce: str
    timestamp: int
    params: dict[str, str]


@dataclass(frozen=True)
class FaceResult:
    """The provider's answer, asked for server to server."""

    passed: bool
    score: float | None = None
    reason: str = ""


class FaceResultPending(Conflict):
    """The provider has no result for the session yet."""


def canonical(params: dict[str, str]) -> str:
    """The signed text: ``key=value`` pairs sorted by key, joined by ``&``, without the signature."""
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k != SIGNATURE_PARAM)


class FaceProvider:
    """The interface of a face verification provider. ``name`` is stored on each attempt."""

    name = "base"

    def __init__(self, options: dict | None = None, *, max_age_seconds: int | None = None):
        options = dict(settings.OWNERVOTE_FACE_OPTIONS if options is None else options)
        self.app_id = str(options.get("app_id") or "")
        self.secret = str(options.get("secret") or "")
        self.endpoint = str(options.get("endpoint") or "")
        self.max_age_seconds = (
            settings.OWNERVOTE_FACE_CALLBACK_MAX_AGE_SECONDS if max_age_seconds is None else max_age_seconds
        )

    # --- what a provider implements -------------------------------------------------------------

    def configuration_problems(self) -> list[str]:
        """What is missing for the provider to work (``check --deploy`` reports these)."""
        return [] if self.secret else ["OWNERVOTE_FACE_OPTIONS['secret'] is empty (OWNERVOTE_FACE_SECRET)"]

    def is_configured(self) -> bool:
        """Whether self-service verification can start with this provider (no secret: it cannot)."""
        return bool(self.secret)

    def start(self, *, verification, name: str, id_number: str, return_url: str) -> FaceStart:
        """Open a session for ``verification`` (server to server); the provider's page will send
        the browser back to ``return_url`` with signed parameters."""
        raise NotImplementedError

    def query_result(self, provider_ref: str) -> FaceResult:
        """The result of the session (server to server). Raises ``FaceResultPending`` when the
        person has not finished yet."""
        raise NotImplementedError

    # --- signatures -----------------------------------------------------------------------------

    def _key(self) -> bytes:
        if not self.secret:
            raise ImproperlyConfigured("OWNERVOTE_FACE_OPTIONS['secret'] is not set")
        return self.secret.encode()

    def sign(self, params: dict[str, str]) -> str:
        return hmac.new(self._key(), canonical(params).encode(), hashlib.sha256).hexdigest()

    def signed_params(self, provider_ref: str, **extra: str) -> dict[str, str]:
        """Callback parameters as the provider sends them: app id, reference, a fresh nonce and
        timestamp, anything extra, and the signature over all of them."""
        params = {
            "app_id": self.app_id,
            "ref": provider_ref,
            "nonce": secrets.token_hex(16),
            "timestamp": str(int(time.time())),
            **{k: str(v) for k, v in extra.items()},
        }
        params[SIGNATURE_PARAM] = self.sign(params)
        return params

    def verify_callback(self, params, *, now: float | None = None) -> FaceCallback:
        """Check a callback's parameters: all present, our app id, the signature (constant-time
        comparison), the timestamp within ``OWNERVOTE_FACE_CALLBACK_MAX_AGE_SECONDS`` and the nonce
        never seen before; with no secret configured (production without a provider), every
        callback is refused (403). The nonce is recorded in the caller's transaction, so a refusal
        later in the same transaction leaves it unused."""
        if not self.secret:  # nothing to check a signature with (production without a provider)
            raise Forbidden(
                Code.FACE_BAD_SIGNATURE,
                _("Face recognition is not configured on this site, so no callback can be accepted."),
            )
        params = {str(k): str(v) for k, v in dict(params).items()}
        missing = [k for k in REQUIRED_PARAMS if not params.get(k)]
        if missing:
            raise InvalidInput(
                Code.FACE_BAD_CALLBACK,
                _("The face verification callback is incomplete."),
                details={"missing": missing},
            )
        expected = self.sign(params)
        if not hmac.compare_digest(expected.encode(), params[SIGNATURE_PARAM].encode()):
            raise Forbidden(
                Code.FACE_BAD_SIGNATURE, _("The face verification callback has an invalid signature.")
            )
        if not hmac.compare_digest(params["app_id"].encode(), self.app_id.encode()):
            raise Forbidden(
                Code.FACE_BAD_SIGNATURE, _("The face verification callback has an invalid signature.")
            )
        try:
            stamp = int(params["timestamp"])
        except ValueError as exc:
            raise InvalidInput(
                Code.FACE_BAD_CALLBACK, _("The face verification callback is incomplete.")
            ) from exc
        age = (time.time() if now is None else now) - stamp
        if age > self.max_age_seconds or age < -CLOCK_SKEW_SECONDS:
            raise InvalidInput(
                Code.FACE_CALLBACK_EXPIRED,
                _("The face verification callback has expired. Please verify again."),
            )
        nonce = params["nonce"]
        if len(nonce) > 100 or CallbackNonce.objects.filter(provider=self.name, nonce=nonce).exists():
            raise _replayed()
        try:
            with transaction.atomic():
                CallbackNonce.objects.create(provider=self.name, nonce=nonce)
        except IntegrityError as exc:  # the same callback arriving twice at the same moment
            raise _replayed() from exc
        return FaceCallback(provider_ref=params["ref"], nonce=nonce, timestamp=stamp, params=params)


def _replayed() -> ServiceError:
    return Conflict(Code.FACE_REPLAYED, _("This face verification callback has already been used."))


class DevFaceProvider(FaceProvider):
    """Plays the provider on a page of this site: /dev/face/<ref>/ shows the masked name and two
    buttons; the click is kept in ``DevFaceSession`` (the provider's database) and the browser is
    sent to our callback with correctly signed parameters. Development and tests only."""

    name = "dev"

    def start(self, *, verification, name: str, id_number: str, return_url: str) -> FaceStart:
        ref = secrets.token_hex(16)
        DevFaceSession.objects.create(ref=ref, name_masked=mask_name(name), return_url=return_url)
        return FaceStart(redirect_url=reverse("verification:dev_face", args=[ref]), provider_ref=ref)

    def session(self, ref: str) -> DevFaceSession:
        session = DevFaceSession.objects.filter(ref=ref).first()
        if session is None:
            raise NotFound(Code.FACE_UNKNOWN_REF, _("This face verification session does not exist."))
        return session

    def decide(self, ref: str, *, passed: bool) -> str:
        """The person clicked one of the buttons: keep the outcome and return the callback URL
        the browser goes to next."""
        with transaction.atomic():
            session = DevFaceSession.objects.select_for_update().filter(ref=ref).first()
            if session is None:
                raise NotFound(Code.FACE_UNKNOWN_REF, _("This face verification session does not exist."))
            if session.outcome != DevFaceSession.Outcome.PENDING:
                raise Conflict(
                    Code.FACE_SESSION_FINISHED, _("This face verification session has already ended.")
                )
            session.outcome = DevFaceSession.Outcome.PASSED if passed else DevFaceSession.Outcome.FAILED
            session.decided_at = timezone.now()
            session.save(update_fields=["outcome", "decided_at"])
        separator = "&" if "?" in session.return_url else "?"
        return session.return_url + separator + urlencode(self.signed_params(ref))

    def query_result(self, provider_ref: str) -> FaceResult:
        session = self.session(provider_ref)
        if session.outcome == DevFaceSession.Outcome.PENDING:
            raise FaceResultPending(Code.FACE_PENDING, _("Face recognition has not finished yet."))
        if session.outcome == DevFaceSession.Outcome.PASSED:
            return FaceResult(passed=True, score=99.0, reason="")
        return FaceResult(passed=False, score=12.0, reason="face_mismatch")


def get_provider(backend: str | None = None, options: dict | None = None) -> FaceProvider:
    """The configured provider (``OWNERVOTE_FACE_BACKEND`` with ``OWNERVOTE_FACE_OPTIONS``)."""
    cls = import_string(backend or settings.OWNERVOTE_FACE_BACKEND)
    if not (isinstance(cls, type) and issubclass(cls, FaceProvider)):
        raise ImproperlyConfigured("OWNERVOTE_FACE_BACKEND must name a FaceProvider subclass")
    return cls(options)
