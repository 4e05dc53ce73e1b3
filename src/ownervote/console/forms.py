"""Console forms. They parse and shape input only; every rule lives in ``orgs.services``, whose
refusal ``SubmitForm.submit`` shows on the form (:func:`add_service_error`)."""

from __future__ import annotations

import itertools

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ownervote.core.errors import ServiceError
from ownervote.core.forms import PlausibleDateField
from ownervote.core.masking import mask_mobile
from ownervote.core.validators import normalise_mobile
from ownervote.core.views import attempt
from ownervote.orgs.errors import Code
from ownervote.orgs.models import Association, Division, Organisation
from ownervote.roster.models import Estate

# Django 5.2 changed this validator message's msgid and its zh_Hans catalogue has not caught up:
# our catalogue carries the translation (listed here so that makemessages keeps it).
DJANGO_CATALOGUE_GAPS = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        10,
    ),
)

# Above this many estates an unfiltered picker shows none and asks for a street first
# (Shenzhen has about 4,700 estates: a select that long helps nobody).
MAX_UNFILTERED_ESTATES = 500


def add_service_error(form: forms.Form, exc: ServiceError, fields: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the field it concerns (by its stable code), else above the form."""
    field = (fields or {}).get(exc.code)
    form.add_error(field if field in form.fields else None, str(exc.message))


class SubmitForm(forms.Form):
    """A console form whose save is one service call: ``form.submit(service, **kwargs)`` returns
    the service's result, or None when it refused; the refusal then sits on the field its code
    names in ``ERROR_FIELDS`` (``orgs`` services name no fields in their errors), else above the
    form. Not found and forbidden are never caught (``core.views.attempt``): they are the 404 and
    403 pages."""

    ERROR_FIELDS: dict[str, str] = {}

    def submit(self, service, /, **kwargs):
        outcome = attempt(service, **kwargs)
        if outcome.refused:
            add_service_error(self, outcome.error, self.ERROR_FIELDS)
            self.refusal_status = outcome.error.status
            return None
        return outcome.value


class GroupedModelChoiceIterator(ModelChoiceIterator):
    """Yields ``<optgroup>``s: consecutive objects with the same ``field.group_label(obj)``."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        if not queryset._prefetch_related_lookups:
            queryset = queryset.iterator()
        for label, objs in itertools.groupby(queryset, key=self.field.group_label):
            yield (label, [self.choice(obj) for obj in objs])


class GroupedModelChoiceField(forms.ModelChoiceField):
    iterator = GroupedModelChoiceIterator

    def __init__(self, queryset, *, group_label, **kwargs):
        self.group_label = group_label
        super().__init__(queryset, **kwargs)


def _estate_group(estate: Estate) -> str:
    street = estate.street
    return f"{street.parent.name} {street.name}" if street.parent_id else street.name


def _division_group(division: Division) -> str:
    parent = division.parent
    return f"{parent.name if parent else ''} · {Division.Kind(division.kind).label}"


def estates_for_picker(street: Division | None, q: str) -> tuple[QuerySet[Estate], bool]:
    """Estates to offer, narrowed by street and by part of the name. Returns (queryset, too_many):
    ``too_many`` when nothing narrows the list and it would be too long to be useful."""
    qs = Estate.objects.select_related("street__parent").order_by(
        "street__parent__code", "street__code", "name"
    )
    if street is not None:
        qs = qs.filter(street=street)
    if q:
        qs = qs.filter(name__icontains=q)
    if street is None and not q and qs.count() > MAX_UNFILTERED_ESTATES:
        return qs.none(), True
    return qs, False


def divisions_for_picker() -> QuerySet[Division]:
    return (
        Division.objects.filter(
            kind__in=[Division.Kind.DISTRICT, Division.Kind.STREET, Division.Kind.COMMUNITY]
        )
        .select_related("parent")
        .order_by("parent__code", "code")
    )


class EstateFilterForm(forms.Form):
    """The GET form that narrows the estate picker. Its inputs sit inside the main form on the page
    but belong to this form (HTML ``form`` attribute), so it works without JavaScript."""

    FORM_ID = "estate-filter"

    street = GroupedModelChoiceField(
        Division.objects.filter(kind=Division.Kind.STREET)
        .select_related("parent")
        .order_by("parent__code", "code"),
        group_label=lambda d: d.parent.name if d.parent_id else "",
        required=False,
        label=_("Street"),
        empty_label=_("All streets"),
        widget=forms.Select(attrs={"form": FORM_ID}),
    )
    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Estate name contains"),
        widget=forms.TextInput(attrs={"form": FORM_ID, "type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "f")
        super().__init__(*args, **kwargs)

    def values(self) -> tuple[Division | None, str]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["street"], self.cleaned_data["q"].strip()
        return None, ""


class TargetFieldsMixin(SubmitForm):
    """An estate (conveners, organisation owners) or a division (government bodies)."""

    estate = GroupedModelChoiceField(
        Estate.objects.none(),
        group_label=_estate_group,
        required=False,
        label=_("Estate"),
        empty_label=_("— choose an estate —"),
        help_text=_(
            "For owners' committees, preparatory and re-election groups and organisation owners; for a "
            "street office or community committee convening an estate of its street or community."
        ),
    )
    division = GroupedModelChoiceField(
        Division.objects.none(),
        group_label=_division_group,
        required=False,
        label=_("Division"),
        empty_label=_("— choose a district, street or community —"),
        help_text=_(
            "For district bureaus (a district), street offices (a street) "
            "and community committees (a community)."
        ),
    )
    note = forms.CharField(
        required=False,
        max_length=1000,
        label=_("Note to the approver"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def setup_targets(self, street: Division | None, q: str) -> bool:
        estates, too_many = estates_for_picker(street, q)
        self.fields["estate"].queryset = estates
        self.fields["division"].queryset = divisions_for_picker()
        return too_many


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


def received_message(mobile: str):
    """What a registration answers, the same whether or not the username was free."""
    return _(
        "Your registration is received. A text message to %(mobile)s tells you how it went; if your "
        "account is created, sign in with your username and password to follow your application."
    ) % {"mobile": mask_mobile(normalise_mobile(mobile))}


REGISTRABLE_KINDS = [
    (k, label) for k, label in Organisation.Kind.choices if k != Organisation.Kind.CITY_OPERATOR
]


class RegisterForm(TargetFieldsMixin):
    """A new account, its organisation and its first application (R-ORG-1)."""

    # Which field a service refusal belongs to, by its code.
    ERROR_FIELDS = {
        Code.ACCOUNT_KIND: "organisation_kind",
        Code.ACCOUNT_REAL_NAME: "real_name",
        Code.ACCOUNT_MOBILE: "mobile",
        Code.ACCOUNT_ORGANISATION: "organisation_name",
        Code.ACCOUNT_CREDIT_CODE: "credit_code",
        Code.ACCOUNT_PASSWORD: "password",
    }

    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters; not only digits; not like your username."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    real_name = forms.CharField(
        label=_("Real name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"), choices=[("", "—"), *REGISTRABLE_KINDS]
    )
    organisation_name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("Optional; 18 characters."),
    )

    field_order = [
        "username",
        "password",
        "password2",
        "real_name",
        "mobile",
        "organisation_kind",
        "organisation_name",
        "credit_code",
        "estate",
        "division",
        "note",
    ]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class ApplyForm(TargetFieldsMixin):
    """An existing organisation applies for another estate or division; a street office or community
    committee may apply to convene an estate of its own street or community (R-ORG-3, R-ORG-4)."""

    ERROR_FIELDS = {
        Code.ASSOCIATION_OUTSIDE_DIVISION: "estate",
        Code.ASSOCIATION_ESTATE_HAS_COMMITTEE: "estate",
    }

    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label=_("Organisation"), empty_label=None
    )
    field_order = ["organisation", "estate", "division", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(memberships__user=user).order_by(
            "name"
        )


class AssociationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Association.Status.choices],
    )


class DecisionForm(SubmitForm):
    ERROR_FIELDS = {Code.ASSOCIATION_REASON_REQUIRED: "reason"}

    decision = forms.ChoiceField(
        choices=[
            (s, s)
            for s in (Association.Status.APPROVED, Association.Status.REFUSED, Association.Status.REVOKED)
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TotpForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the digits shown by your authenticator app."))
        return token


class ApiTokenForm(SubmitForm):
    ERROR_FIELDS = {Code.TOKEN_NAME: "name"}

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “mini-program test”."),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AuthoriseStaffForm(SubmitForm):
    """A person an organisation owner authorises to act and vote for it (R-ORG-2, art. 31)."""

    ERROR_FIELDS = {
        Code.STAFF_NAME: "name",
        Code.STAFF_ID_NUMBER: "id_number",
        Code.STAFF_MOBILE: "mobile",
        Code.STAFF_TERM: "valid_until",
        Code.STAFF_EXISTS: "id_number",
    }

    name = forms.CharField(label=_("Full name"), max_length=100)
    id_number = forms.CharField(
        label=_("ID number"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    valid_from = PlausibleDateField(label=_("Valid from"), widget=DateInput)
    valid_until = PlausibleDateField(
        label=_("Valid until"), required=False, widget=DateInput, help_text=_("Leave empty for no end date.")
    )


class EnrolmentCodeForm(SubmitForm):
    """The one-time enrolment code, before the secret of a new second factor is shown (R-SEC-1)."""

    ERROR_FIELDS = {
        Code.ENROLMENT_CODE_NONE: "code",
        Code.ENROLMENT_CODE_WRONG: "code",
        Code.ENROLMENT_CODE_USED: "code",
        Code.ENROLMENT_CODE_EXPIRED: "code",
    }

    code = forms.CharField(
        label=_("Enrolment code"),
        max_length=40,
        help_text=_("12 letters and digits, e.g. ABCD-EFGH-JKLM, from whoever approved your account."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
    )


class ResetSecondFactorForm(SubmitForm):
    ERROR_FIELDS = {Code.RESET_REASON_REQUIRED: "reason"}

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("E.g. “lost phone; identity checked in person”. Kept in the audit log."),
    )
