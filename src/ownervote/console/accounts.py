"""Account security in the console (R-SEC-1): the staff accounts a user looks after
(``orgs.scoping.manageable_accounts``: as their approver, their organisation's administrator or the
city operator), with their second factor and failed sign-ins; issuing a one-time enrolment code,
resetting a lost second factor, lifting a sign-in lockout. And the page a locked-out sign-in gets
(django-axes' ``AXES_LOCKOUT_CALLABLE``).

A new enrolment code is shown once, in the response to the POST that issued it (never cached)."""

from __future__ import annotations

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max, Prefetch, Q, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from ownervote.orgs import scoping, security
from ownervote.orgs.access import access_account
from ownervote.orgs.models import EnrolmentCode, Membership

from .forms import ResetSecondFactorForm

PAGE_SIZE = 50


def _failures(usernames: list[str]) -> dict[str, int]:
    """Failed sign-ins per username within the cool-off (what a lockout counts)."""
    since = timezone.now() - get_cool_off()
    rows = (
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since)
        .values("username")
        .annotate(n=Sum("failures_since_start"))
    )
    return {row["username"]: row["n"] for row in rows}


def _rows(users):
    users = list(users)
    now = timezone.now()
    failures = _failures([u.username for u in users])
    enrolled = set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )
    for user in users:
        user.enrolled = user.pk in enrolled
        user.failed_sign_ins = failures.get(user.username, 0)
        live = [c for c in user.enrolment_codes.all() if c.is_live(now)]
        user.live_code = live[0] if live else None
        user.organisations = sorted({m.organisation.name for m in user.memberships.all()})
    return users


def _page(request, *, issued=None, reset_form=None, reset_for=None, status=200):
    q = (request.GET.get("q") or "").strip()[:150].replace("\x00", "")
    accounts = scoping.manageable_accounts(request.user).order_by("username")
    if q:
        accounts = accounts.filter(Q(username__icontains=q) | Q(real_name__icontains=q))
    accounts = accounts.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
        Prefetch("enrolment_codes", queryset=EnrolmentCode.objects.order_by("-issued_at", "-pk")),
    )
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "accounts": _rows(page.object_list),
        "q": q,
        "issued": issued,
        "reset_form": reset_form or ResetSecondFactorForm(),
        "reset_for": reset_for,
    }
    return render(request, "console/accounts.html", context, status=status)


@login_required
@never_cache
def accounts(request):
    return _page(request)


@login_required
@never_cache
@require_POST
def account_code(request, pk: int):
    """Issue a one-time enrolment code: shown in this response only."""
    row, code = security.issue_enrolment_code(actor=request.user, user_id=pk)
    return _page(request, issued={"account": row.user, "code": code, "expires_at": row.expires_at})


@login_required
@never_cache
@require_POST
def account_reset(request, pk: int):
    """A lost phone: remove the account's devices and issue a new enrolment code (shown once)."""
    account = access_account(request.user, pk)
    form = ResetSecondFactorForm(request.POST)
    if form.is_valid():
        done = form.submit(
            security.reset_second_factor, actor=request.user, user_id=pk, reason=form.cleaned_data["reason"]
        )
        if done is not None:
            row, code = done
            return _page(request, issued={"account": row.user, "code": code, "expires_at": row.expires_at})
    return _page(request, reset_form=form, reset_for=account, status=422)


@login_required
@require_POST
def account_unlock(request, pk: int):
    account = access_account(request.user, pk)
    security.unlock_sign_in(actor=request.user, user_id=pk)
    messages.success(request, _("Sign-in of %(username)s is open again.") % {"username": account.username})
    return redirect("console:accounts")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: when to try again and whom to ask (429)."""
    cool_off = get_cool_off(request)
    username = get_client_username(request, credentials) or ""
    address = getattr(request, "axes_ip_address", None)
    latest = AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=address)).aggregate(
        at=Max("attempt_time")
    )["at"]
    until = (latest or timezone.now()) + cool_off if cool_off else None
    context = {
        "until": timezone.localtime(until) if until else None,
        "minutes": int(cool_off.total_seconds() // 60),
    }
    return render(request, "console/locked_out.html", context, status=429)
