"""Forms of the convener's roster pages. They parse and validate input only; every decision
(permissions, roster rules, totals) belongs to ``ownervote.roster.services``."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ownervote.core.files import Upload
from ownervote.orgs.models import Division

from .models import Flat

ROSTER_EXTENSIONS = (".xlsx", ".csv")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReasonMixin(forms.Form):
    """Every change to the roster or its totals carries a reason and optional supporting files,
    under the submitter's real name (R-ROSTER-2)."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=2000,
        # A single line, so that Enter submits the form from the keyboard.
        widget=forms.TextInput(attrs={"class": "rs-wide", "autocomplete": "off"}),
        help_text=_("Recorded with your real name in the change history."),
    )
    files = MultipleFileField(
        label=_("Supporting files"),
        help_text=_(
            "For example the meeting minutes, the property register extract or the street office's letter."
        ),
    )

    def cleaned_uploads(self) -> list[Upload]:
        return [Upload.from_django(f) for f in self.cleaned_data.get("files") or []]


class EstateCreateForm(forms.Form):
    name = forms.CharField(label=_("Estate name"), max_length=200)
    street = forms.ModelChoiceField(label=_("Street"), queryset=Division.objects.none(), empty_label=None)
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Division.objects.none(),
        required=False,
        empty_label=_("(not yet known)"),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        self.fields["community"].queryset = Division.objects.filter(
            kind=Division.Kind.COMMUNITY, parent__in=streets
        ).select_related("parent")
        self.fields["community"].label_from_instance = lambda d: f"{d.parent.name} · {d.name}"


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("Building/room, or an owner's full name, ID number or mobile"),
            }
        ),
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(ROSTER_EXTENSIONS):
            raise forms.ValidationError(_("Choose an .xlsx or .csv file."))
        return f


class ImportApplyForm(ReasonMixin):
    # Asked for only when the preview says the import is large or touches a running vote (issue 22).
    confirm = forms.CharField(
        label=_("Type the number of exclusive parts this import removes or changes"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ExportForm(forms.Form):
    reveal = forms.BooleanField(
        label=_("Include full ID numbers and mobile numbers (the export will be logged as a view)"),
        required=False,
    )


class TotalsConfirmForm(ReasonMixin):
    pass


class EstateSettingsForm(ReasonMixin):
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Division.objects.none(),
        required=False,
        empty_label=_("(not yet known)"),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    parking_counts = forms.BooleanField(
        label=_("Parking spaces that are exclusive parts count towards area and owners"),
        required=False,
        help_text=_(
            "As decided by the estate's rules of procedure. Shown with every total and result. A meeting "
            "already publicised keeps the setting it was publicised with."
        ),
    )
    follow_majority = forms.BooleanField(
        label=_("Non-voters are counted with the majority (随多数)"),
        required=False,
        help_text=_(
            "Only where the estate's rules of procedure say so. Disputed under the Civil Code: "
            "every result computed with it says so. A meeting already publicised keeps the setting it "
            "was publicised with."
        ),
    )
    field_order = ["community", "address", "parking_counts", "follow_majority", "reason", "files"]

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Division.objects.filter(
            kind=Division.Kind.COMMUNITY, parent_id=estate.street_id
        )


class FlatEditForm(ReasonMixin):
    area = forms.DecimalField(
        label=_("Area (m²)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    area_source = forms.ChoiceField(label=_("Area source"), choices=Flat.AreaSource.choices)
    use = forms.ChoiceField(label=_("Use"), choices=Flat.Use.choices)
    field_order = ["area", "area_source", "use", "reason", "files"]
