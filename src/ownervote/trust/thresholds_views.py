"""The console page of the city's thresholds of the signals (R-TRUST-1): the city operator only."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ownervote.core.views import attempt, console_view

from .thresholds import access_thresholds, thresholds_set, thresholds_view
from .thresholds_forms import FIELDS, ThresholdsForm


@console_view
@require_http_methods(["GET", "POST"])
def thresholds(request):
    """The thresholds in force in the operator's city; empty fields keep the platform's default."""
    access_thresholds(request.user)
    view = thresholds_view(actor=request.user)
    status = 200
    if request.method == "POST":
        form = ThresholdsForm(request.POST, defaults=view["defaults"])
        if form.is_valid():
            done = attempt(thresholds_set, actor=request.user, city=view["city"], values=form.cleaned_data)
            if not done.refused:
                messages.success(request, _("The thresholds are saved; the next detection uses them."))
                return redirect("trust_thresholds:thresholds")
            for name, message in (done.error.details or {}).items():
                form.add_error(name if name in form.fields else None, message)
        status = 422
    else:
        form = ThresholdsForm(initial=view["overrides"], defaults=view["defaults"])
    rows = [
        (label, view["defaults"][name], view["overrides"][name], view["effective"][name])
        for name, label, _h in FIELDS
    ]
    return render(request, "trust/thresholds.html", {"form": form, "view": view, "rows": rows}, status=status)
