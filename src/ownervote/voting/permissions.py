"""Who may do what in a meeting's voting: the only place that decides it (``access`` and the
services ask here). Built on ``meetings.permissions`` (who sees and who convenes a meeting) and
``orgs.scoping`` (who sees and who supervises an estate).

- The vote pages (the flats to vote, the ballot and its receipt, proxies, representatives): whoever
  sees the meeting, and the holders of a proxy in it (``can_see_vote``). Whether a flat may be
  voted is decided per flat by ``rules.eligibility``.
- The live progress and who has not voted: the convener and the street office (R-VOTE-2); the
  figures also to an owner who has voted (R-VOTE-3).
- The convener runs the voting: reminders, an extension request, the paper count and the printed
  ballots, the list of the meeting's proxies. The street office of the estate's street decides an
  extension (R-VOTE-5). The count sessions are read by the staff who see the estate (art. 24).
- A proxy is seen by its grantor, its holder and the convener; only the grantor revokes it
  (R-VOTE-6, R-VOTE-7); only its holder, signed in with the mobile the proxy names, accepts it.
  A flat's representative is chosen by its bound co-owners (R-VOTE-8).
- The list of the proxies in force, masked, while voting is open (R-TRUST-3): the owners bound in
  the estate, and its convener (who already sees every proxy in full). Other staff who see the
  meeting are refused: the list is publicity to the estate's owners, and the supervising office
  reads proxy concentration, with its evidence, through the impersonation signals (R-TRUST-1).
"""

from __future__ import annotations

from collections.abc import Mapping

from ownervote.bindings.selectors import is_bound_in
from ownervote.meetings import permissions as meeting_permissions
from ownervote.meetings.models import Meeting
from ownervote.orgs import scoping
from ownervote.verification.selectors import verified_identity

from .models import Proxy
from .selectors import has_voted, held_by

GRANTOR, HOLDER, CONVENER = "grantor", "holder", "convener"


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_see_vote(user, meeting: Meeting) -> bool:
    """The meeting's vote pages: whoever sees the meeting, and the holders of a proxy in it (a
    proxy need not own a flat in the estate)."""
    if meeting_permissions.can_see_meeting(user, meeting):
        return True
    return _authenticated(user) and bool(held_by(user, meeting))


def can_watch_progress(user, meeting: Meeting) -> bool:
    """The live progress and the flats that have not voted: the convener and the street office
    supervising the estate (R-VOTE-2)."""
    return _authenticated(user) and (
        meeting_permissions.can_manage(user, meeting) or meeting_permissions.supervises(user, meeting)
    )


def can_see_progress(user, meeting: Meeting) -> bool:
    """The progress figures: who watches the progress, and an owner who has voted (R-VOTE-3)."""
    return can_watch_progress(user, meeting) or has_voted(user, meeting)


def can_run_voting(user, meeting: Meeting) -> bool:
    """The convener's part in the voting: reminders, an extension request, the paper count, the
    printable ballots and the list of the meeting's proxies."""
    return meeting_permissions.can_manage(user, meeting)


def can_see_proxy_list(user, meeting: Meeting) -> bool:
    """The masked list of the proxies in force (R-TRUST-3): the owners bound in the estate and the
    meeting's convener."""
    return _authenticated(user) and (
        is_bound_in(user, meeting.estate_id) or meeting_permissions.can_manage(user, meeting)
    )


def can_see_extensions(user, meeting: Meeting) -> bool:
    """The meeting's extension requests: the convener and the street office (R-VOTE-5)."""
    return meeting_permissions.can_manage(user, meeting) or meeting_permissions.supervises(user, meeting)


def can_decide_extension(user, meeting: Meeting) -> bool:
    """The street office of the estate's street approves or refuses an extension (R-VOTE-5)."""
    return meeting_permissions.supervises(user, meeting)


def can_decide_extensions(user) -> bool:
    """The page of extension requests to decide: staff of a body that supervises conveners, a street
    office or (where a street office convenes, R-ORG-3) a district bureau."""
    return scoping.is_supervisor(user)


def can_watch_count(user, meeting: Meeting) -> bool:
    """A paper count's sessions: the convener and the staff who see the estate (the street office
    invited to supervise it, art. 24). Owners see the result, not the count's drafts."""
    return meeting_permissions.can_manage(user, meeting) or scoping.can_see_estate(user, meeting.estate)


def proxy_role(user, proxy: Proxy) -> str | None:
    """Why ``user`` sees the proxy: its ``grantor``, its ``holder`` (verified with the holder's ID
    number) or the meeting's ``convener``; None for anybody else."""
    if not _authenticated(user):
        return None
    if proxy.grantor_id == user.pk:
        return GRANTOR
    identity = verified_identity(user)
    if (
        identity is not None
        and identity.id_number_hash
        and identity.id_number_hash == proxy.holder.id_number_hash
    ):
        return HOLDER
    if meeting_permissions.can_manage(user, proxy.meeting):
        return CONVENER
    return None


def can_see_proxy(user, proxy: Proxy) -> bool:
    return proxy_role(user, proxy) is not None


def can_revoke_proxy(user, proxy: Proxy) -> bool:
    """Only the owner who gave the proxy revokes it (R-VOTE-7)."""
    return _authenticated(user) and proxy.grantor_id == user.pk


def can_confirm_proxy(user, proxy: Proxy) -> bool:
    """The proxy accepts it (art. 20): the holder (verified with the proxy's ID number), signed in
    with the mobile number the written proxy names (the sign-in's SMS code proves it)."""
    return proxy_role(user, proxy) == HOLDER and holds_named_mobile(user, proxy)


def holds_named_mobile(user, proxy: Proxy) -> bool:
    """The account's mobile is the one the written proxy names."""
    mobile_hash = getattr(user, "mobile_hash", "")
    return bool(mobile_hash) and mobile_hash == proxy.mobile_hash


def can_choose_representative(user, co_owners: Mapping[int, object]) -> bool:
    """A flat's representative is proposed, consented to and withdrawn by its bound co-owners
    (R-VOTE-8); ``co_owners`` is ``selectors.co_owners`` of the flat."""
    return _authenticated(user) and user.pk in co_owners
