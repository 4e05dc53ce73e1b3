"""What every console page needs to draw its frame: the user's organisations and the navigation."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ownervote.notify.services import unread_count
from ownervote.orgs import scoping
from ownervote.orgs.middleware import second_factor_required
from ownervote.orgs.models import Membership, Organisation


def url_or_none(name: str) -> str | None:
    """The URL of ``name``, or None while the app that provides it is not mounted yet."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "roster":
        return "estates"
    name = match.url_name or ""
    if name.startswith("association"):
        return "associations"
    if name.startswith("token"):
        return "tokens"
    if name.startswith("staff"):
        return "staff"
    if name.startswith("account"):
        return "accounts"
    if match.namespace == "complaints":
        return "complaints"
    if match.namespace == "trust":
        return "signals"
    if match.namespace == "trust_thresholds":
        return "signal_thresholds"
    if match.namespace == "bindings" and name == "import":
        return "binding_import"
    return name


def console(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"console_nav": []}
    memberships = list(
        Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    )
    owns_flats = any(
        m.organisation.kind == Organisation.Kind.OWNER_ORGANISATION and m.role == Membership.Role.ADMIN
        for m in memberships
    )
    pending_2fa = second_factor_required(user)
    nav = [
        ("home", _("Home"), url_or_none("console:home")),
        ("associations", _("My applications / approvals"), url_or_none("console:associations")),
        ("estates", _("Estates and rosters"), url_or_none("roster:estate_list")),
        ("tokens", _("API tokens"), url_or_none("console:tokens")),
    ]
    # Objections filed, bindings ended...: staff read their messages in the console (console.inbox),
    # never on the owners' phone pages.
    unread = unread_count(user)
    inbox_label = _("Messages (%(n)d new)") % {"n": unread} if unread else _("Messages")
    nav.append(("inbox", inbox_label, url_or_none("console:inbox")))
    kinds = scoping.user_kinds(user)
    K = Organisation.Kind
    if kinds & {K.STREET_OFFICE, K.DISTRICT_BUREAU, K.CITY_OPERATOR}:  # results across their estates
        nav.append(("oversight", _("Oversight"), url_or_none("results:oversight")))
    if kinds & {K.STREET_OFFICE, K.DISTRICT_BUREAU}:  # the complaints they handle (R-SEC-4)
        nav.append(("complaints", _("Complaints"), url_or_none("complaints:queue")))
    elif K.CITY_OPERATOR in kinds:  # the city sees the complaints' figures only
        nav.append(("complaints", _("Complaints"), url_or_none("complaints:oversight")))
    if kinds & {K.STREET_OFFICE, K.DISTRICT_BUREAU}:  # the impersonation signals they review (R-TRUST-1)
        nav.append(("signals", _("Impersonation signals"), url_or_none("trust:list")))
    if Organisation.Kind.CITY_OPERATOR in kinds:
        nav.append(("methods", _("Verification methods"), url_or_none("verification:methods")))
        nav.append(("signal_thresholds", _("Signal thresholds"), url_or_none("trust_thresholds:thresholds")))
        # moving a city over from its former platform (R-DATA-1)
        nav.append(("binding_import", _("Import bindings"), url_or_none("bindings:import")))
    if owns_flats:
        nav.append(("staff", _("Authorised staff"), url_or_none("console:staff")))
    if not pending_2fa and scoping.manageable_accounts(user).exists():  # R-SEC-1: codes, lockouts
        nav.append(("accounts", _("Account security"), url_or_none("console:accounts")))
    section = _section(request)
    return {
        "console_kinds": scoping.user_kinds(user),
        "console_memberships": memberships,
        "console_second_factor_pending": pending_2fa,
        # (key, label, url, current); links whose page does not exist yet are left out.
        "console_nav": [] if pending_2fa else [(k, label, url, k == section) for k, label, url in nav if url],
    }
