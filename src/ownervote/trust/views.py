"""Console pages of the impersonation signals (R-TRUST-1), under /console/signals/.

``signal_list`` the signals the office handles (and, for a district bureau, its street offices'
read-only), open first, with filters; ``detail`` one signal: its measure against the threshold,
its evidence masked, its reviews and reveals, and the review form; ``reveal`` one masked value
in clear with the reason, shown once on the page (never cached) and logged.

Each view parses its form, calls one service or selector and renders. A refused submission is
shown on its form (``ServiceForm.submit``); ``NotFound`` is a 404 and ``Forbidden`` a 403
(``core.middleware``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ownervote.core.errors import Forbidden
from ownervote.core.params import int_param
from ownervote.core.views import console_view

from . import forms, permissions, selectors, services
from .access import Need, access_signal
from .errors import Code
from .models import Kind, Signal

# The evidence table's columns, in this order; other keys an item carries follow, "id" never shows.
COLUMNS = (
    ("type", pgettext_lazy("evidence", "Record")),
    ("flat", pgettext_lazy("evidence", "Flat")),
    ("owner", pgettext_lazy("evidence", "Owner")),
    ("name", pgettext_lazy("evidence", "Name")),
    ("holder", pgettext_lazy("evidence", "Proxy holder")),
    ("mobile", pgettext_lazy("evidence", "Mobile")),
    ("id_number", pgettext_lazy("evidence", "ID number")),
    ("at", pgettext_lazy("evidence", "Time")),
)
TYPES = {
    "binding": pgettext_lazy("evidence", "binding"),
    "verification": pgettext_lazy("evidence", "verification"),
    "submission": pgettext_lazy("evidence", "electronic submission"),
    "ballot": pgettext_lazy("evidence", "ballot"),
    "proxy": pgettext_lazy("evidence", "proxy"),
    "objection": pgettext_lazy("evidence", "objection to the result"),
}
# Display-only evidence keys (never revealable): what they are, in the reviewer's words.
EXTRA_LABELS = {
    "device": pgettext_lazy("evidence", "Device"),
    "address": pgettext_lazy("evidence", "Network address"),
    "checker": pgettext_lazy("evidence", "Checked on site by"),
    "receipt": pgettext_lazy("evidence", "Receipt"),
    "channel": pgettext_lazy("evidence", "Channel"),
}
# What each measure counts, and what each threshold says (rules.trust's keys).
MEASURES = {
    "flats": pgettext_lazy("measure", "Flats"),
    "owners": pgettext_lazy("measure", "Different owners"),
    "recent": pgettext_lazy("measure", "In the days before voting"),
    "usual": pgettext_lazy("measure", "Usual number in as many days"),
    "late": pgettext_lazy("measure", "In the last days before voting"),
    "total": pgettext_lazy("measure", "In all"),
    "estates": pgettext_lazy("measure", "Estates where the holder holds proxies"),
    "here": pgettext_lazy("measure", "Proxies in this estate"),
    "objections": pgettext_lazy("measure", "Owners who say they never voted"),
}
THRESHOLDS = {
    "flats": pgettext_lazy("threshold", "flats, at least"),
    "owners": pgettext_lazy("threshold", "different owners, at least"),
    "min": pgettext_lazy("threshold", "acts, at least"),
    "days": pgettext_lazy("threshold", "days before voting"),
    "factor": pgettext_lazy("threshold", "times the usual rate, at least"),
    "baseline_days": pgettext_lazy("threshold", "days the usual rate is measured over"),
    "share": pgettext_lazy("threshold", "percent of the person's, at least"),
    "ballots": pgettext_lazy("threshold", "ballots, at least"),
    "minutes": pgettext_lazy("threshold", "within minutes"),
    "objections": pgettext_lazy("threshold", "objections, at least"),
}
DONE = {
    "dismissed": gettext_lazy("The signal was dismissed; the review is recorded."),
    "referred": gettext_lazy("The signal was referred to the convener as an objection."),
    "complaint": gettext_lazy(
        "A complaint was opened on the office's own initiative; it is in the complaints list."
    ),
}


def _require_reviewer_staff(user) -> None:
    if not permissions.reviews_signals(user):
        raise Forbidden(Code.FORBIDDEN, _("Only a street office or a district bureau reviews signals."))


@console_view
@require_GET
def signal_list(request):
    _require_reviewer_staff(request.user)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    estate_id = int_param(request.GET.get("estate"))
    rows = selectors.signal_list(request.user, status=status, kind=kind, estate_id=estate_id)
    context = {
        "rows": rows,
        "status": status,
        "kind": kind,
        "estate_id": estate_id,
        "statuses": Signal.Status.choices,
        "kinds": Kind.choices,
        "estates": selectors.estates_with_signals(request.user),
        "open_n": sum(1 for s in rows if s.status == Signal.Status.OPEN),
    }
    return render(request, "trust/list.html", context)


def _evidence_table(signal: Signal, can_reveal: bool) -> tuple[list, list]:
    items = [e for e in (signal.evidence or []) if isinstance(e, dict)]
    known = [key for key, _label in COLUMNS]
    extra = sorted({k for e in items for k in e} - set(known) - {"id"})
    present = {k for e in items for k in e}
    columns = [(k, label) for k, label in COLUMNS if k in present] + [
        (k, EXTRA_LABELS.get(k, k)) for k in extra
    ]
    rows = []
    for index, entry in enumerate(signal.evidence or []):
        if not isinstance(entry, dict):
            continue
        cells = []
        for key, _label in columns:
            value = entry.get(key, "")
            if key == "type":
                value = TYPES.get(str(value), value)
            elif key == "at":
                value = _when(value)
            revealable = can_reveal and key in entry and (str(entry.get("type", "")), key) in services.SOURCES
            cells.append({"key": key, "value": value, "revealable": revealable})
        rows.append({"index": index, "cells": cells})
    return columns, rows


def _when(value) -> str:
    """An evidence item's ISO time as the console shows times: Beijing time, to the minute."""
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(at) else str(value)


def _measure(signal: Signal) -> tuple[list[tuple[object, object, object]], list[tuple[object, object]]]:
    """The measure's rows (what was found, beside the threshold of the same name) and every
    threshold in force when it was detected, labelled."""
    measure = signal.measure if isinstance(signal.measure, dict) else {}
    threshold = measure.get("threshold") if isinstance(measure.get("threshold"), dict) else {}
    rows = [(MEASURES.get(k, k), v, threshold.get(k, "")) for k, v in measure.items() if k != "threshold"]
    return rows, [(THRESHOLDS.get(k, k), v) for k, v in threshold.items()]


def _render_detail(request, signal: Signal, *, review_form=None, reveal_form=None, revealed=None, status=200):
    can_review = permissions.can_review(request.user, signal)
    columns, evidence = _evidence_table(signal, can_review)
    measure, thresholds = _measure(signal)
    context = {
        "s": signal,
        "kind_label": Kind(signal.kind).label,
        "can_review": can_review,
        "is_open": signal.status == Signal.Status.OPEN,
        "measure": measure,
        "thresholds": thresholds,
        "columns": columns,
        "evidence": evidence,
        "reviews": selectors.reviews(signal),
        "reveals": selectors.reveals(signal),
        "review_form": review_form or forms.ReviewForm(signal=signal),
        "reveal_form": reveal_form,
        "revealed": revealed,
    }
    return render(request, "trust/detail.html", context, status=status)


@console_view
@require_http_methods(["GET", "POST"])
def detail(request, signal_id):
    need = Need.REVIEW if request.method == "POST" else Need.SEE
    signal = access_signal(request.user, signal_id, need=need)
    if request.method == "GET":
        return _render_detail(request, signal)
    form = forms.ReviewForm(request.POST, signal=signal)
    if form.is_valid():
        data = form.cleaned_data
        result = form.submit(
            services.signal_review,
            actor=request.user,
            signal_id=signal.pk,
            outcome=data["outcome"],
            note=data["note"],
        )
        if result is not None:
            messages.success(request, str(DONE[data["outcome"]]))
            return redirect("trust:detail", signal_id=signal.pk)
    signal.refresh_from_db()
    return _render_detail(request, signal, review_form=form, status=form.status)


@console_view
@never_cache
@require_POST
def reveal(request, signal_id):
    """One masked value in clear, with the reason: shown on this page once, never cached; logged."""
    signal = access_signal(request.user, signal_id, need=Need.REVEAL)
    form = forms.RevealForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        value = form.submit(
            services.signal_reveal,
            actor=request.user,
            signal_id=signal.pk,
            item=data["item"],
            field=data["field"],
            reason=data["reason"],
        )
        if form.refusal_status is None:
            label = dict(COLUMNS).get(data["field"], data["field"])
            revealed = {"item": data["item"], "field": label, "value": value or "—"}
            return _render_detail(request, signal, revealed=revealed)
    return _render_detail(request, signal, reveal_form=form, status=form.status)
