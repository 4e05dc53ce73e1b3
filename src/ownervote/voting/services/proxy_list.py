"""The public list of the proxies in force (R-TRUST-3).

While a meeting's voting is open, the estate's owners see every written proxy in force for it:
the owner's flats, who the proxy is and what matters it covers, so that an owner who never gave a
proxy sees one recorded for their flat, and everybody sees one person collecting many proxies
(the concentration the impersonation signals of R-TRUST-1 also look for).

- Who: the owners bound in the estate and the meeting's convener (``permissions.can_see_proxy_list``);
  people who do not see the meeting get 404 (``meeting.not_found``), other staff who see it 403
  (``proxy_list.forbidden``): the list is publicity to the estate's owners; the supervising office
  reads proxy concentration with its evidence through the signals.
- When: only while the voting is open (409 ``proxy_list.not_open`` before and after), as the rule
  says; the convener's own list (``proxies.meeting_proxies``) is not limited so.
- What: names masked to the surname (``张*``), for the owner and for the proxy; no mobile, no ID
  number, no document, nothing about whether anybody has voted (R-VOTE-2: only the convener sees
  which flats voted). The same proxy holder (one ID number, ``ProxyHolder``) has the same number in
  the list, with how many owners of the list they hold, so that concentration shows without a name.

It reads only masked fields, so nothing is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import Conflict, require
from ownervote.meetings.models import Meeting

from ..access import Need, access_voting
from ..errors import Code
from ..models import Proxy
from .cast import voting_is_open
from .proxies import flat_label, when


def surname(masked: str) -> str:
    """A masked name cut to its first character and one star: ``张*三`` -> ``张*``. The list is shown
    to every owner of the estate, so it shows less than the binding list does."""
    masked = (masked or "").strip()
    return f"{masked[0]}*" if len(masked) > 1 else masked


@dataclass(frozen=True)
class ListedProxy:
    flats: list[str]  # the owner's flats the proxy votes for, "1栋-101"
    owner: str  # the owner's surname, masked
    holder: str  # the proxy's surname, masked
    holder_number: int  # 1, 2, ...: one number per proxy holder in this list
    holder_owners: int  # how many owners in this list the same holder holds proxies of
    matters: str
    term_from: dt.date
    term_until: dt.date
    accepted: bool  # the proxy has confirmed accepting it (art. 20)
    given_on: dt.date


@dataclass(frozen=True)
class ProxyList:
    meeting: Meeting
    proxies: list[ListedProxy]

    @property
    def holders(self) -> int:
        return len({p.holder_number for p in self.proxies})


def not_open(meeting: Meeting) -> Conflict:
    return Conflict(
        Code.PROXY_LIST_NOT_OPEN,
        _("The list of proxies is shown while the voting is open, from %(opens)s to %(closes)s.")
        % {"opens": when(meeting.voting_opens_at), "closes": when(meeting.voting_closes_at)},
        details={"status": meeting.status},
    )


def proxy_list(actor, meeting_id: int, *, now: dt.datetime | None = None) -> ProxyList:
    """The proxies in force in the meeting, masked, for its bound owners and its convener while
    voting is open. 404 ``meeting.not_found``; 403 ``proxy_list.forbidden``; 409
    ``proxy_list.not_open``."""
    now = now or timezone.now()
    meeting = access_voting(actor, meeting_id, need=Need.PROXY_LIST)
    require(voting_is_open(meeting, now), not_open(meeting))
    rows = list(
        Proxy.objects.filter(meeting=meeting, status=Proxy.Status.ACTIVE)
        .select_related("owner")
        .prefetch_related("flats", "flats__building")
    )
    entries = []
    for p in rows:
        flats = sorted(p.flats.all(), key=lambda f: (f.sort_key, f.pk))
        entries.append((flats, p))
    entries.sort(key=lambda e: ([f.sort_key for f in e[0]], e[1].pk))
    numbers: dict[int, int] = {}
    owners: dict[int, set[int]] = {}
    for _flats, p in entries:
        numbers.setdefault(p.holder_id, len(numbers) + 1)
        owners.setdefault(p.holder_id, set()).add(p.owner_id)
    listed = [
        ListedProxy(
            flats=[flat_label(f) for f in flats],
            owner=surname(p.owner.name_masked),
            holder=surname(p.name_masked),
            holder_number=numbers[p.holder_id],
            holder_owners=len(owners[p.holder_id]),
            matters=p.matters,
            term_from=p.term_from,
            term_until=p.term_until,
            accepted=p.confirmed_at is not None,
            given_on=timezone.localdate(p.created_at),
        )
        for flats, p in entries
    ]
    return ProxyList(meeting=meeting, proxies=listed)
