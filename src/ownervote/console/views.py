"""The staff console: sign-in with a second factor, registration, the home page, association
applications and decisions, API tokens and an organisation owner's authorised staff.

Views parse a form, call one service of ``orgs.services`` (or a selector of ``orgs.scoping``)
through the form's ``submit`` (a refusal is shown on the form), and redirect with a message on
success. They hold no business rule: who may decide what, which transitions exist and what is
valid is decided by the services, so the API and the admin get the same answers. Not found and
forbidden are the 404 and 403 pages (``core.middleware``).
"""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ownervote.core import todo
from ownervote.core.clientip import client_ip
from ownervote.orgs import scoping, security, services
from ownervote.orgs.middleware import second_factor_required
from ownervote.orgs.models import Association, Organisation
from ownervote.roster.selectors import estates_visible_to

from .context_processors import url_or_none
from .forms import (
    ApiTokenForm,
    ApplyForm,
    AssociationFilterForm,
    AuthoriseStaffForm,
    DecisionForm,
    EnrolmentCodeForm,
    EstateFilterForm,
    LoginForm,
    RegisterForm,
    TotpForm,
    received_message,
)

ASSOCIATION_RELATED = (
    "organisation",
    "division__parent",
    "estate__street__parent",
    "applied_by",
    "decided_by",
)
PAGE_SIZE = 50


def _safe_next(request, default: str = "console:home") -> str:
    """The ``next`` page if it is on this site, else ``default`` (never an open redirect)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(default)


def _posted(request):
    """The form data of a POST, else None (an unbound form)."""
    return request.POST if request.method == "POST" else None


def _refused(form) -> int:
    """Status of a page re-rendered because its form was refused."""
    return 422 if form is not None and form.is_bound and form.errors else 200


def _approver_label(assoc: Association) -> str:
    return str(Organisation.Kind(scoping.approver_kind(assoc)).label)


def _with_approver(rows):
    rows = list(rows)
    for row in rows:
        row.approver_label = _approver_label(row)
    return rows


def _own_associations(user):
    return (
        Association.objects.filter(organisation__memberships__user=user)
        .select_related(*ASSOCIATION_RELATED)
        .distinct()
        .order_by("-applied_at")
    )


# ---------------------------------------------------------------- sign-in, sign-out, registration


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule): a link or an image cannot sign anyone out."""

    next_page = "console:login"


@sensitive_post_parameters("password", "password2")
@never_cache
def register(request):
    """R-ORG-1: a convener or a government body's staff registers and applies for an association.
    The answer is the same whether or not the username was free (the outcome goes by SMS to the
    mobile given: ``orgs.services.register_account``); then the applicant signs in."""
    if request.user.is_authenticated:
        return redirect("console:home")
    filter_form = EstateFilterForm(request.POST if request.method == "POST" else request.GET)
    street, q = filter_form.values()
    form = RegisterForm(_posted(request))
    too_many = form.setup_targets(street, q)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        form.submit(
            services.register_account,
            username=data["username"],
            password=data["password"],
            real_name=data["real_name"],
            mobile=data["mobile"],
            organisation_kind=data["organisation_kind"],
            organisation_name=data["organisation_name"],
            credit_code=data["credit_code"],
            estate=data["estate"],
            division=data["division"],
            note=data["note"],
            ip=client_ip(request),
        )
        if not form.errors:
            messages.success(request, received_message(data["mobile"]))
            return redirect("console:login")
    status = getattr(form, "refusal_status", None) if form.errors else None
    return render(
        request,
        "console/register.html",
        {"form": form, "filter_form": filter_form, "too_many_estates": too_many},
        status=status if status == 429 else _refused(form),
    )


# ---------------------------------------------------------------- second factor


ENROLMENT_SESSION_KEY = "ownervote_enrolment_code_for"


def _totp_device(user) -> tuple[TOTPDevice | None, bool]:
    """The user's confirmed TOTP device, or the unconfirmed one being enrolled (created once the
    enrolment code is accepted, so the secret survives a reload). Returns (device, enrolling); the
    device is None while enrolling without an accepted enrolment code."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()
    if device is not None:
        return device, False
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="console", confirmed=False)
    return device, True


def _qr_svg(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, title=_("QR code for your authenticator app"), dark="#000", light="#fff"
    )
    return mark_safe(svg)  # noqa: S308 - generated by segno from our own data, no user input


def _demo_code(device: TOTPDevice) -> str:
    """The demo only (``OWNERVOTE_DEMO_TOTP_HINT``): the code the device accepts now (never one
    already used: django-otp refuses a replay)."""
    if not (settings.OWNERVOTE_DEMO and settings.OWNERVOTE_DEMO_TOTP_HINT):
        return ""
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.drift += max(0, device.last_t + 1 - clock.t())
    return f"{clock.token():0{device.digits}d}"


def _has_device(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


@login_required
@never_cache
def two_factor(request):
    """Verify a TOTP code; or enrol a device: first the one-time enrolment code issued by whoever
    manages the account (``orgs.security``), then the QR code + secret, confirmed by a first code.
    Wrong codes are throttled by django-otp (exponential back-off per device)."""
    next_url = _safe_next(request)
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(next_url)
    context = {"next": next_url, "required": second_factor_required(user)}
    if not _has_device(user) and request.session.get(ENROLMENT_SESSION_KEY) != user.pk:
        form = EnrolmentCodeForm(_posted(request))
        if request.method == "POST" and form.is_valid():
            redeemed = form.submit(security.redeem_enrolment_code, actor=user, code=form.cleaned_data["code"])
            if redeemed is not None:
                request.session[ENROLMENT_SESSION_KEY] = user.pk
                return HttpResponseRedirect(reverse("console:2fa") + "?" + urlencode({"next": next_url}))
        context.update(
            code_form=form,
            enrolling=True,
            needs_code=True,
            ttl_hours=settings.OWNERVOTE_ENROLMENT_CODE_TTL_HOURS,
        )
        return render(request, "console/two_factor.html", context, status=_refused(form))
    device, enrolling = _totp_device(user)
    form = TotpForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        allowed, info = device.verify_is_allowed()
        if not allowed:
            until = (info or {}).get("locked_until")
            form.add_error(
                "token",
                _("Too many wrong codes. Try again after %(time)s.")
                % {"time": timezone.localtime(until).strftime("%H:%M:%S") if until else _("a while")},
            )
        else:
            verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["token"])
            if verified is None:
                form.add_error(
                    "token", _("The code is wrong or has expired. Wait for the next code and try again.")
                )
            else:
                services.second_factor_passed(actor=user, device=verified, enrolling=enrolling)
                request.session.pop(ENROLMENT_SESSION_KEY, None)
                request.session.cycle_key()  # a new session id with the raised privilege
                django_otp.login(request, verified)
                if enrolling:
                    messages.success(request, _("Two-step verification is set up for your account."))
                return HttpResponseRedirect(next_url)
    context.update(form=form, enrolling=enrolling, demo_code=_demo_code(device))
    if enrolling:
        secret = b32encode(device.bin_key).decode()
        context["qr_svg"] = _qr_svg(device)
        context["secret_groups"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(request, "console/two_factor.html", context, status=_refused(form))


# ---------------------------------------------------------------- home


@login_required
def home(request):
    """What this user must do now."""
    user = request.user
    to_decide = (
        scoping.decidable_by(user)
        .filter(status=Association.Status.PENDING)
        .select_related(*ASSOCIATION_RELATED)
    )
    own = _with_approver(_own_associations(user))
    approved = scoping.approved_associations(user)
    context = {
        "to_decide": to_decide.order_by("applied_at")[:PAGE_SIZE],
        "to_decide_count": to_decide.count(),
        "own": own,
        "own_pending": [a for a in own if a.status == Association.Status.PENDING],
        "approved": approved,
        "estate_count": estates_visible_to(user).count() if approved else 0,
        "estates_url": url_or_none("roster:estate_list"),
        "todos": todo.for_user(user, timezone.localdate()) if approved else [],
    }
    return render(request, "console/home.html", context)


# ---------------------------------------------------------------- associations (R-ORG-1)


@login_required
def associations(request):
    """The user's own applications, and those they decide, filterable by status."""
    filter_form = AssociationFilterForm(request.GET)
    status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    own = _own_associations(request.user)
    decide = scoping.decidable_by(request.user).select_related(*ASSOCIATION_RELATED).order_by("-applied_at")
    if status:
        own, decide = own.filter(status=status), decide.filter(status=status)
    page = Paginator(decide, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter_form": filter_form,
        "status": status,
        "own": _with_approver(own),
        "page": page,
        "decide": page.object_list,
        "S": Association.Status,
    }
    return render(request, "console/associations.html", context)


@login_required
def association_decide(request, pk: int):
    """One application the user may decide: approve, refuse with a reason, revoke with a reason.
    Missing and not-yours look the same (404)."""
    assoc = get_object_or_404(scoping.decidable_by(request.user).select_related(*ASSOCIATION_RELATED), pk=pk)
    form = DecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        decided = form.submit(
            services.decide_association,
            actor=request.user,
            association_id=assoc.pk,
            decision=decision,
            reason=form.cleaned_data["reason"],
        )
        if decided is not None:
            done = {
                Association.Status.APPROVED: _("Approved: %(org)s for %(target)s."),
                Association.Status.REFUSED: _("Refused: %(org)s for %(target)s."),
                Association.Status.REVOKED: _("Revoked: %(org)s for %(target)s."),
            }[decision]
            messages.success(request, done % {"org": assoc.organisation.name, "target": assoc.target()})
            return HttpResponseRedirect(_safe_next(request, "console:associations"))
    context = {
        "a": assoc,
        "form": form,
        "failed_decision": form.data.get("decision") if form.is_bound else "",
        "next": _safe_next(request, "console:associations"),
        "S": Association.Status,
    }
    return render(request, "console/association_decide.html", context, status=_refused(form))


@login_required
def association_apply(request):
    """An existing organisation applies for another estate or division."""
    filter_form = EstateFilterForm(request.POST if request.method == "POST" else request.GET)
    street, q = filter_form.values()
    form = ApplyForm(_posted(request), user=request.user)
    too_many = form.setup_targets(street, q)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assoc = form.submit(
            services.apply_association,
            actor=request.user,
            organisation=data["organisation"],
            estate=data["estate"],
            division=data["division"],
            note=data["note"],
        )
        if assoc is not None:
            messages.success(
                request,
                _("Application sent: %(org)s for %(target)s, waiting for approval by the %(approver)s.")
                % {
                    "org": assoc.organisation.name,
                    "target": assoc.target(),
                    "approver": _approver_label(assoc),
                },
            )
            return redirect("console:associations")
    return render(
        request,
        "console/association_apply.html",
        {"form": form, "filter_form": filter_form, "too_many_estates": too_many},
        status=_refused(form),
    )


# ---------------------------------------------------------------- API tokens


@login_required
@never_cache
def tokens(request):
    """List, create (the key is shown once, in this response only) and revoke API tokens."""
    form = ApiTokenForm(_posted(request))
    new_key = new_token = None
    if request.method == "POST" and form.is_valid():
        created = form.submit(services.create_api_token, actor=request.user, name=form.cleaned_data["name"])
        if created is not None:
            new_token, new_key = created
            form = ApiTokenForm()
    context = {
        "form": form,
        "tokens": request.user.api_tokens.order_by("revoked_at", "-created_at"),
        "new_key": new_key,
        "new_token": new_token,
    }
    return render(request, "console/tokens.html", context, status=_refused(form))


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = services.revoke_api_token(actor=request.user, token_id=pk)
    messages.success(
        request, _("Token %(name)s (%(prefix)s…) is revoked.") % {"name": token.name, "prefix": token.prefix}
    )
    return redirect("console:tokens")


# ---------------------------------------------------------------- authorised staff (R-ORG-2)


def _staff_status(row, today) -> str:
    if row.revoked_at:
        return _("revoked")
    if row.valid_from > today:
        return _("not yet valid")
    if row.valid_until and row.valid_until < today:
        return _("expired")
    return _("valid")


@login_required
@sensitive_post_parameters("name", "id_number", "mobile")
def staff(request):
    """R-ORG-2: an organisation owner's authorised staff: list (masked), authorise, revoke."""
    orgs = list(scoping.administered_owner_organisations(request.user).order_by("name"))
    if not orgs:
        raise Http404(_("Only administrators of an organisation owner authorise staff."))
    wanted = request.POST.get("organisation") or request.GET.get("org")
    org = orgs[0]
    if wanted:
        org = next((o for o in orgs if str(o.pk) == wanted), None)
        if org is None:
            raise Http404
    form = AuthoriseStaffForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        person = form.submit(
            services.authorise_staff, actor=request.user, organisation_id=org.pk, **form.cleaned_data
        )
        if person is not None:
            messages.success(
                request,
                _("%(name)s is authorised to act for %(org)s.")
                % {"name": person.name_masked, "org": org.name},
            )
            return redirect(reverse("console:staff") + f"?org={org.pk}")
    today = timezone.localdate()
    rows = list(org.authorised_staff.order_by("revoked_at", "-created_at"))
    for row in rows:
        row.status_label = _staff_status(row, today)
    context = {"orgs": orgs, "org": org, "rows": rows, "form": form}
    return render(request, "console/staff.html", context, status=_refused(form))


@login_required
@require_POST
def staff_revoke(request, org_id: int, pk: int):
    person = services.revoke_staff(actor=request.user, organisation_id=org_id, staff_id=pk)
    messages.success(request, _("The authorisation of %(name)s is revoked.") % {"name": person.name_masked})
    return redirect(reverse("console:staff") + f"?org={org_id}")
