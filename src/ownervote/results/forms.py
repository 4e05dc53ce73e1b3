"""Forms of the result console (views/console.py) and the public receipt search (views/public.py)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from ownervote.core.forms import PlausibleDateField

from .services.results import MAX_TEXT


class DateInput(forms.DateInput):
    input_type = "date"


def _date_field(label, help_text=""):
    return PlausibleDateField(
        label=label,
        help_text=help_text,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(format="%Y-%m-%d", attrs={"class": "mt-date"}),
    )


class GenerateForm(forms.Form):
    """Generate a version of the result; from the second version the reason is required (the
    service says so: the form leaves it optional for the first)."""

    reason = forms.CharField(
        label=_("Reason for the new version"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required from version 2: which correction was made, and why."),
    )


class CorrectionForm(forms.Form):
    """Start a correction of the publicised result (R-SEC-6): the reason is required (the service
    says so, on this field)."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which late paper ballot, or what else, and why it was not counted before."),
    )


class SubmitForm(forms.Form):
    """The submission to the supervising office with the scans of the printed tables, sealed and
    signed (art. 25, R-RES-2). The service decides: a missing scan, its type (sniffed), its size."""

    result_scan = forms.FileField(
        label=_("Signed result table (scan)"),
        help_text=_(
            "PDF, JPEG or PNG of the printed result table with the seal and the scrutineers' signatures."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}),
        required=False,  # the service refuses a submission without it (result.scan_required)
    )
    flats_scan = forms.FileField(
        label=_("Signed per-flat table (scan)"),
        help_text=_("PDF, JPEG or PNG of the printed per-flat table with the seal and the signatures."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}),
        required=False,
    )


class GuidanceForm(forms.Form):
    text = forms.CharField(
        label=_("Guidance opinion on the result"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The convener sees it on the result page, with your name and the version it is about."),
    )


class PublicityForm(forms.Form):
    starts_on = _date_field(_("Publicity starts on"))
    ends_on = _date_field(
        _("Publicity ends on"), _("At least 10 days, the first day not counted (art. 26, 29).")
    )
    late_reason = forms.CharField(
        label=_("Why the publicity starts late"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed when it starts more than 3 days after the resolution; the street office sees it."
        ),
    )

    @classmethod
    def starting(cls, today: dt.date) -> PublicityForm:
        return cls(initial={"starts_on": today, "ends_on": today + dt.timedelta(days=10)})


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40, required=False)
