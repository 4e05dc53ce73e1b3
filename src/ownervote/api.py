"""The JSON API under /api/: OpenAPI at /api/openapi.json, interactive docs at /api/docs.

Everything a person does in the console can be done here (a WeChat mini-program or another client
can be built on it). Browser clients use the session cookie and send the CSRF token
(``X-CSRFToken``) with unsafe methods; other clients send ``Authorization: Bearer ov_...``, an
API token created at ``POST /api/orgs/tokens`` or in the console.

Statuses: 200 for reads and actions (``.../decision``, ``.../apply``, ``.../confirm``), 201 when
a collection gains a member. Every error is ``{"error": {"code", "message", "details"}}``: the
``code`` is stable (``auth.required`` 401, ``auth.csrf_failed`` 403, ``invalid_input`` 422 with
the fields in ``details``, ``roster.forbidden`` 403, ``estate.not_found`` 404, ...,
``server_error`` 500 when something fails on our side), the
``message`` is for people, in Simplified Chinese unless ``Accept-Language`` asks for English.
An object the caller may not see is 404, exactly as if it did not exist; one it sees but may not
change is 403. Routes for staff only (``/orgs``, ``/estates``) answer an owner's account (one that
acts for no organisation) with 403 ``account.staff_only``; API tokens are for staff too.
Personal data is always masked (``*_masked``); the plaintext of one field is
returned only by ``POST /api/estates/{id}/owners/{owner_id}/reveal``, and every such read is
written to the audit log.
"""

import logging

from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from ownervote.core.errors import Code, Forbidden, ServiceError
from ownervote.core.schemas import ERRORS
from ownervote.orgs import scoping
from ownervote.orgs.errors import Code as OrgCode
from ownervote.orgs.models import ApiToken, Association
from ownervote.orgs.schemas import ASSOCIATION_RELATED, MeOut
from ownervote.orgs.staff import is_staff_account


def _require_staff(user) -> None:
    """Staff-only routes and API tokens refuse an owner's account: 403 ``account.staff_only``."""
    if not is_staff_account(user):
        raise Forbidden(
            OrgCode.STAFF_ONLY,
            gettext_lazy("This is for the staff of an organisation; owners use the owner pages (/m/)."),
        )


logger = logging.getLogger("django.request")


class SessionAuth(APIKeyCookie):
    """The browser's Django session. Unsafe methods must carry the CSRF token
    (``X-CSRFToken`` header or ``csrfmiddlewaretoken`` field), else 403 ``auth.csrf_failed``."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, csrf: bool = True, *, staff: bool = False):
        super().__init__(csrf=csrf)
        self.staff = staff

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return None  # no session: 401 auth.required, not a CSRF complaint
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise Forbidden(
                Code.AUTH_CSRF_FAILED,
                gettext_lazy("The security token is missing or expired; reload the page."),
            )
        if self.staff:
            _require_staff(user)
        return user

    def authenticate(self, request, key):  # required by the base class; __call__ decides
        return request.user if request.user.is_authenticated else None


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ov_...``: an API token created at /api/orgs/tokens or in the console.
    No CSRF: the browser never sends this header by itself. Tokens are for staff: an owner's
    account (one that acts for no organisation) is refused with 403 ``account.staff_only``."""

    def authenticate(self, request, token):
        token_row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token_row is None:
            return None
        _require_staff(token_row.user)
        ApiToken.objects.filter(pk=token_row.pk).update(last_used_at=timezone.now())
        request.user = token_row.user
        request.auth_via_token = True
        return token_row.user


# Who may call a route. Staff-only is the default: a router or operation that owners use says so
# (``SIGNED_IN``: any account, owners included; the services decide what each may see and do), so a
# new staff route is closed to owners without anyone remembering to. A bearer token first: it needs
# no CSRF.
STAFF = [TokenAuth(), SessionAuth(csrf=True, staff=True)]
SIGNED_IN = [TokenAuth(), SessionAuth(csrf=True)]

api = NinjaAPI(
    title="OwnerVote API",
    version="1",
    description=__doc__,
    auth=STAFF,
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
    return _error(request, 422, Code.INVALID_INPUT, _("The request is not valid."), exc.errors)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return _error(request, 401, Code.AUTH_REQUIRED, _("Sign in first."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, Code.NOT_FOUND, _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, Code.HTTP_ERROR, str(exc))


@api.exception_handler(Exception)
def server_error_handler(request, exc: Exception):
    """Anything else a route raised: logged with its traceback (``django.request``, as Django logs
    a 500), answered as the JSON error, never as an HTML page."""
    logger.error("API error: %s %s", request.method, request.path, exc_info=exc, extra={"request": request})
    return _error(request, 500, Code.SERVER_ERROR, _("Something went wrong on our side; try again later."))


def server_error(request, *args, **kwargs):
    """Django's ``handler500`` (``ownervote.urls``): a 500 that escaped ninja (a middleware's, say)
    is the JSON error under /api/, Django's page everywhere else."""
    if request.path.startswith("/api/"):
        body = {"code": Code.SERVER_ERROR, "message": _("Something went wrong on our side; try again later.")}
        return JsonResponse({"error": body}, status=500)
    return defaults.server_error(request, *args, **kwargs)


@api.get("/me", auth=SIGNED_IN, response={200: MeOut, **ERRORS}, tags=["account"], summary="Who am I")
def me(request):
    """The signed-in account: its organisations, the kinds it acts as and the approved
    associations it acts through (the scope of everything else it can see)."""
    user = request.auth
    approved = [a.pk for a in scoping.approved_associations(user)]
    return {
        "id": user.pk,
        "username": user.username,
        "real_name": user.real_name,
        "mobile_masked": user.mobile_masked,
        "memberships": user.memberships.select_related("organisation").order_by("organisation__name"),
        "kinds": sorted(scoping.user_kinds(user)),
        "associations": Association.objects.filter(pk__in=approved).select_related(*ASSOCIATION_RELATED),
    }


# Staff only: organisations, associations, API tokens, authorised staff; the roster.
api.add_router("/orgs", "ownervote.console.api.router")
api.add_router("/estates", "ownervote.roster.api.router")
# Owners and staff: each service decides what the caller may see and do.
api.add_router("/auth", "ownervote.identity.api.router", auth=SIGNED_IN)
api.add_router("/verification", "ownervote.verification.api.router", auth=SIGNED_IN)
api.add_router("/bindings", "ownervote.bindings.api.router", auth=SIGNED_IN)
api.add_router("/binding-lists", "ownervote.bindinglist.api.router", auth=SIGNED_IN)
api.add_router("/notifications", "ownervote.notify.api.router", auth=SIGNED_IN)
api.add_router("/meetings", "ownervote.meetings.api.router", auth=SIGNED_IN)
api.add_router("/calendar", "ownervote.meetings.api.calendar_router", auth=SIGNED_IN)
api.add_router("/results", "ownervote.results.api.router", auth=SIGNED_IN)
api.add_router("/voting", "ownervote.voting.api.router", auth=SIGNED_IN)
api.add_router("/complaints", "ownervote.complaints.api.router", auth=SIGNED_IN)
api.add_router("/signals", "ownervote.trust.api.router")
api.add_router("/objections", "ownervote.objections.api.router", auth=SIGNED_IN)
# Staff only: the city operator's thresholds of the impersonation signals (R-TRUST-1).
api.add_router("/trust/thresholds", "ownervote.trust.thresholds_api.router")
