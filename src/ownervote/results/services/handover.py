"""A street office or community committee hands an estate over to its owners' committee (R-ORG-3,
R-ORG-4): ``orgs.services.decide_association`` ends their convener association when the committee
is approved and sends ``orgs.signals.convener_handed_over``; this receiver, connected in
``ResultsConfig.ready()``, refuses the approval while one of their meetings in the estate is
unfinished, and tells their staff.

A meeting is finished when it was cancelled or its result was publicised (art. 26): until then the
convener still has steps to take (the count, the result, its guidance and publicity) that the
committee cannot take for it. The approval waits; the committee's application stays pending.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import Conflict
from ownervote.meetings.models import Meeting
from ownervote.notify.services import notify
from ownervote.orgs.errors import Code as OrgCode
from ownervote.orgs.models import User


def unfinished_meetings(estate, organisation_ids) -> list[Meeting]:
    """The meetings these conveners hold in ``estate`` that are neither cancelled nor publicised
    with their result."""
    return list(
        Meeting.objects.filter(estate=estate, convener_id__in=organisation_ids)
        .exclude(status=Meeting.Status.CANCELLED)
        .exclude(result_publicities__isnull=False)
        .order_by("starts_at", "pk")
    )


def on_convener_handed_over(sender, *, estate, ended, committee, actor, **kwargs) -> None:
    unfinished = unfinished_meetings(estate, [a.organisation_id for a in ended])
    if unfinished:
        raise Conflict(
            OrgCode.ASSOCIATION_HANDOVER_UNFINISHED,
            _(
                "%(convener)s still has a meeting underway in this estate (“%(title)s”): approve the "
                "owners' committee once its result is publicised or it is cancelled."
            )
            % {"convener": unfinished[0].convener.name, "title": unfinished[0].title},
        )
    for assoc in ended:
        staff = User.objects.filter(is_active=True, memberships__organisation=assoc.organisation).distinct()
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                users=list(staff.order_by("pk")),
                kind="association.handed_over",
                title=gettext("Handed over: %(estate)s") % {"estate": estate.name},
                body=gettext(
                    "%(committee)s was approved as the owners' committee of %(estate)s. %(org)s no "
                    "longer convenes it; its meetings and results there stay on record."
                )
                % {
                    "committee": committee.organisation.name,
                    "estate": estate.name,
                    "org": assoc.organisation.name,
                },
                link=reverse("console:associations"),
                estate=estate,
                event=f"association:{assoc.pk}:handed_over",
            )
