"""Owner sign-in pages (namespace ``identity``), plain forms that work without JavaScript.

``login``: the mobile number and "获取验证码" (POST: a code is texted and the same page comes back
with "验证码已发送至 139****0001" and the code field), then the code and "登录". A safe ``next``
is followed afterwards. ``wechat_start`` / ``wechat_callback``: WeChat authorisation; a WeChat user
not linked yet proves a mobile number once on ``wechat_link``. ``logout``: POST only.

Each view parses, calls one service and renders; a refusal comes back from ``core.views.attempt``
and is shown next to the field it concerns, with the service's message and status.
"""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.core import validators
from ownervote.core.clientip import client_ip
from ownervote.core.masking import mask_mobile
from ownervote.core.views import attempt

from . import eldermode, services, signin, wechat
from .errors import Code
from .models import SmsCode
from .signin import AUTH_BACKEND

STATE_KEY = "ownervote_wechat_state"  # {"state", "next", "at"}: one authorisation in flight
PENDING_KEY = "ownervote_wechat_pending"  # {"app_id", "openid", "unionid", "next", "at"}: to link
STATE_MAX_AGE = 600  # seconds from wechat_start to the callback, and from there to linking
CODE_FIELD_ERRORS = {Code.WRONG_CODE, Code.EXPIRED, Code.NO_CODE, Code.LOCKED}


def _next_url(request) -> str:
    """The ``next`` page if it is on this site, else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _home() -> str:
    try:
        return reverse("portal:home")
    except NoReverseMatch:
        return "/m/"


def _login_url(next_url: str = "") -> str:
    url = reverse("identity:login")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _sms_page(request, *, template: str, complete, context: dict | None = None):
    """The two-step SMS form shared by ``login`` and ``wechat_link``: "send" texts a code and
    shows the code field; "sign_in" calls ``complete(mobile, code) -> User`` and signs in."""
    next_url = _next_url(request)
    mobile = validators.normalise_mobile(request.POST.get("mobile", "")) if request.method == "POST" else ""
    errors: dict[str, list[str]] = {}
    sent_to = wait = ""
    code_step = False
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "send")
        code_step = action == "sign_in" or request.POST.get("step") == "code"
        if action == "sign_in":
            outcome = attempt(complete, mobile=mobile, code=request.POST.get("code", ""))
            if not outcome.refused:
                auth_login(request, outcome.value, backend=AUTH_BACKEND)
                return HttpResponseRedirect(next_url or _home())
        else:
            outcome = attempt(
                services.sms_code_request,
                mobile=mobile,
                purpose=SmsCode.Purpose.SIGN_IN,
                ip=client_ip(request),
            )
            if not outcome.refused:
                sent_to, code_step = mask_mobile(mobile), True
            elif outcome.error.code == Code.TOO_MANY:
                # Codes were sent to this number a moment ago (a double tap, the back button, or
                # "send again"): the owner may hold a valid one, so the code field stays and the
                # wait is told as text, not as a failure (issue 22 item 9).
                wait, code_step, status = outcome.message, True, outcome.error.status
        if outcome.refused and not wait:
            field = (
                "mobile"
                if outcome.error.code == Code.BAD_MOBILE
                else "code"
                if outcome.error.code in CODE_FIELD_ERRORS
                else "form"
            )
            errors.setdefault(field, []).append(outcome.message)
            status = outcome.error.status
    return render(
        request,
        template,
        {
            "mobile": mobile,
            "errors": errors,
            "sent_to": sent_to,
            "wait": wait,
            "code_step": code_step,
            # The wait before another code, told as text: no countdown runs on the page (R-SEC-8).
            "resend_seconds": settings.OWNERVOTE_SMS_RESEND_SECONDS,
            "next": next_url,
            **(context or {}),
        },
        status=status,
    )


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    """Owner sign-in by SMS code (and the WeChat button when this site has WeChat on)."""
    if request.method == "GET" and request.user.is_authenticated:
        return HttpResponseRedirect(_next_url(request) or _home())

    def complete(mobile, code):
        return services.sign_in_with_sms(mobile=mobile, code=code, ip=client_ip(request))

    return _sms_page(
        request,
        template="identity/login.html",
        complete=complete,
        context={"methods": [m for m in signin.enabled_methods() if m.name != "sms"]},
    )


@require_POST
def logout(request):
    auth_logout(request)
    return redirect("identity:login")


# --- WeChat -----------------------------------------------------------------------------------


def _wechat_error(request, message, status: int):
    return render(
        request,
        "identity/wechat_error.html",
        {"message": message, "login_url": _login_url()},
        status=status,
    )


@never_cache
@require_GET
def wechat_start(request):
    """Send the visitor to WeChat's authorisation page with a fresh ``state`` kept in the session."""
    if not signin.is_enabled("wechat"):
        raise Http404
    state = secrets.token_urlsafe(24)
    request.session[STATE_KEY] = {"state": state, "next": _next_url(request), "at": int(time.time())}
    redirect_uri = request.build_absolute_uri(reverse("identity:wechat_callback"))
    return HttpResponseRedirect(wechat.authorize_url(redirect_uri=redirect_uri, state=state))


@never_cache
@require_GET
def wechat_callback(request):
    """WeChat's answer: check ``state``, exchange the ``code`` for the openid, sign in a linked
    account, or keep the openid in the session and ask for a mobile number to link it."""
    if not signin.is_enabled("wechat"):
        raise Http404
    pending = request.session.pop(STATE_KEY, None)  # one use, whatever happens next
    state = request.GET.get("state", "")
    if (
        not isinstance(pending, dict)
        or not state
        or not constant_time_compare(state, str(pending.get("state", "")))
        or time.time() - int(pending.get("at", 0)) > STATE_MAX_AGE
    ):
        return _wechat_error(
            request,
            _("This sign-in link has expired or did not start on this site. Please sign in again."),
            400,
        )
    code = request.GET.get("code", "")
    if not code:
        return _wechat_error(request, _("WeChat did not authorise the sign-in. Please sign in again."), 400)
    outcome = attempt(wechat.exchange_code, code=code)
    if outcome.refused:
        return _wechat_error(request, outcome.error.message, outcome.error.status)
    who = outcome.value
    next_url = str(pending.get("next") or "")
    user = services.wechat_sign_in(app_id=who.app_id, openid=who.openid, ip=client_ip(request))
    if user is not None:
        auth_login(request, user, backend=AUTH_BACKEND)
        return HttpResponseRedirect(next_url or _home())
    request.session[PENDING_KEY] = {
        "app_id": who.app_id,
        "openid": who.openid,
        "unionid": who.unionid,
        "next": next_url,
        "at": int(time.time()),
    }
    url = reverse("identity:wechat_link")
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def wechat_link(request):
    """A WeChat user seen for the first time proves a mobile number with an SMS code; the
    WeChat account is linked to that number's account and signed in."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - int(pending.get("at", 0)) > STATE_MAX_AGE:
        request.session.pop(PENDING_KEY, None)
        return redirect("identity:login")

    def complete(mobile, code):
        user = services.wechat_link(
            app_id=pending["app_id"],
            openid=pending["openid"],
            unionid=pending.get("unionid", ""),
            mobile=mobile,
            code=code,
            ip=client_ip(request),
        )
        request.session.pop(PENDING_KEY, None)
        return user

    return _sms_page(request, template="identity/wechat_link.html", complete=complete)


# --- the owner's settings: elder mode (R-SEC-8) ------------------------------------------------


@never_cache
@require_GET
def settings_page(request):
    """The owner's settings: elder mode (长辈版). Open signed out too: the choice is then kept on
    this phone and carried to the account at sign-in."""
    return render(request, "identity/settings.html", {"owner_tab": "home", "login_url": _login_url()})


@require_POST
def elder_mode(request):
    """Turn elder mode on (``on=1``) or off: on the account when signed in, else in this browser's
    session. Back to ``next`` (a page of this site) or the settings."""
    on = request.POST.get("on") == "1"
    if request.user.is_authenticated:
        services.elder_mode_set(actor=request.user, on=on)
    else:
        request.session[eldermode.SESSION_KEY] = on
    messages.success(request, _("Elder mode is on.") if on else _("Elder mode is off."))
    return HttpResponseRedirect(_next_url(request) or reverse("identity:settings"))
