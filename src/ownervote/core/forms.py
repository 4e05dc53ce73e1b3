"""Forms whose save is a service call (``ServiceForm.submit``): the service's refusal is placed on
the form, where the person typed (``details["fields"]`` on their fields, the message above the
form), and the page is shown again with the refusal's status.

And the date fields every form uses (``PlausibleDateField``, ``PlausibleDateTimeField``): a date
outside ``core.validators.EARLIEST_YEAR``..``LATEST_YEAR`` is refused next to its field. Python's
dates end in years 1 and 9999, so a typed "0001-01-01" or "9999-12-31" was an ``OverflowError``
(a 500) as soon as a deadline was counted from it or it was shown in Beijing time. Every date this
system is told (a meeting, a publicity, a proxy's term, an association, a method notice) is in this
century; the bound leaves decades of room for any period added to it. Whether a year's holiday
calendar is loaded is the services' question, answered with its own message (R-MTG-4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .validators import EARLIEST_YEAR, LATEST_YEAR, is_plausible_year
from .views import attempt


def validate_plausible_date(value: dt.date) -> None:
    """Refuse a date (or date and time) outside ``EARLIEST_YEAR``..``LATEST_YEAR``. Compares the
    year only: converting a year-1 time to another zone would itself overflow."""
    if not is_plausible_year(value.year):
        raise ValidationError(
            _("Enter a date between %(first)d and %(last)d."),
            code="implausible_date",
            params={"first": EARLIEST_YEAR, "last": LATEST_YEAR},
        )


class PlausibleDateField(forms.DateField):
    default_validators = [validate_plausible_date]


class PlausibleDateTimeField(forms.DateTimeField):
    default_validators = [validate_plausible_date]


class ServiceForm:
    """Mix into a Django form. ``form.submit(service, **kwargs)`` returns the service's result, or
    None when it refused (the refusal then sits on the form and ``form.status`` is 409 or 422).
    A form that did not validate has ``status`` 422 too."""

    refusal_status: int | None = None

    @property
    def status(self) -> int:
        if self.refusal_status is not None:
            return self.refusal_status
        return 422 if self.is_bound and self.errors else 200

    def submit(self, service: Callable[..., Any], /, **kwargs) -> Any:
        outcome = attempt(service, **kwargs)
        if not outcome.refused:
            return outcome.value
        fields = outcome.details.get("fields") if isinstance(outcome.details.get("fields"), dict) else {}
        placed = False
        for name, text in fields.items():
            if name in self.fields:
                self.add_error(name, str(text))
                placed = True
        if not placed or outcome.message not in (str(t) for t in fields.values()):
            self.add_error(None, outcome.message)
        self.refusal_status = outcome.error.status
        return None
