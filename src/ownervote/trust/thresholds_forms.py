"""The form of the city's thresholds (R-TRUST-1): one field per threshold, empty for the default."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ownervote.rules.trust import Thresholds

# (field, label, what it means): the labels the city operator reads; docs/signals.md says why.
FIELDS = (
    (
        "shared_flats",
        _("Shared mobile or device: flats"),
        _("One mobile or device binding or voting at least this many flats ..."),
    ),
    (
        "shared_owners",
        _("Shared mobile or device: owners"),
        _(
            "... of at least this many different owners. A family sharing a phone for its one or two "
            "flats stays below."
        ),
    ),
    (
        "burst_min",
        _("Burst: bindings or verifications"),
        _("At least this many in the days before voting opens ..."),
    ),
    (
        "burst_days",
        _("Burst: days before voting"),
        _("... counted over this many days before voting opens ..."),
    ),
    (
        "burst_factor",
        _("Burst: times the usual rate"),
        _("... and at least this many times the estate's usual daily rate ..."),
    ),
    (
        "baseline_days",
        _("Usual rate: days"),
        _("... measured over this many days before (also the on-site period)."),
    ),
    (
        "onsite_min",
        _("On site late: verifications"),
        _("One person's on-site verifications in the last days: at least this many ..."),
    ),
    (
        "onsite_share",
        _("On site late: percentage"),
        _("... and at least this percentage (1 to 100) of theirs ..."),
    ),
    ("onsite_days", _("On site late: last days"), _("... in this many last days before voting opens.")),
    ("proxy_flats", _("Proxies: flats"), _("One holder holding proxies for at least this many flats ...")),
    ("proxy_owners", _("Proxies: owners"), _("... of at least this many owners, across the city's estates.")),
    (
        "address_ballots",
        _("One address: ballots"),
        _("Electronic ballots of at least this many different owners from one network address ..."),
    ),
    ("address_minutes", _("One address: minutes"), _("... within this many minutes.")),
)


class ThresholdsForm(forms.Form):
    def __init__(self, *args, defaults: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = defaults or Thresholds().as_dict()
        for name, label, help_text in FIELDS:
            self.fields[name] = forms.IntegerField(
                label=label,
                help_text=_("%(text)s Default: %(default)s.")
                % {"text": help_text, "default": defaults[name]},
                required=False,
                min_value=1,
                max_value=100 if name == "onsite_share" else 100000,
            )
