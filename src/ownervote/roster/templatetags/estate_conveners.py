"""``{% estate_conveners estate as conveners %}``: the organisations approved, now, to convene the
estate, each named with the capacity it convenes in where it is a government body (R-ORG-3, R-ORG-4:
every page says that the street office or the community committee convenes)."""

from __future__ import annotations

from django import template

from ownervote.orgs.models import Association
from ownervote.orgs.scoping import CONVENER_KINDS

register = template.Library()


@register.simple_tag
def estate_conveners(estate) -> list[str]:
    associations = (
        Association.objects.filter(
            estate=estate, status=Association.Status.APPROVED, organisation__kind__in=CONVENER_KINDS
        )
        .select_related("organisation")
        .order_by("pk")
    )
    return [a.organisation.convener_label for a in associations]
