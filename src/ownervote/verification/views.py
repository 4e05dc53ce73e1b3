"""Verification pages: the owner's self-service verification and its result (R-ID-1), the notices
(R-ID-3), the development face provider's page, and the console pages for on-site verification
(R-ID-2) and the verification methods (R-ID-3).

Views parse, call one service or selector and render. A refusal of a form's submission is shown on
the form, next to its field (``attempt``); anything else a service refuses becomes the page
(``core.middleware``: ``NotFound`` a 404, ``Forbidden`` a 403), except on the face provider's
callback, which shows every refusal on its own page."""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ownervote.core import crypto
from ownervote.core.clientip import client_ip
from ownervote.core.devices import traces
from ownervote.core.errors import ServiceError
from ownervote.core.files import Upload
from ownervote.core.masking import mask_mobile
from ownervote.core.views import attempt, console_view, refusals_shown_on
from ownervote.identity.decorators import owner_view
from ownervote.identity.errors import Code as SmsCode
from ownervote.roster import permissions as roster_permissions

from . import consent, permissions, selectors, services
from .access import Need, access_methods, access_onsite_estate, access_verification
from .errors import Code
from .face import DevFaceProvider, get_provider
from .forms import MethodChangeForm, OnsiteForm, SelfServiceForm
from .models import DevFaceSession, FaceConsent, Method, Verification

PAGE_SIZE = 50
# Which field of the self-service form a service refusal belongs to.
FIELD_OF_CODE = {
    Code.NAME_REQUIRED: "name",
    Code.NAME_TOO_LONG: "name",
    Code.ID_REQUIRED: "id_number",
    Code.ID_INVALID: "id_number",
    Code.MOBILE_REQUIRED: "mobile",
    Code.MOBILE_INVALID: "mobile",
    Code.MOBILE_MISMATCH: "mobile",
    Code.MOBILE_TAKEN: "mobile",
    Code.CODE_REQUIRED: "code",
}
# identity's refusals of an SMS code belong to the code field.
SMS_CODES = {
    SmsCode.BAD_MOBILE,
    SmsCode.BAD_PURPOSE,
    SmsCode.TOO_MANY,
    SmsCode.WRONG_CODE,
    SmsCode.NO_CODE,
    SmsCode.EXPIRED,
    SmsCode.LOCKED,
    SmsCode.SEND_FAILED,
}
ONSITE_FIELD_OF_CODE = {
    Code.NOT_OWNER: "id_number",
    Code.NAME_MISMATCH: "name",
    Code.ID_INVALID: "id_number",
    Code.MOBILE_INVALID: "mobile",
}


def _show(form, exc: ServiceError, fields: dict) -> None:
    field = fields.get(exc.code)
    if field is None and exc.code in SMS_CODES:
        field = "code" if "code" in form.fields else None
    if isinstance(exc.details, dict) and exc.details.get("field"):
        field = exc.details["field"]
    form.add_error(field if field in form.fields else None, str(exc.message))


# --- self-service (R-ID-1) ------------------------------------------------------------------------


def _own_mobile(user) -> str:
    """The account's own mobile, to prefill the form for its holder."""
    return crypto.decrypt_text(user.mobile_enc) if user.mobile_enc else ""


def _render_self_service(request, form, *, status=200, code_sent_to=""):
    enabled = selectors.method_enabled(Method.SELF_SERVICE)
    context = {
        "form": form,
        "enabled": enabled,
        "notice": None if enabled else selectors.method_notice_in_force(Method.SELF_SERVICE),
        "onsite_enabled": selectors.method_enabled(Method.ON_SITE),
        "identity": selectors.verified_identity(request.user),
        "code_sent_to": code_sent_to,
        "owner_tab": "home",
    }
    return render(request, "verification/self_service.html", context, status=status)


NEXT_KEY = "verification_next"


@owner_view
@never_cache
@require_http_methods(["GET", "POST"])
@csp_update({"form-action": settings.OWNERVOTE_CSP_FORM_ACTION})  # the redirect to the face provider
def self_service(request):
    """Name, ID number, mobile and SMS code; then face recognition at the provider."""
    services.expire_stale(user=request.user)
    locked = bool(request.user.mobile_hash)
    # Where to go after a pass (the estate page of a QR landing): kept in the session across the
    # round trip to the face provider.
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        request.session[NEXT_KEY] = wanted
    if request.method == "GET":
        unconsented = consent.current_face_consent(request.user) is None
        if unconsented and selectors.method_enabled(Method.SELF_SERVICE):
            return _render_consent(request)  # R-SEC-7: the separate consent comes first
        form = SelfServiceForm(initial={"mobile": _own_mobile(request.user)}, mobile_locked=locked)
        return _render_self_service(request, form)

    form = SelfServiceForm(request.POST, mobile_locked=locked)
    if request.POST.get("action") == "send_code":
        # Only the mobile matters for sending the code; the other fields are checked on submit.
        form.is_valid()
        for other in ("name", "id_number", "code"):
            form.errors.pop(other, None)
        if "mobile" in form.errors:
            return _render_self_service(request, form, status=422)
        mobile = form.cleaned_data["mobile"]
        sent = attempt(services.send_verify_code, actor=request.user, mobile=mobile, ip=client_ip(request))
        if sent.refused:
            _show(form, sent.error, FIELD_OF_CODE)
            return _render_self_service(request, form, status=sent.error.status)
        return _render_self_service(request, form, code_sent_to=mask_mobile(mobile))

    if form.is_valid():
        data = form.cleaned_data
        started = attempt(
            services.self_service_start,
            actor=request.user,
            name=data["name"],
            id_number=data["id_number"],
            mobile=data["mobile"],
            code=data["code"],
            return_url=request.build_absolute_uri(reverse("verification:face_callback")),
            **traces(request),
        )
        if started.refused and started.error.code == Code.FACE_CONSENT_REQUIRED:
            return _render_consent(request, status=started.error.status, error=started.error.message)
        if started.refused:
            _show(form, started.error, FIELD_OF_CODE)
            return _render_self_service(request, form, status=started.error.status)
        _v, start = started.value
        return redirect(start.redirect_url)
    return _render_self_service(request, form, status=422)


# --- the separate consent to face recognition, and the path without it (R-SEC-7) -------------------


def _render_consent(request, *, status=200, error=""):
    context = {
        "text": consent.consent_text(),
        "latest": consent.latest_face_decision(request.user),
        "identity": selectors.verified_identity(request.user),
        "error": error,
        "owner_tab": "home",
    }
    return render(request, "verification/face_consent.html", context, status=status)


@owner_view
@never_cache
@require_http_methods(["GET", "POST"])
def face_consent(request):
    """The notice on face recognition (what, by whom, why, how long, the on-site alternative) and
    the owner's decision: agreeing leads to the face step, not agreeing to the on-site path."""
    if request.method == "GET":
        return _render_consent(request)
    decided = attempt(
        consent.face_consent_decide,
        actor=request.user,
        decision=request.POST.get("decision", ""),
        version=request.POST.get("version", ""),
        **traces(request),
    )
    if decided.refused:
        return _render_consent(request, status=decided.error.status, error=decided.error.message)
    if decided.value.decision == FaceConsent.Decision.GIVEN:
        return redirect("verification:self_service")
    return redirect("verification:onsite_path")


def _estate_of_next(request) -> int | None:
    """The estate of the page the owner came from (a QR landing), if that is where they go next."""
    wanted = urlsplit(request.session.get(NEXT_KEY) or "").path
    try:
        match = resolve(wanted) if wanted else None
    except Resolver404:
        return None
    if match is None or match.view_name != "bindings:estate":
        return None
    return match.kwargs.get("estate_id")


@owner_view
@never_cache
@require_GET
def onsite_path(request):
    """Verification without the face: what to bring and where (the estate the owner came from)."""
    context = {
        "place": selectors.onsite_place(_estate_of_next(request)),
        "onsite_enabled": selectors.method_enabled(Method.ON_SITE),
        "owner_tab": "home",
    }
    return render(request, "verification/onsite_path.html", context)


@refusals_shown_on("verification/callback_refused.html", owner_tab="home")
@require_GET
@never_cache
def face_callback(request):
    """Where the face provider sends the browser back, with signed parameters. The result is asked
    from the provider, server to server; then the owner sees it. A refused callback (forged,
    replayed, stale, unknown) is shown on its own page with the reason and the error's status."""
    v = services.face_callback(params=request.GET.dict(), actor=request.user)
    return redirect("verification:result", verification_id=v.pk)


@owner_view
@never_cache
@require_GET
def result(request, verification_id):
    """The outcome of one of the owner's own attempts: success leads to binding a flat; failure
    explains the on-site route (art. 9(2))."""
    services.expire_stale(user=request.user)
    v = access_verification(request.user, verification_id, need=Need.OWN)
    context = {
        "v": v,
        "passed": v.status == Verification.Status.PASSED,
        "bind_url": request.session.get(NEXT_KEY) or reverse("bindings:search"),
        "onsite_enabled": selectors.method_enabled(Method.ON_SITE),
        "owner_tab": "home",
    }
    return render(request, "verification/result.html", context)


@require_GET
def notices(request):
    """The public notices of changes of verification methods, with their reasons (R-ID-3)."""
    context = {
        "states": selectors.method_states(),
        "notices": selectors.published_notices(),
        "owner_tab": "home",
    }
    return render(request, "verification/notices.html", context)


# --- the development face provider ----------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def dev_face(request, ref):
    """The development provider's page: only when ``DevFaceProvider`` is the configured backend."""
    provider = get_provider()
    if not isinstance(provider, DevFaceProvider):
        raise Http404
    session = provider.session(ref)  # NotFound: a 404
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in ("pass", "fail"):
            return render(request, "verification/dev_face.html", {"session": session}, status=422)
        decided = attempt(provider.decide, ref=ref, passed=outcome == "pass")
        if decided.refused:
            return render(
                request,
                "verification/dev_face.html",
                {"session": session, "error": decided.error.message},
                status=409,
            )
        return redirect(decided.value)
    context = {"session": session, "pending": session.outcome == DevFaceSession.Outcome.PENDING}
    return render(request, "verification/dev_face.html", context)


# --- on site (R-ID-2) -----------------------------------------------------------------------------


def _onsite_context(request, estate, active="onsite") -> dict:
    return {
        "estate": estate,
        "active": active,
        "can_keep": roster_permissions.can_change_roster(request.user, estate),
    }


def _render_onsite(request, estate, form, *, status=200):
    page = Paginator(selectors.onsite_for(request.user, estate.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        **_onsite_context(request, estate),
        "form": form,
        "page": page,
        "enabled": selectors.method_enabled(Method.ON_SITE),
    }
    return render(request, "verification/onsite.html", context, status=status)


@console_view
@require_http_methods(["GET", "POST"])
def onsite(request, estate_id):
    """The estate's on-site verifications (masked) and, for its convener, the form."""
    if request.method == "GET":
        estate = access_onsite_estate(request.user, estate_id, need=Need.SEE)
        can_keep = permissions.can_verify_onsite(request.user, estate)
        return _render_onsite(request, estate, OnsiteForm(estate=estate) if can_keep else None)
    estate = access_onsite_estate(request.user, estate_id, need=Need.VERIFY)
    form = OnsiteForm(request.POST, request.FILES, estate=estate)
    if form.is_valid():
        data = form.cleaned_data
        verified = attempt(
            services.onsite_verify,
            actor=request.user,
            estate_id=estate.pk,
            flat_id=data["flat"].pk,
            name=data["name"],
            id_number=data["id_number"],
            mobile=data["mobile"],
            ownership_proof_checked=data["ownership_proof_checked"],
            id_document_checked=data["id_document_checked"],
            id_photo=Upload.from_django(data["id_photo"]),
            holding_photo=Upload.from_django(data["holding_photo"]),
            note=data["note"],
            **traces(request),
        )
        if verified.refused:
            _show(form, verified.error, ONSITE_FIELD_OF_CODE)
            return _render_onsite(request, estate, form, status=verified.error.status)
        v = verified.value
        messages.success(
            request,
            _("%(name)s of %(flat)s is verified and the flat is bound. The owner was notified by SMS.")
            % {"name": v.name_masked, "flat": v.flat},
        )
        return redirect("verification:onsite_detail", estate_id=estate.pk, verification_id=v.pk)
    return _render_onsite(request, estate, form, status=422)


@console_view
@require_GET
def onsite_detail(request, estate_id, verification_id):
    """One on-site verification: who checked (real name, organisation), what, and both photos."""
    v = access_verification(request.user, verification_id, need=Need.SEE, estate_id=estate_id)
    context = {**_onsite_context(request, v.estate), "v": v}
    return render(request, "verification/onsite_detail.html", context)


@never_cache
@require_GET
def onsite_photo(request, estate_id, verification_id, which):
    """A photo of an on-site verification: logged at every view, never cached, never public.
    Anyone but the estate's convener and its street office gets 404, signed in or not (an image
    address leads nowhere, not even to the sign-in page)."""
    access_verification(request.user, verification_id, need=Need.SEE, estate_id=estate_id)
    stored, content = services.onsite_photo(actor=request.user, verification_id=verification_id, which=which)
    return photo_response(stored, content)


def photo_response(stored, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(False, stored.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- methods (R-ID-3) -----------------------------------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
def methods(request):
    """The city operator enables or disables a method from a date, with a published notice."""
    access_methods(request.user)
    form = MethodChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            changed = attempt(
                services.method_change,
                actor=request.user,
                method=data["method"],
                enabled=data["enabled"],
                title=data["title"],
                reason=data["reason"],
                effective_on=data["effective_on"],
            )
            if not changed.refused:
                notice = changed.value
                messages.success(request, _("The notice “%(title)s” is published.") % {"title": notice.title})
                return redirect("verification:methods")
            field = "effective_on" if changed.error.code == Code.EFFECTIVE_IN_PAST else None
            form.add_error(field, changed.message)
        status = 422
    context = {"form": form, "states": selectors.method_states(), "notices": selectors.published_notices()}
    return render(request, "verification/methods.html", context, status=status)
