"""Pages of written proxies (R-VOTE-6, R-VOTE-7).

Owner pages (WeUI, ``/m/``): ``proxies`` the owner's proxies in a meeting and the form to give
one; ``proxy`` one proxy (its grantor, its holder or the convener) with its document and, for the
grantor, the revoke button, for the holder, the accept button; ``proxy_revoke``; ``proxy_confirm``
(the proxy accepts it, art. 20); ``proxy_document`` the PDF; ``proxies_held`` the owners a proxy
votes for in a meeting, whether they accepted each, and the way to the vote page.
``proxy_list`` /m/meetings/<id>/proxies/list/: while the voting is open, the proxies in force,
masked, for the estate's owners (R-TRUST-3); outside the voting the page says when it is shown.
Console: ``proxies_console`` every proxy of a meeting, masked, for its convener.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.bindings.models import Binding
from ownervote.core.devices import traces
from ownervote.core.errors import ServiceError
from ownervote.core.forms import PlausibleDateField
from ownervote.core.views import attempt, console_view, download
from ownervote.identity.decorators import owner_view

from .. import permissions
from ..access import Need, access_proxy
from ..documents import PDF
from ..models import Proxy
from ..services import proxies as services
from ..services.proxy_acceptance import proxy_confirm as confirm_service
from ..services.proxy_list import proxy_list as list_service


class ProxyForm(forms.Form):
    flats = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Flats"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    name = forms.CharField(
        label=gettext_lazy("Proxy's name"),
        max_length=services.MAX_NAME,
        widget=forms.TextInput(attrs={"class": "weui-input", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=gettext_lazy("Proxy's ID number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"class": "weui-input", "autocomplete": "off", "inputmode": "text", "maxlength": "18"}
        ),
    )
    mobile = forms.CharField(
        label=gettext_lazy("Proxy's mobile"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "weui-input", "inputmode": "tel", "type": "tel", "autocomplete": "off"}
        ),
    )
    matters = forms.CharField(
        label=gettext_lazy("Matters delegated"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "weui-textarea", "rows": 2}),
    )
    authority = forms.CharField(
        label=gettext_lazy("Authority"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "weui-textarea", "rows": 2}),
    )
    term_from = PlausibleDateField(
        label=gettext_lazy("Term from"), widget=forms.DateInput(attrs={"class": "weui-input", "type": "date"})
    )
    term_until = PlausibleDateField(
        label=gettext_lazy("Term until"),
        widget=forms.DateInput(attrs={"class": "weui-input", "type": "date"}),
    )


def _my_flats(user, meeting):
    return list(
        Binding.objects.filter(user=user, estate_id=meeting.estate_id, status=Binding.Status.ACTIVE)
        .select_related("flat", "flat__building")
        .order_by("flat__sort_key", "pk")
    )


def _place(form: ProxyForm, exc: ServiceError) -> None:
    """A refused grant on the form: on the fields ``details.fields`` names, else above it."""
    fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
    if not isinstance(fields, dict) or not fields:
        form.add_error(None, str(exc.message))
        return
    for key, message in fields.items():
        key = "flats" if key == "flat_ids" else key
        form.add_error(key if key in form.fields else None, message)


@owner_view
@require_http_methods(["GET", "POST"])
def proxies(request, meeting_id: int):
    meeting, granted, held = services.mine(request.user, meeting_id)
    bindings = _my_flats(request.user, meeting)
    choices = [(b.flat_id, services.flat_label(b.flat)) for b in bindings]
    closes_on = timezone.localtime(meeting.voting_closes_at).date()
    initial = {
        "flats": [c[0] for c in choices] if len(choices) == 1 else [],
        "matters": services.default_matters(meeting),
        "authority": services.default_authority(),
        "term_from": timezone.localdate(),
        "term_until": closes_on,
    }
    form = ProxyForm(request.POST or None, initial=initial)
    form.fields["flats"].choices = choices
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            given = attempt(
                services.proxy_grant,
                actor=request.user,
                meeting_id=meeting.pk,
                flat_ids=data["flats"],
                name=data["name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                matters=data["matters"],
                authority=data["authority"],
                term_from=data["term_from"],
                term_until=data["term_until"],
                **traces(request),
            )
            if given.refused:
                _place(form, given.error)
            else:
                proxy = given.value
                messages.success(
                    request,
                    _("The written proxy is made. The convener and %(name)s have been told.")
                    % {"name": proxy.name_masked},
                )
                return redirect("voting:proxy", proxy_id=proxy.pk)
        status = 422
    voted = services.voted_ids(granted)
    return render(
        request,
        "voting/proxies/mine.html",
        {
            "meeting": meeting,
            "granted": granted,
            "held": held,
            "voted": voted,
            "form": form,
            "can_grant": bool(choices) and not services.is_closed(meeting, timezone.now()),
            "bound": bool(choices),
            "max_owners": Proxy.MAX_OWNERS_PER_HOLDER,
        },
        status=status,
    )


@owner_view
@require_GET
def proxy(request, proxy_id: int):
    seen = access_proxy(request.user, proxy_id, need=Need.SEE)
    p = seen.proxy
    voted = services.has_voted(p)
    return render(
        request,
        "voting/proxies/detail.html",
        {
            "p": p,
            "role": seen.role,
            "meeting": p.meeting,
            "flats": [services.flat_label(f) for f in p.flats.all()],
            "voted": voted,
            "can_revoke": permissions.can_revoke_proxy(request.user, p)
            and p.status == Proxy.Status.ACTIVE
            and not voted
            and not services.is_closed(p.meeting, timezone.now()),
            "can_confirm": _can_confirm(request.user, p),
            "wrong_mobile": seen.role == permissions.HOLDER
            and not permissions.holds_named_mobile(request.user, p),
        },
    )


def _can_confirm(user, p: Proxy) -> bool:
    return (
        permissions.can_confirm_proxy(user, p)
        and p.status == Proxy.Status.ACTIVE
        and p.confirmed_at is None
        and not services.is_closed(p.meeting, timezone.now())
    )


@owner_view
@require_POST
def proxy_confirm(request, proxy_id: int):
    """The proxy accepts the written proxy (art. 20): refusals come back to the proxy's page with
    the reason (the error middleware)."""
    proxy = confirm_service(actor=request.user, proxy_id=proxy_id)
    messages.success(
        request,
        _("You have accepted the proxy. You can now vote for %(owner)s; the owner has been told.")
        % {"owner": proxy.owner.name_masked},
    )
    return redirect("voting:proxies_held", meeting_id=proxy.meeting_id)


@owner_view
@require_POST
def proxy_revoke(request, proxy_id: int):
    seen = access_proxy(request.user, proxy_id, need=Need.SEE)
    revoked = attempt(services.proxy_revoke, actor=request.user, proxy_id=seen.proxy.pk)
    if revoked.refused:
        messages.error(request, revoked.message)
    else:
        messages.success(
            request,
            _(
                "The proxy is revoked. Vote yourself before the voting closes; "
                "we will remind you a day before."
            ),
        )
    return redirect("voting:proxy", proxy_id=seen.proxy.pk)


@owner_view
@never_cache
@require_GET
def proxy_document(request, proxy_id: int):
    stored, content = services.document_read(actor=request.user, proxy_id=proxy_id)
    return download(content, stored.name, stored.content_type or PDF)


@owner_view
@require_GET
def proxies_held(request, meeting_id: int):
    meeting, _granted, held = services.mine(request.user, meeting_id)
    voted = services.voted_ids(held)
    rows = [
        {
            "p": p,
            "flats": [services.flat_label(f) for f in p.flats.all()],
            "voted": p.pk in voted,
            "can_confirm": _can_confirm(request.user, p),
        }
        for p in held
    ]
    try:
        vote_url = reverse("voting:vote", args=[meeting.pk])
    except Exception:  # the vote page is not mounted
        vote_url = ""
    return render(
        request,
        "voting/proxies/held.html",
        {
            "meeting": meeting,
            "rows": rows,
            "vote_url": vote_url,
            "open": meeting.status == meeting.Status.VOTING
            and not services.is_closed(meeting, timezone.now()),
            "any_accepted": any(p.confirmed_at for p in held),
        },
    )


@owner_view
@never_cache
@require_GET
def proxy_list(request, meeting_id: int):
    """The public list of proxies in force (R-TRUST-3). Outside the voting (409) the page says when
    the list is shown; who may not see it gets 404 or 403."""
    listed = attempt(list_service, actor=request.user, meeting_id=meeting_id)
    return render(
        request,
        "voting/proxies/list.html",
        {
            "listed": listed.value,
            "closed_message": listed.message if listed.refused else "",
            "meeting_id": meeting_id,
        },
        status=listed.error.status if listed.refused else 200,
    )


@console_view
@require_GET
def proxies_console(request, meeting_id: int):
    meeting, rows = services.meeting_proxies(request.user, meeting_id)
    voted = services.voted_ids(rows)
    return render(
        request,
        "voting/proxies/console.html",
        {
            "meeting": meeting,
            "estate": meeting.estate,
            "rows": [
                {"p": p, "flats": [services.flat_label(f) for f in p.flats.all()], "voted": p.pk in voted}
                for p in rows
            ],
        },
    )


urlpatterns = [
    path("m/meetings/<int:meeting_id>/proxies/", proxies, name="proxies"),
    path("m/meetings/<int:meeting_id>/proxies/held/", proxies_held, name="proxies_held"),
    path("m/meetings/<int:meeting_id>/proxies/list/", proxy_list, name="proxy_list"),
    path("m/proxies/<int:proxy_id>/", proxy, name="proxy"),
    path("m/proxies/<int:proxy_id>/revoke/", proxy_revoke, name="proxy_revoke"),
    path("m/proxies/<int:proxy_id>/confirm/", proxy_confirm, name="proxy_confirm"),
    path("m/proxies/<int:proxy_id>/document.pdf", proxy_document, name="proxy_document"),
    path("console/meetings/<int:meeting_id>/proxies/", proxies_console, name="proxies_console"),
]
