"""Forms of the binding list pages. They parse input only; every rule (the 10-day publicity, who
may publish, object or decide, the length of a reason, the files allowed) is decided by
``ownervote.bindinglist.services``; a refusal of the service is placed on the form
(``ServiceForm.submit``)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.core.files import Upload
from ownervote.core.forms import PlausibleDateField, ServiceForm
from ownervote.rules.publicity import PUBLICITY_MIN_DAYS, earliest_end

MAX_TEXT = 4000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PublishForm(ServiceForm, forms.Form):
    starts_on = PlausibleDateField(label=_("Publicity starts on"), widget=DateInput())
    ends_on = PlausibleDateField(
        label=_("Publicity ends on"),
        widget=DateInput(),
        help_text=_(
            "At least %(days)d days; the first day is not counted: starting today, it ends on %(end)s "
            "at the earliest."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off"}),
        help_text=_("For example the meeting the publicity belongs to."),
    )

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {"starts_on": today, "ends_on": earliest_end(today)})
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].help_text = self.fields["ends_on"].help_text % {
            "days": PUBLICITY_MIN_DAYS,
            "end": earliest_end(today).isoformat(),
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=MAX_TEXT,
        widget=forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ObjectionForm(ServiceForm, forms.Form):
    reason = forms.CharField(
        label=_("What is wrong"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5, "class": "weui-textarea"}),
        help_text=_(
            "At least 10 characters. For example: the flat was sold last year; this is not the owner."
        ),
    )
    files = MultipleFileField(
        label=_("Supporting files (optional)"),
        help_text=_("Photos or PDF files, for example a property certificate. At most 5 files."),
    )

    def cleaned_uploads(self) -> list[Upload]:
        return [Upload.from_django(f) for f in self.cleaned_data.get("files") or []]


class DecisionForm(ServiceForm, forms.Form):
    OUTCOMES = (
        ("dismissed", _("Dismissed: the binding is genuine and stays")),
        (
            "corrected",
            _("Data corrected: the binding is genuine; the name or mobile on the list is corrected"),
        ),
        ("upheld", _("Upheld: the binding is not genuine and is ended")),
    )

    check_note = forms.CharField(
        label=_("What was checked"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the property register, the ID of the bound person, a call to the filer."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES, widget=forms.RadioSelect)
    outcome_note = forms.CharField(
        label=_("Outcome note"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Sent to the filer and the bound owner; when upheld or corrected, also announced to the "
            "estate's owners on the binding list page. Do not write names or phone numbers."
        ),
    )
    corrected_name = forms.CharField(
        label=_("Corrected name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Only for “data corrected”. The list shows it masked."),
    )
    corrected_mobile = forms.CharField(
        label=_("Corrected mobile number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        help_text=_("Only for “data corrected”. The list shows it masked."),
    )
