"""Forms of the verification pages. They parse input and give field-level messages; every rule
(method enabled, ID checksum, roster ownership, permissions) is decided again in ``services``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ownervote.core import validators
from ownervote.core.forms import PlausibleDateField
from ownervote.roster.models import Building, Flat

from .models import Method

ID_INVALID = _("The ID card number is not valid: check the 18 characters, the last may be X.")
MOBILE_INVALID = _("Enter a mainland China mobile number of 11 digits.")
PHOTO_ACCEPT = "image/*"


def clean_id_number(value: str) -> str:
    value = validators.normalise_id_number(value)
    if not validators.is_valid_resident_id(value):
        raise forms.ValidationError(ID_INVALID, code="id_invalid")
    return value


def clean_mobile(value: str) -> str:
    value = validators.normalise_mobile(value)
    if not validators.is_valid_mobile(value):
        raise forms.ValidationError(MOBILE_INVALID, code="mobile_invalid")
    return value


def _weui(attrs: dict | None = None) -> dict:
    return {"class": "weui-input", **(attrs or {})}


class SelfServiceForm(forms.Form):
    """R-ID-1: name, ID number and mobile, then the SMS code."""

    name = forms.CharField(
        label=pgettext_lazy("person", "Name"),
        max_length=50,
        error_messages={"required": _("Enter the name as on the ID card.")},
        widget=forms.TextInput(attrs=_weui({"autocomplete": "name", "placeholder": _("as on your ID card")})),
    )
    id_number = forms.CharField(
        label=_("ID card number"),
        max_length=30,
        error_messages={"required": _("Enter the ID card number.")},
        widget=forms.TextInput(attrs=_weui({"autocomplete": "off", "placeholder": _("18 characters")})),
    )
    mobile = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        error_messages={"required": _("Enter the mobile number.")},
        widget=forms.TextInput(attrs=_weui({"type": "tel", "inputmode": "numeric", "autocomplete": "tel"})),
    )
    code = forms.CharField(
        label=_("SMS code"),
        max_length=10,
        error_messages={"required": _("Enter the SMS code.")},
        widget=forms.TextInput(
            attrs=_weui(
                {"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": _("6 digits")}
            )
        ),
    )

    def __init__(self, *args, mobile_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if mobile_locked:
            self.fields["mobile"].help_text = _("The mobile number of your account.")

    def clean_id_number(self):
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])


class PhotoField(forms.FileField):
    """A photo from the phone's camera or files; Pillow decides in the service whether it is one."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"})
        )
        super().__init__(**kwargs)


class OnsiteForm(forms.Form):
    """R-ID-2: the convener's on-site check of one owner of one flat."""

    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), empty_label=None)
    room = forms.CharField(
        label=_("Room"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    name = forms.CharField(label=_("Owner's name"), max_length=50)
    id_number = forms.CharField(label=_("ID card number"), max_length=30)
    mobile = forms.CharField(
        label=_("Owner's mobile"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
        help_text=_("The owner signs in with this number and receives the confirmation by SMS."),
    )
    ownership_proof_checked = forms.BooleanField(label=_("I have checked the original proof of ownership"))
    id_document_checked = forms.BooleanField(label=_("I have checked the original ID card"))
    id_photo = PhotoField(label=_("Photo of the ID card"), help_text=_("JPEG, PNG or WebP."))
    holding_photo = PhotoField(
        label=_("Photo of the owner holding the ID card"), help_text=_("JPEG, PNG or WebP.")
    )
    note = forms.CharField(
        label=pgettext_lazy("on-site verification", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    accountable = forms.BooleanField(
        label=_("I confirm this owner's identity and am accountable for its truth (art. 9)."),
    )

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.estate = estate
        self.fields["building"].queryset = Building.objects.filter(estate=estate).order_by("sort_key", "name")

    def clean_id_number(self):
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])

    def clean(self):
        data = super().clean()
        building, room = data.get("building"), (data.get("room") or "").strip()
        if building is not None and room:
            flat = Flat.objects.filter(
                estate=self.estate, building=building, room=room, removed_at__isnull=True
            ).first()
            if flat is None:
                self.add_error(
                    "room",
                    _("%(building)s has no room %(room)s in the roster.")
                    % {"building": building, "room": room},
                )
            data["flat"] = flat
        return data


class MethodChangeForm(forms.Form):
    """R-ID-3: enable or disable a method from a date, with a published title and reason."""

    method = forms.ChoiceField(label=_("Verification method"), choices=Method.choices)
    enabled = forms.TypedChoiceField(
        label=pgettext_lazy("verification method", "Change"),
        choices=[("1", _("enable")), ("0", _("disable"))],
        coerce=lambda v: v == "1",
    )
    title = forms.CharField(label=_("Notice title"), max_length=200)
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    effective_on = PlausibleDateField(
        label=_("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today or later."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"effective_on": timezone.localdate(), "enabled": "0"})
        super().__init__(*args, **kwargs)
