"""Who may do what with a meeting's result (art. 25-27; R-RES-1..4) and the oversight dashboards:
the only place that decides it (``access`` and the services ask here). Built on
``meetings.permissions`` (who convenes, who guides) and ``orgs.scoping`` (the approved associations).

- The result console, every version and its printed tables, and the archive's export: the convener
  and the staff who oversee the estate (its street office, district bureau and the city operator).
- The convener closes the voting once its period passed, generates, submits and publicises the
  result; the street office of the estate's street gives guidance (art. 25).
- From the first day of its publicity the result is public; its archive is downloaded by the owners
  bound in the estate (art. 26, 27).
- The oversight dashboards: the street office, the district bureau and the city operator, within
  their division.
"""

from __future__ import annotations

from ownervote.bindings.selectors import is_bound_in
from ownervote.meetings import permissions as meeting_permissions
from ownervote.meetings.models import Meeting
from ownervote.orgs import scoping
from ownervote.orgs.models import Division

SUPERVISOR_KINDS = {scoping.K.STREET_OFFICE, scoping.K.DISTRICT_BUREAU, scoping.K.CITY_OPERATOR}


def oversight_roots(user) -> list[Division]:
    """The divisions ``user`` oversees (its approved street office, district bureau or city
    operator associations), highest first."""
    roots = {
        a.division.pk: a.division
        for a in scoping.approved_associations(user)
        if a.division_id and a.organisation.kind in SUPERVISOR_KINDS
    }
    return sorted(roots.values(), key=lambda d: (d.path.count("/"), d.code))


def can_oversee(user) -> bool:
    """The oversight dashboards: a street office, a district bureau or the city operator."""
    return bool(getattr(user, "is_authenticated", False) and oversight_roots(user))


def can_oversee_division(user, division: Division) -> bool:
    """A division within one the user oversees: its dashboard (and the breadcrumbs to it)."""
    return any(division.path.startswith(root.path) for root in oversight_roots(user))


def _oversees(user, meeting: Meeting) -> bool:
    """The street office, district bureau or city operator whose division holds the estate."""
    return any(
        a.organisation.kind in SUPERVISOR_KINDS
        and a.division_id
        and (meeting.estate.street.path or "").startswith(a.division.path)
        for a in scoping.approved_associations(user)
    )


def can_see_result(user, meeting: Meeting) -> bool:
    """The result console, every version with its printed tables, the archive's export: the
    convener and the staff who oversee the estate (street office, district, city)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return meeting_permissions.can_manage(user, meeting) or _oversees(user, meeting)


def can_manage_result(user, meeting: Meeting) -> bool:
    """Closing the voting from the console, generating, submitting and publicising: the convener."""
    return meeting_permissions.can_manage(user, meeting)


def can_guide_result(user, meeting: Meeting) -> bool:
    """Guidance on the submitted result: the street office of the estate's street (art. 25)."""
    return meeting_permissions.can_guide(user, meeting)


def can_download_archive(user, meeting: Meeting) -> bool:
    """The publicised result's archive: the owners bound in the estate (art. 26, 27)."""
    return is_bound_in(user, meeting.estate_id)
