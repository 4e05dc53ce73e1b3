"""Reaching what voting owns, for an actor: one function per kind of object (``core.access``).

- ``access_voting(actor, meeting_id, need=...)``: a meeting's voting (the vote pages, the progress,
  the convener's actions, the paper counts, the proxies of the meeting);
- ``access_session``: a paper count session; ``access_proxy``: a written proxy;
  ``access_extension``: an extension request; ``access_representative``: a co-owners' choice of
  representative.

Each fetches the row (locked with ``lock``), answers ``NotFound`` when it does not exist *or the
actor may not see it* (the same error for both), then ``Forbidden`` when the actor sees it but lacks
what ``need`` asks; ``permissions`` decides. Every service, view and API endpoint of voting reaches
these objects through here.

The electronic cast is the one exception, for its statement budget: ``meeting_to_cast`` fetches
the meeting unchecked, because the cast proves flat by flat who may vote (``rules.eligibility``)
and whoever may vote a flat sees the meeting; every refusal of the cast first calls
``require_seen``, so that somebody who may not see the meeting gets 404 whatever went wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ownervote.bindings.models import Binding
from ownervote.core.access import fetch
from ownervote.core.errors import Forbidden, NotFound
from ownervote.core.rows import by_pk
from ownervote.meetings import permissions as meeting_permissions
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Meeting

from . import permissions
from .errors import Code
from .models import CountSession, Extension, Proxy, Representative
from .selectors import co_owners


class Need(StrEnum):
    """What the caller needs of the object it reaches."""

    # a meeting's voting (access_voting)
    VOTE = "vote"  # the vote pages: who sees the meeting, and the holders of a proxy in it
    GRANT = "grant"  # give a proxy: who sees the meeting (the service checks the flats)
    WATCH = "watch"  # the live progress and the flats not voted: the convener, the street office
    FOLLOW = "follow"  # the progress figures: who watches, and an owner who has voted
    RUN = "run"  # the convener's reminders and extension requests
    EXTENSIONS = "extensions"  # the meeting's extension requests: the convener, the street office
    COUNT = "count"  # open, enter and commit a paper count, print the ballots: the convener
    WATCH_COUNT = "watch_count"  # read the count sessions: the convener, the staff who see the estate
    PROXIES = "proxies"  # every proxy of the meeting: the convener
    PROXY_LIST = "proxy_list"  # the masked list of proxies in force (R-TRUST-3): bound owners, the convener
    # a proxy (access_proxy)
    SEE = "see"  # its grantor, its holder, the convener
    REVOKE = "revoke"  # its grantor
    CONFIRM = "confirm"  # its holder, signed in with the mobile it names
    # an extension request (access_extension)
    DECIDE = "decide"  # the street office of the estate's street
    # a representative (access_representative; access_voting: who sees the meeting, the service
    # checks the flat)
    CHOOSE = "choose"  # the flat's bound co-owners


PAPER_FORBIDDEN = _("Only the meeting's convener can count its paper ballots.")

# need -> (the permission, the refusal's code, its message) for a meeting the actor sees
_MEETING_NEEDS: dict[Need, tuple[Callable[..., bool], Code, object]] = {
    Need.WATCH: (
        permissions.can_watch_progress,
        Code.PROGRESS_FORBIDDEN,
        _("Only the convener and the office supervising the meeting see the voting progress."),
    ),
    Need.FOLLOW: (
        permissions.can_see_progress,
        Code.PROGRESS_FORBIDDEN,
        _("The progress is shown to owners once they have voted."),
    ),
    Need.RUN: (
        permissions.can_run_voting,
        Code.MEETING_FORBIDDEN,
        _("Only the meeting's convener can do this."),
    ),
    Need.EXTENSIONS: (
        permissions.can_see_extensions,
        Code.EXTENSION_FORBIDDEN,
        _("Only the convener and the office supervising the meeting see extension requests."),
    ),
    Need.COUNT: (permissions.can_run_voting, Code.PAPER_FORBIDDEN, PAPER_FORBIDDEN),
    Need.WATCH_COUNT: (permissions.can_watch_count, Code.PAPER_FORBIDDEN, PAPER_FORBIDDEN),
    Need.PROXIES: (
        permissions.can_run_voting,
        Code.PROXY_FORBIDDEN,
        _("Only the meeting's convener sees its proxies."),
    ),
    Need.PROXY_LIST: (
        permissions.can_see_proxy_list,
        Code.PROXY_LIST_FORBIDDEN,
        _("The list of proxies is shown to the estate's owners and its convener."),
    ),
}


def _refuse(actor, meeting: Meeting, need: Need) -> None:
    if need in (Need.GRANT, Need.CHOOSE):  # seeing the meeting is all they need of it
        return
    allowed, code, message = _MEETING_NEEDS[need]
    if not allowed(actor, meeting):
        raise Forbidden(code, message)


# --- the meeting ---------------------------------------------------------------------------------


def meeting_missing() -> NotFound:
    return NotFound(Code.MEETING_NOT_FOUND, meeting_selectors.NOT_FOUND)


def _meetings(lock: bool) -> QuerySet[Meeting]:
    rows = Meeting.objects.select_related("estate", "convener")
    # Only the meeting's row is locked, never the estate or the convener joined to it.
    return rows.select_for_update(of=("self",)) if lock else rows


def _meeting(
    actor,
    meeting_id,
    *,
    lock: bool,
    sees: Callable[..., bool] = meeting_permissions.can_see_meeting,
    missing: Callable[[], NotFound] = meeting_missing,
) -> Meeting:
    """The meeting (locked with ``lock``) if ``sees``, by default the meetings app's rule of who
    sees a meeting; else ``missing()``."""
    meeting = fetch(_meetings(lock), meeting_id)
    if meeting is None or not sees(actor, meeting):
        raise missing()
    return meeting


def access_voting(actor, meeting_id, *, need: Need, lock: bool = False) -> Meeting:
    """The meeting whose voting ``actor`` reaches for ``need`` (locked with ``lock``): NotFound
    (``meeting.not_found``) when it does not exist or the actor may not see it, Forbidden when the
    actor sees it but ``need`` is not theirs (the code names what was refused: ``progress``,
    ``meeting``, ``extension``, ``paper``, ``proxy.forbidden``)."""
    if need == Need.VOTE:
        return _meeting(actor, meeting_id, lock=lock, sees=permissions.can_see_vote)
    # The meetings app's own rule of who sees a meeting (meetings.access.access_meeting).
    meeting = _meeting(actor, meeting_id, lock=lock)
    _refuse(actor, meeting, need)
    return meeting


# What a cast reads with its meeting; ``services.own_facts`` reads the same in one statement with
# the voter's eligibility rows, and must build the same meeting.
MEETING_TO_CAST_RELATED = ("estate",)


def meeting_to_cast(meeting_id) -> Meeting | None:
    """The meeting a ballot is cast in, not checked against the caster (see the module's
    docstring); None when there is no such meeting."""
    return by_pk(Meeting, meeting_id, related=MEETING_TO_CAST_RELATED)


def require_seen(actor, meeting: Meeting) -> None:
    """NotFound (``meeting.not_found``) unless ``actor`` may see the meeting's vote pages."""
    if not permissions.can_see_vote(actor, meeting):
        raise meeting_missing()


# --- a paper count session -------------------------------------------------------------------------


def access_session(actor, session_id, *, need: Need = Need.WATCH_COUNT, lock: bool = False) -> CountSession:
    """The count session (with its meeting, both locked with ``lock``, the meeting first):
    NotFound (``paper.session_not_found``) when it does not exist or the actor may not see its
    meeting, Forbidden (``paper.forbidden``) when they see it but may not watch it (``WATCH_COUNT``)
    or count (``COUNT``)."""

    def missing() -> NotFound:
        return NotFound(Code.SESSION_NOT_FOUND, _("Count session not found."))

    meeting_id = fetch(CountSession.objects.values_list("meeting_id", flat=True), session_id)
    if meeting_id is None:
        raise missing()
    meeting = _meeting(actor, meeting_id, lock=lock, missing=missing)
    rows = CountSession.objects.select_for_update() if lock else CountSession.objects
    session = rows.get(pk=session_id)
    session.meeting = meeting
    _refuse(actor, meeting, need)
    return session


# --- a written proxy -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """A proxy and why the actor sees it (``permissions.proxy_role``)."""

    proxy: Proxy
    role: str  # "grantor" | "holder" | "convener"


def access_proxy(actor, proxy_id, *, need: Need = Need.SEE, lock: bool = False) -> Seen:
    """A proxy its grantor, its holder or the meeting's convener sees (NotFound
    ``proxy.not_found`` for anybody else); ``REVOKE``: Forbidden ``proxy.forbidden`` but for the
    grantor; ``CONFIRM``: Forbidden ``proxy.forbidden`` but for the holder, ``proxy.wrong_mobile``
    for the holder signed in with another mobile."""
    rows = Proxy.objects.select_related(
        "meeting", "meeting__estate", "meeting__convener", "owner", "holder", "document"
    ).prefetch_related("flats", "flats__building")
    if lock:  # the row the cast locks too (services.cast): a revoke and a proxy's ballot never cross
        rows = rows.select_for_update(of=("self",))
    proxy = fetch(rows, proxy_id)
    role = permissions.proxy_role(actor, proxy) if proxy is not None else None
    if role is None:
        raise NotFound(Code.PROXY_NOT_FOUND, _("Proxy not found."))
    if need == Need.REVOKE and not permissions.can_revoke_proxy(actor, proxy):
        raise Forbidden(Code.PROXY_FORBIDDEN, _("Only the owner who gave the proxy can revoke it."))
    if need == Need.CONFIRM and not permissions.can_confirm_proxy(actor, proxy):
        if role != permissions.HOLDER:
            raise Forbidden(Code.PROXY_FORBIDDEN, _("Only the person named as the proxy can accept it."))
        raise Forbidden(
            Code.PROXY_WRONG_MOBILE,
            _("Sign in with the mobile number written in the proxy (%(mobile)s) to accept it.")
            % {"mobile": proxy.mobile_masked},
        )
    return Seen(proxy, role)


# --- an extension request --------------------------------------------------------------------------


def access_extension(actor, extension_id, *, need: Need = Need.DECIDE, lock: bool = False) -> Extension:
    """The extension request (locked with ``lock``, then its meeting): NotFound
    (``extension.not_found``) when it does not exist or the actor may not see its meeting,
    Forbidden (``extension.forbidden``) for anybody but the street office of the estate's street."""

    def missing() -> NotFound:
        return NotFound(Code.EXTENSION_NOT_FOUND, _("Extension request not found."))

    rows = Extension.objects.select_for_update() if lock else Extension.objects
    extension = fetch(rows, extension_id)
    if extension is None:
        raise missing()
    meeting = _meeting(actor, extension.meeting_id, lock=lock, missing=missing)
    extension.meeting = meeting
    if not permissions.can_decide_extension(actor, meeting):
        raise Forbidden(
            Code.EXTENSION_FORBIDDEN,
            _(
                "Only the office supervising the meeting (the street office, or the district bureau "
                "where a street office convenes) decides an extension."
            ),
        )
    return extension


# --- a co-owners' representative -------------------------------------------------------------------


class Choice(NamedTuple):
    """A choice of representative, its meeting and the flat's bound co-owners (user id -> binding)."""

    representative: Representative
    meeting: Meeting
    co_owners: dict[int, Binding]


def access_representative(
    actor, representative_id, *, need: Need = Need.CHOOSE, lock: bool = False
) -> Choice:
    """A choice of representative (locked with ``lock``) for one of the flat's bound co-owners:
    NotFound (``representative.not_found``) for anybody else, and when the actor may not see the
    meeting."""

    def missing() -> NotFound:
        return NotFound(Code.REPRESENTATIVE_NOT_FOUND, _("No such choice of representative."))

    rows = Representative.objects.select_for_update() if lock else Representative.objects
    rep = fetch(rows, representative_id)
    if rep is None:
        raise missing()
    meeting = _meeting(actor, rep.meeting_id, lock=False, missing=missing)  # the choice's row is the lock
    bound = co_owners(meeting, rep.flat_id)
    if not permissions.can_choose_representative(actor, bound):
        raise missing()
    return Choice(rep, meeting, bound)
