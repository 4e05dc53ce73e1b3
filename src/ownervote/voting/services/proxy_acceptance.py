"""The proxy accepts the written proxy (art. 20; R-VOTE-6).

The written proxy names the proxy's name, ID number and mobile. The proxy accepts it on their phone:
signed in with that mobile (the sign-in's SMS code proves they hold it) and verified with that ID
number (as a proxy must be to vote at all, ``selectors.held_by``). This reuses the owner sign-in
and verification instead of a second code: a code sent with the proxy notice would prove the
mobile only, and the proxy must sign in and verify to vote anyway.

Until the proxy has accepted, the proxy cannot vote (``ballot.proxy_unconfirmed``) and the owner
still votes in person; the owner sees on the proxy's page whether it was accepted, and is told when
it is. An accepted proxy is revoked as before (R-VOTE-7). A proxy not yet accepted still counts
towards the holder's three owners (R-VOTE-6): the limit is checked when the proxy is given, so
that the owner learns at once to name somebody else, and accepting never fails on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Conflict, require
from ownervote.meetings import audiences
from ownervote.notify import sms_titles
from ownervote.notify.services import notify, short_title

from ..access import Need, access_proxy
from ..errors import Code
from ..models import Proxy, ProxyHolder
from .proxies import flat_label, is_closed, link, when


def proxy_confirm(*, actor, proxy_id: int) -> Proxy:
    """The holder accepts the proxy (404 ``proxy.not_found`` for whoever does not see it; 403
    ``proxy.forbidden`` for its grantor and the convener, ``proxy.wrong_mobile`` for the holder
    signed in with another mobile; 409 ``proxy.revoked``, ``proxy.confirmed`` (accepted already),
    ``proxy.meeting_closed``). The proxy's row is locked, as the cast and the revocation lock it.
    The owner (inbox and SMS) and the convener (inbox) are told."""
    now = timezone.now()
    with transaction.atomic():
        proxy = access_proxy(actor, proxy_id, need=Need.CONFIRM, lock=True).proxy
        require(
            proxy.status == Proxy.Status.ACTIVE,
            Conflict(Code.PROXY_REVOKED, _("The owner has revoked this proxy: there is nothing to accept.")),
        )
        require(
            proxy.confirmed_at is None,
            Conflict(Code.PROXY_CONFIRMED, _("You have already accepted this proxy.")),
        )
        meeting = proxy.meeting
        require(
            not is_closed(meeting, now),
            Conflict(Code.PROXY_MEETING_CLOSED, _("The voting of this meeting is over.")),
        )
        proxy.confirmed_at = now
        proxy.confirmed_by = actor
        proxy.save(update_fields=["confirmed_at", "confirmed_by"])
        ProxyHolder.objects.filter(pk=proxy.holder_id, user__isnull=True).update(user=actor)
        record(
            actor=actor,
            action="proxy.confirmed",
            obj=proxy,
            estate_id=proxy.estate_id,
            summary={"meeting": meeting.pk, "owner": proxy.owner_id, "holder": proxy.holder_id},
        )
        _tell_confirmed(proxy, meeting)
    return proxy


def _tell_confirmed(proxy: Proxy, meeting) -> None:
    labels = "、".join(flat_label(f) for f in proxy.flats.all())
    values = {
        "proxy": proxy.name_masked,
        "flats": labels,
        "title": meeting.title,
        "when": when(proxy.confirmed_at),
    }
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=[proxy.grantor],
            kind="proxy.confirmed",
            title=gettext("Your proxy accepted: %(title)s") % {"title": meeting.title},
            body=gettext(
                "%(proxy)s accepted your written proxy for %(flats)s in the meeting “%(title)s” at "
                "%(when)s, and can now vote for you. You can still revoke it until they have voted."
            )
            % values,
            link=link("voting:proxy", proxy.pk),
            estate=meeting.estate,
            sms=True,
            sms_title=short_title(
                sms_titles.PROXY_CONFIRMED, meeting=meeting.title, estate=meeting.estate.name
            ),
            event=f"proxy:{proxy.pk}:confirmed:grantor",
            new_event=True,
        )
        notify(
            users=audiences.convener_members(meeting),
            kind="proxy.confirmed",
            title=gettext("Proxy accepted: %(title)s") % {"title": meeting.title},
            body=gettext("%(proxy)s accepted the written proxy for %(flats)s in the meeting “%(title)s”.")
            % values,
            link=link("voting:proxies_console", meeting.pk),
            estate=meeting.estate,
            event=f"proxy:{proxy.pk}:confirmed:convener",
            new_event=True,
        )


__all__ = ["proxy_confirm"]
