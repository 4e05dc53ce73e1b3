"""Forms of the complaint pages. They parse input only; every rule (who may complain, the subject,
the length of the text, the files allowed, the order of the steps) is decided by
``ownervote.complaints.services``; a refusal of the service is placed on the form
(``ServiceForm.submit``)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.core.files import Upload
from ownervote.core.forms import ServiceForm

from .models import Complaint

MAX_TEXT = 4000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ComplaintForm(ServiceForm, forms.Form):
    estate = forms.TypedChoiceField(label=_("Estate"), coerce=int)
    subject = forms.ChoiceField(
        label=_("What is the complaint about"), choices=Complaint.Subject.choices, widget=forms.RadioSelect
    )
    meeting = forms.TypedChoiceField(label=_("Meeting"), coerce=int, required=False, empty_value=None)
    text = forms.CharField(
        label=_("What happened"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("At least 10 characters: what happened, when, and who was involved."),
    )
    files = MultipleFileField(
        label=_("Photos or PDF files (optional)"),
        help_text=_("JPEG or PNG photos, or PDF files. At most 5 files."),
    )

    def __init__(self, *args, estates=(), meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].choices = [(e.pk, e.name) for e in estates]
        self.fields["meeting"].choices = [("", _("Not about one meeting"))] + [
            (m.pk, f"{m.estate.name} · {m.title}（{timezone.localtime(m.starts_at):%Y-%m-%d}）")
            for m in meetings
        ]

    def cleaned_uploads(self) -> list[Upload]:
        return [Upload.from_django(f) for f in self.cleaned_data.get("files") or []]


class AcceptForm(ServiceForm, forms.Form):
    note = forms.CharField(
        label=_("Note to the complainant (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(ServiceForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason for not accepting"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the complainant by SMS."),
    )


class ExtendForm(ServiceForm, forms.Form):
    reason = forms.CharField(
        label=_("Why the case needs more time"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Once only, 30 days more; sent to the complainant by SMS."),
    )


class ConcludeForm(ServiceForm, forms.Form):
    investigation = forms.CharField(
        label=_("What was investigated"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: the meeting's records, the count's papers, who was heard."),
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the complainant by SMS. Do not write other people's names or phone numbers."),
    )
