"""The JSON API under /api/: OpenAPI at /api/openapi.json, interactive docs at /api/docs.

Browser clients use the session cookie (with CSRF); other clients send
``Authorization: Bearer ov_...`` (an API token created in the console). Every error is
``{"error": {"code": "...", "message": "...", "details": ...}}``.
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from ownervote.core.errors import ServiceError
from ownervote.orgs.models import ApiToken


class SessionAuth(APIKeyCookie):
    """The browser's Django session (CSRF checked on unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        token_row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token_row is None:
            return None
        ApiToken.objects.filter(pk=token_row.pk).update(last_used_at=timezone.now())
        request.user = token_row.user
        return token_row.user


api = NinjaAPI(
    title="OwnerVote API",
    version="1",
    description=__doc__,
    auth=[SessionAuth(csrf=True), TokenAuth()],
    urls_namespace="api",
)


def _error(request, status: int, code: str, message: str, details=None):
    body = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    return _error(request, exc.status, exc.code, str(exc.message), exc.details)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    return _error(request, 422, "invalid_input", _("The request is not valid."), exc.errors)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return _error(request, 401, "auth.required", _("Sign in first."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))


api.add_router("/orgs", "ownervote.orgs.api.router")
api.add_router("/estates", "ownervote.roster.api.router")
