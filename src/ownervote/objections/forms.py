"""Forms of the objection pages. They parse input only; every rule (who may raise what, on which
flat, until when) is decided by ``ownervote.objections.services``; a refusal of the service is
placed on the form (``ServiceForm.submit``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ownervote.core.forms import ServiceForm

from .models import ResultObjection

MAX_TEXT = 4000


class RaiseForm(ServiceForm, forms.Form):
    flat = forms.TypedChoiceField(label=_("Which flat's ballot"), coerce=int)
    kind = forms.ChoiceField(
        label=_("What is wrong with it"),
        choices=[c for c in ResultObjection.Kind.choices if c[0] != ResultObjection.Kind.REFERRED],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Details (optional)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For another flat's ballot, say why you doubt it (at least 10 characters)."),
    )
    receipt = forms.CharField(label=_("Receipt code (optional)"), max_length=32, required=False)

    def __init__(self, *args, flats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flat"].choices = list(flats)


class AnswerForm(ServiceForm, forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class DisputeForm(ServiceForm, forms.Form):
    reason = forms.CharField(
        label=_("Why you do not accept the answer (optional)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
