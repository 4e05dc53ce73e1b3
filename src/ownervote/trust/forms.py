"""Forms of the signal pages (R-TRUST-1). They parse input only; who may review, the outcomes
allowed and the reason required are decided by ``ownervote.trust.services``; a refusal of the
service is placed on the form (``ServiceForm.submit``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ownervote.core.forms import ServiceForm

from .services import MAX_TEXT

OUTCOME_CHOICES = [
    ("dismissed", pgettext_lazy("signal outcome", "Dismiss: nothing wrong was found")),
    ("referred", pgettext_lazy("signal outcome", "Refer to the convener as an objection")),
    ("complaint", pgettext_lazy("signal outcome", "Open a complaint on the office's own initiative")),
]


class ReviewForm(ServiceForm, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the review"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Reason"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was checked and why this outcome. Kept with the signal under your real name."),
    )

    def __init__(self, *args, signal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if signal is not None and signal.meeting_id is None:
            # Only a signal about a meeting's votes becomes the convener's objection (R-TRUST-2).
            self.fields["outcome"].choices = [c for c in OUTCOME_CHOICES if c[0] != "referred"]


class RevealForm(ServiceForm, forms.Form):
    item = forms.IntegerField(min_value=0, max_value=100_000, widget=forms.HiddenInput)
    field = forms.CharField(max_length=32, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why it must be seen"),
        max_length=MAX_TEXT,
        widget=forms.TextInput(attrs={"size": 30}),
        help_text=_("Logged with your name."),
    )
