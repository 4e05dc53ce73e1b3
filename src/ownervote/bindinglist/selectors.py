"""Reads of the binding list (R-BIND-3) and of objections (R-BIND-4), always through the
reader's scope (``access``; who may do what is decided in ``permissions``). Missing and not
visible look the same (404).

Who sees an estate's binding list: the staff who see the estate (``roster.selectors.estates_visible_to``)
and the owners with an active binding in it (art. 14: "向全体业主公示"). Names and mobiles are only
ever the masked forms (art. 14 second paragraph).

Who sees an objection: the owner who filed it, and the staff who see its estate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ownervote.bindings.models import Binding
from ownervote.core.errors import NotFound
from ownervote.orgs import scoping
from ownervote.orgs.models import Organisation, User
from ownervote.roster.models import Estate
from ownervote.roster.selectors import estates_visible_to
from ownervote.rules import publicity

from . import permissions
from .access import OBJECTION_RELATED, access_list
from .errors import Code
from .models import Objection, Publication

# --- who is told ------------------------------------------------------------------------------


def bound_owner_users(estate: Estate) -> list:
    """The people with an active binding in the estate, each once."""
    ids = Binding.objects.filter(estate=estate, status=Binding.Status.ACTIVE).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


# --- the list ---------------------------------------------------------------------------------

# The published wording of a binding's status and end reason (a document posted with the seal).
STATUS_LABELS = {
    Binding.Status.ACTIVE: pgettext_lazy("binding list", "bound"),
    Binding.Status.ENDED: pgettext_lazy("binding list", "unbound"),
}
END_REASON_LABELS = {
    Binding.EndReason.BY_OWNER: pgettext_lazy("binding list", "ended by the owner"),
    Binding.EndReason.OWNERSHIP_CHANGED: pgettext_lazy("binding list", "the ownership changed"),
    Binding.EndReason.OBJECTION_UPHELD: pgettext_lazy(
        "binding list", "objection upheld: not a genuine binding"
    ),
    Binding.EndReason.AUTHORISATION_ENDED: pgettext_lazy(
        "binding list", "the organisation's authorisation ended"
    ),
}


@dataclass(frozen=True)
class ListRow:
    """One binding as it is published: masked personal data only."""

    binding_id: int
    flat: str  # "1栋-101"
    name_masked: str  # the bound person's masked name (for staff: the staff member's)
    organisation: str  # the organisation owner's name when bound by its authorised staff (art. 31)
    mobile_masked: str
    bound_at: dt.datetime
    status: str  # Binding.Status
    status_label: str
    end_reason: str  # Binding.EndReason, "" while active
    end_reason_label: str
    ended_at: dt.datetime | None
    # R-DATA-1: the former platform an imported binding came from ("" for OwnerVote's own): staff
    # see "迁移自 <platform>"; not part of the published list's digest.
    provenance: str = ""

    @property
    def active(self) -> bool:
        return self.status == Binding.Status.ACTIVE

    @property
    def holder(self) -> str:
        """How the bound person is shown: "张*" or "某公司（李*）"."""
        if self.organisation:
            return f"{self.organisation}（{self.name_masked}）"
        return self.name_masked


def corrections(estate: Estate) -> dict[int, tuple[str, str]]:
    """The masked (name, mobile) the list shows for a binding after an objection corrected its
    data (R-BIND-4, art. 15 "在系统中更改相关信息"): the latest correction of each, field by field."""
    found: dict[int, tuple[str, str]] = {}
    rows = (
        Objection.objects.filter(binding__estate=estate, status=Objection.Status.CORRECTED)
        .order_by("decided_at", "id")
        .values_list("binding_id", "corrected_name_masked", "corrected_mobile_masked")
    )
    for binding_id, name, mobile in rows:
        before = found.get(binding_id, ("", ""))
        found[binding_id] = (name or before[0], mobile or before[1])
    return found


def list_rows(estate: Estate) -> list[ListRow]:
    """Every binding of the estate, active and ended, by building, room and binding time; the
    name and mobile as an objection's outcome corrected them, if one did."""
    corrected = corrections(estate)
    bindings = (
        Binding.objects.filter(estate=estate)
        .select_related("flat", "flat__building", "user", "user__verified_identity", "staff__organisation")
        .order_by("pk")
    )
    rows = []
    sort_keys: dict[int, str] = {}
    for b in bindings:
        sort_keys[b.pk] = b.flat.sort_key
        identity = getattr(b.user, "verified_identity", None)
        name = identity.name_masked if identity is not None else ""
        organisation = ""
        if b.staff_id:
            organisation = b.staff.organisation.name
            name = name or b.staff.name_masked
        name_fix, mobile_fix = corrected.get(b.pk, ("", ""))
        rows.append(
            ListRow(
                binding_id=b.pk,
                flat=f"{b.flat.building.name}-{b.flat.room}",
                name_masked=name_fix or name,
                organisation=organisation,
                mobile_masked=mobile_fix or b.user.mobile_masked,
                bound_at=b.bound_at,
                status=b.status,
                status_label=str(STATUS_LABELS.get(b.status, b.get_status_display())),
                end_reason=b.end_reason,
                end_reason_label=str(END_REASON_LABELS.get(b.end_reason, b.get_end_reason_display()))
                if b.end_reason
                else "",
                ended_at=b.ended_at,
                provenance=b.provenance,
            )
        )
    # The flats' natural order (core.sorting: "2栋" before "10栋", "201" before "1001").
    rows.sort(key=lambda r: (sort_keys[r.binding_id], r.bound_at, r.binding_id))
    return rows


def list_digest(rows: list[ListRow]) -> str:
    """SHA-256 of the list as published (masked data, one canonical line per binding)."""
    h = hashlib.sha256()
    for r in rows:
        line = "|".join(
            [
                str(r.binding_id),
                r.flat,
                r.name_masked,
                r.organisation,
                r.mobile_masked,
                r.bound_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
                r.status,
                r.end_reason,
                r.ended_at.astimezone(dt.UTC).isoformat(timespec="seconds") if r.ended_at else "",
            ]
        )
        h.update(line.encode() + b"\n")
    return h.hexdigest()


def own_binding_ids(user, estate: Estate) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Binding.objects.filter(user=user, estate=estate).values_list("pk", flat=True))


def binding_list_for(actor, estate_id: int) -> tuple[Estate, list[ListRow]]:
    """The estate and its list, for whoever may see it (``access_list``: NotFound otherwise)."""
    estate = access_list(actor, estate_id)
    return estate, list_rows(estate)


# --- publications -----------------------------------------------------------------------------


def live_publications(estate: Estate) -> QuerySet[Publication]:
    return Publication.objects.filter(estate=estate, withdrawn_at__isnull=True)


def running_publication(estate: Estate, today: dt.date | None = None) -> Publication | None:
    """The live publication running today (objections may be filed), if any."""
    today = today or timezone.localdate()
    return (
        live_publications(estate)
        .filter(starts_on__lte=today, ends_on__gte=today)
        .order_by("-starts_on", "-id")
        .first()
    )


def shown_publication(estate: Estate, today: dt.date | None = None) -> Publication | None:
    """The publication a reader is shown: the running one, else the next one announced."""
    today = today or timezone.localdate()
    return running_publication(estate, today) or (
        live_publications(estate).filter(starts_on__gt=today).order_by("starts_on", "id").first()
    )


def publications_for(actor, estate_id: int) -> QuerySet[Publication]:
    estate = access_list(actor, estate_id)
    return Publication.objects.filter(estate=estate).select_related("publisher_organisation", "estate")


def is_running(publication: Publication, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return publication.withdrawn_at is None and publicity.is_running(
        publication.starts_on, publication.ends_on, today
    )


# --- objections -------------------------------------------------------------------------------


def objections_visible_to(user) -> QuerySet[Objection]:
    """The objections ``user`` filed, and those of the estates the user sees as staff."""
    if not getattr(user, "is_authenticated", False):
        return Objection.objects.none()
    staff_estates = estates_visible_to(user).values("pk")
    return (
        Objection.objects.filter(Q(filed_by=user) | Q(binding__estate__in=staff_estates))
        .select_related(*OBJECTION_RELATED)
        .prefetch_related("files")
    )


def objections_for(actor, estate_id: int | None = None) -> QuerySet[Objection]:
    rows = objections_visible_to(actor)
    if estate_id is not None:
        rows = rows.filter(binding__estate_id=estate_id)
    return rows


def estate_objections(actor, estate_id: int) -> QuerySet[Objection]:
    """The estate's objections for the staff who see it (the console page); 404 otherwise."""
    estate = Estate.objects.filter(pk=estate_id).first()
    if estate is None or not scoping.can_see_estate(actor, estate):
        raise NotFound(Code.ESTATE_NOT_FOUND, _("Estate not found."))
    return (
        Objection.objects.filter(binding__estate=estate)
        .select_related(*OBJECTION_RELATED)
        .prefetch_related("files")
    )


def my_objections(user, estate: Estate | None = None) -> QuerySet[Objection]:
    if not getattr(user, "is_authenticated", False):
        return Objection.objects.none()
    rows = Objection.objects.filter(filed_by=user).select_related(*OBJECTION_RELATED)
    if estate is not None:
        rows = rows.filter(binding__estate=estate)
    return rows


def upheld_notices(estate: Estate) -> QuerySet[Objection]:
    """Objections found right (upheld: the binding ended; corrected: its data changed), announced
    to the estate's owners (art. 15 "经核实不符的，召集人应当及时发布通告")."""
    return (
        Objection.objects.filter(
            binding__estate=estate, status__in=[Objection.Status.UPHELD, Objection.Status.CORRECTED]
        )
        .select_related(*OBJECTION_RELATED)
        .order_by("-decided_at", "-id")
    )


def is_overdue(objection: Objection, today: dt.date | None = None) -> bool:
    """R-BIND-4: still undecided after the last day of the publicity it was filed in (the convener
    checks it "在公示期内")."""
    today = today or timezone.localdate()
    return objection.status == Objection.Status.FILED and objection.publication.ends_on < today


def overdue_objections(user, today: dt.date | None = None) -> list[Objection]:
    """The objections left undecided past their publicity in the estates whose conveners ``user``
    supervises (``permissions.supervising_organisation``: the street office, or the district
    bureau where the street office convened), the longest overdue first."""
    today = today or timezone.localdate()
    if not permissions.sees_overdue_objections(user):
        return []
    candidates = (
        Objection.objects.filter(status=Objection.Status.FILED, publication__ends_on__lt=today)
        .filter(binding__estate__in=estates_visible_to(user).values("pk"))
        .select_related(*OBJECTION_RELATED, "publication__estate", "publication__publisher_organisation")
        .order_by("publication__ends_on", "filed_at", "id")
    )
    return [o for o in candidates if permissions.supervising_organisation(user, o.publication) is not None]


def objections_to_check(user) -> QuerySet[Objection]:
    """The objections still to decide in the estates ``user`` convenes (R-BIND-4: the convener checks
    each within the publicity), the one whose publicity ends first on top."""
    estates = [
        a.estate_id
        for a in scoping.approved_associations(user)
        if a.estate_id and a.organisation.kind in scoping.CONVENER_KINDS
    ]
    return (
        Objection.objects.filter(status=Objection.Status.FILED, binding__estate_id__in=estates)
        .select_related("publication", "binding__estate")
        .order_by("publication__ends_on", "filed_at", "id")
    )


def holder_of(binding: Binding) -> str:
    """The masked way a binding's person is shown (as in the list)."""
    identity = getattr(binding.user, "verified_identity", None)
    name = identity.name_masked if identity is not None else ""
    if binding.staff_id:
        return f"{binding.staff.organisation.name}（{name or binding.staff.name_masked}）"
    return name


def organisation_of(user, estate: Estate) -> Organisation | None:
    keepers = scoping.roster_keepers(user, estate)
    return keepers[0] if keepers else None
