"""Written proxies (授权委托书, art. 20; R-VOTE-6, R-VOTE-7).

- ``proxy_grant``: a bound owner names a proxy (name, ID number, mobile), the matters, the
  authority and the term, for one meeting that is publicised or voting. The system renders the
  written proxy as a PDF, tells the convener and the proxy (inbox, else an SMS to a proxy without
  an account) and audits it. One proxy in force per owner per meeting (a unique constraint). A
  proxy holds at most three owners' proxies at once in one estate (Shenzhen regulation art. 18):
  the new proxy locks the holder's ``ProxyHolder`` row before counting, so that four proxies
  created at the same instant still give three.
- ``active_for_flat`` / ``has_voted`` (and ``selectors.held_by``): what the cast service reads.
  A proxy ballot is cast by the account whose verified identity has the holder's ID number.
- Who sees a proxy (its grantor, its holder, the convener) is ``permissions.proxy_role``; a proxy is
  reached through ``access.access_proxy``.
- ``proxy_revoke``: by the grantor, until the proxy has voted for the owner (the cast locks the
  same ``Proxy`` row, so a revoke and a cast never cross); the convener and the proxy are told
  (art. 20, as when it was given), and the grantor is reminded to vote before the close.
- The proxy accepts it before voting: ``proxy_acceptance.proxy_confirm``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.bindings.models import Binding
from ownervote.core import crypto, pii, validators
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError, require
from ownervote.core.files import Upload
from ownervote.core.files import read as read_file
from ownervote.core.files import store as store_file
from ownervote.core.validators import is_plausible_year
from ownervote.identity.accounts import find_by_mobile
from ownervote.identity.sms import send_sms
from ownervote.meetings import audiences
from ownervote.meetings.models import Meeting
from ownervote.notify import sms_titles
from ownervote.notify.services import notify, short_title
from ownervote.verification.selectors import verified_identity

from ..access import Need, access_proxy, access_voting
from ..documents import proxy_pdf
from ..errors import Code
from ..models import Ballot, Proxy, ProxyHolder
from ..selectors import held_by

log = logging.getLogger(__name__)

S = Meeting.Status
LIVE_MEETING = (S.PUBLISHED, S.VOTING)  # a proxy is granted, and counts towards the limit, only then
MAX_NAME = 50
MAX_TEXT = 2000
REMIND_BEFORE = dt.timedelta(hours=24)


# --- helpers ----------------------------------------------------------------------------------


def when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _date(value) -> dt.date | None:
    """A date from a date, a datetime or an ISO string; a year outside ``core.validators`` range
    (its arithmetic could overflow) is no date."""
    if isinstance(value, dt.datetime):
        if not is_plausible_year(value.year):
            return None
        value = _local_date(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value or "").strip())
        except ValueError:
            return None
    return value if is_plausible_year(value.year) else None


def _clean(text, limit: int = MAX_TEXT) -> str:
    return str(text or "").strip()[:limit]


def flat_label(flat) -> str:
    return f"{flat.building.name}-{flat.room}"


def default_matters(meeting: Meeting) -> str:
    return gettext("Every voting item of the meeting “%(title)s”") % {"title": meeting.title}


def default_authority() -> str:
    return gettext("Vote on each item at the proxy's own discretion")


def is_closed(meeting: Meeting, now: dt.datetime) -> bool:
    return meeting.status not in LIVE_MEETING or now >= meeting.voting_closes_at


def _holder(estate_id: int, id_number_hash: str) -> ProxyHolder:
    """The holder row, created if new (in a savepoint: a concurrent insert of the same person
    makes ours fail, and then we read theirs), and locked for the rest of the transaction."""
    holder = ProxyHolder.objects.filter(estate_id=estate_id, id_number_hash=id_number_hash).first()
    if holder is None:
        try:
            with transaction.atomic():
                holder = ProxyHolder.objects.create(estate_id=estate_id, id_number_hash=id_number_hash)
        except IntegrityError:
            holder = ProxyHolder.objects.get(estate_id=estate_id, id_number_hash=id_number_hash)
    return ProxyHolder.objects.select_for_update().get(pk=holder.pk)


def holder_owner_count(holder: ProxyHolder, *, excluding_owner_id: int | None = None) -> int:
    """How many distinct owners the holder holds proxies in force for, in meetings still open."""
    rows = Proxy.objects.filter(holder=holder, status=Proxy.Status.ACTIVE, meeting__status__in=LIVE_MEETING)
    if excluding_owner_id is not None:
        rows = rows.exclude(owner_id=excluding_owner_id)
    return rows.values("owner_id").distinct().count()


def _validate(
    meeting: Meeting, *, name, id_number, mobile, matters, authority, term_from, term_until, today
) -> dict:
    """The proxy's fields, cleaned; every problem at once as 422 ``proxy.invalid`` with
    ``details.fields``."""
    errors: dict[str, str] = {}
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = str(_("Enter the proxy's name."))
    elif len(name) > MAX_NAME:
        errors["name"] = str(_("The name is too long."))
    id_number = validators.normalise_id_number(str(id_number or ""))
    if not validators.is_valid_resident_id(id_number):
        errors["id_number"] = str(_("Enter a valid 18-character resident ID card number."))
    mobile = validators.normalise_mobile(str(mobile or ""))
    if not validators.is_valid_mobile(mobile):
        errors["mobile"] = str(_("Enter a valid mainland mobile number (11 digits, starting with 1)."))
    matters = _clean(matters) or default_matters(meeting)
    authority = _clean(authority) or default_authority()
    start, until = _date(term_from), _date(term_until)
    closes_on = _local_date(meeting.voting_closes_at)
    first_day = max(_local_date(meeting.voting_opens_at), today)
    if start is None:
        errors["term_from"] = str(_("Enter the first day of the term (YYYY-MM-DD)."))
    if until is None:
        errors["term_until"] = str(_("Enter the last day of the term (YYYY-MM-DD)."))
    if start and until:
        if until < start:
            errors["term_until"] = str(_("The term cannot end before it begins."))
        elif until < closes_on:
            errors["term_until"] = str(
                _("The term must last until the voting closes, on %(day)s.") % {"day": closes_on.isoformat()}
            )
        if start > first_day:
            errors["term_from"] = str(
                _("The term must begin by %(day)s, so that the proxy covers the whole voting period.")
                % {"day": first_day.isoformat()}
            )
    if errors:
        raise InvalidInput(
            Code.PROXY_INVALID, _("Some details of the proxy are not valid."), details={"fields": errors}
        )
    return {
        "name": name,
        "id_number": id_number,
        "mobile": mobile,
        "matters": matters,
        "authority": authority,
        "term_from": start,
        "term_until": until,
    }


# --- granting (R-VOTE-6) ----------------------------------------------------------------------


def proxy_grant(
    *,
    actor,
    meeting_id: int,
    flat_ids,
    name: str,
    id_number: str,
    mobile: str,
    matters: str = "",
    authority: str = "",
    term_from,
    term_until,
    device_hash: str = "",
    client_ip: str | None = None,
) -> Proxy:
    """A bound owner's written proxy for ``meeting_id`` covering ``flat_ids`` (flats the actor is
    bound to, of one owner). Refusals: 404 ``meeting.not_found``; 409 ``proxy.meeting_closed``
    (not publicised or voting, or past its close); 403 ``proxy.not_bound``; 422
    ``proxy.mixed_owners``, ``proxy.invalid`` (``details.fields``), ``proxy.self``; 409
    ``proxy.exists`` (a proxy in force for this owner and meeting), ``proxy.too_many`` (the proxy
    already holds three other owners' proxies in the estate). ``device_hash`` and ``client_ip``:
    where it was given from (``core.devices.traces``, R-TRUST-1)."""
    now = timezone.now()
    with transaction.atomic():
        meeting = access_voting(actor, meeting_id, need=Need.GRANT)
        require(
            not is_closed(meeting, now),
            Conflict(
                Code.PROXY_MEETING_CLOSED,
                _("A proxy can be given only while the meeting is publicised or voting is open."),
            ),
        )
        bindings = _granted_bindings(actor, meeting, flat_ids)
        owner = bindings[0].owner
        data = _validate(
            meeting,
            name=name,
            id_number=id_number,
            mobile=mobile,
            matters=matters,
            authority=authority,
            term_from=term_from,
            term_until=term_until,
            today=timezone.localdate(),
        )
        id_hash = pii.lookup("id_number", data["id_number"])
        _require_not_self(actor, owner, id_hash)
        trace = {"device_hash": device_hash, "client_ip": client_ip}
        proxy = _create(actor, meeting, owner, _free_holder(meeting, owner, id_hash), data, trace)
        proxy.flats.set([b.flat_id for b in bindings])
        flats = sorted((b.flat for b in bindings), key=lambda f: (f.sort_key, f.pk))
        content = proxy_pdf(proxy, grantor_name=_plain(owner, "name"), flats=flats, meeting=meeting)
        proxy.document = store_file(
            Upload(name=f"proxy-{proxy.pk}.pdf", content=content, content_type="application/pdf"),
            uploaded_by=actor,
        )
        proxy.save(update_fields=["document"])
        record(
            actor=actor,
            action="proxy.granted",
            obj=proxy,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "owner": owner.pk,
                "flats": [flat_label(f) for f in flats],
                "holder": proxy.holder_id,
                "proxy": proxy.name_masked,
                "term_from": proxy.term_from.isoformat(),
                "term_until": proxy.term_until.isoformat(),
                "document_sha256": proxy.document.sha256,
            },
        )
        _tell_granted(proxy, meeting, flats, mobile=data["mobile"])
    return proxy


def _granted_bindings(actor, meeting: Meeting, flat_ids) -> list[Binding]:
    """The actor's active bindings of ``flat_ids`` in the meeting's estate, all of one owner: 422
    ``proxy.invalid`` for no flat, 403 ``proxy.not_bound``, 422 ``proxy.mixed_owners``."""
    try:
        wanted = sorted({int(f) for f in (flat_ids or [])})
    except (TypeError, ValueError):
        wanted = []
    require(
        wanted,
        InvalidInput(
            Code.PROXY_INVALID,
            _("Choose the flats the proxy votes for."),
            details={"fields": {"flat_ids": str(_("Choose the flats the proxy votes for."))}},
        ),
    )
    bindings = list(
        Binding.objects.filter(
            user=actor, estate_id=meeting.estate_id, flat_id__in=wanted, status=Binding.Status.ACTIVE
        ).select_related("flat", "flat__building", "owner")
    )
    require(
        {b.flat_id for b in bindings} == set(wanted),
        Forbidden(
            Code.PROXY_NOT_BOUND, _("You can give a proxy only for flats you are bound to in this estate.")
        ),
    )
    require(
        len({b.owner_id for b in bindings}) == 1,
        InvalidInput(
            Code.PROXY_MIXED_OWNERS,
            _("One proxy covers the flats of one owner: give a separate proxy for each owner."),
        ),
    )
    return bindings


def _require_not_self(actor, owner, id_hash: str) -> None:
    """422 ``proxy.self`` when the proxy's ID number is the owner's or the grantor's own."""
    identity = verified_identity(actor)
    require(
        id_hash != owner.id_number_hash and not (identity and identity.id_number_hash == id_hash),
        InvalidInput(
            Code.PROXY_SELF,
            _("You cannot name yourself as your proxy."),
            details={"fields": {"id_number": str(_("You cannot name yourself as your proxy."))}},
        ),
    )


def _exists() -> Conflict:
    return Conflict(
        Code.PROXY_EXISTS,
        _("A proxy for this owner is already in force for this meeting. Revoke it first."),
    )


def _free_holder(meeting: Meeting, owner, id_hash: str) -> ProxyHolder:
    """The holder of the new proxy, locked, when the owner has no proxy in force in the meeting
    (409 ``proxy.exists``) and the holder holds fewer than three other owners' proxies in the
    estate (409 ``proxy.too_many``, Shenzhen regulation art. 18)."""
    require(
        not Proxy.objects.filter(meeting=meeting, owner=owner, status=Proxy.Status.ACTIVE).exists(),
        _exists(),
    )
    holder = _holder(meeting.estate_id, id_hash)
    held = holder_owner_count(holder, excluding_owner_id=owner.pk)
    require(
        held < Proxy.MAX_OWNERS_PER_HOLDER,
        Conflict(
            Code.PROXY_TOO_MANY,
            _(
                "This person already holds proxies of %(n)d owners in the estate: a proxy may hold "
                "at most %(n)d owners' proxies at once."
            )
            % {"n": Proxy.MAX_OWNERS_PER_HOLDER},
            details={"held": held, "max": Proxy.MAX_OWNERS_PER_HOLDER},
        ),
    )
    return holder


def _create(actor, meeting: Meeting, owner, holder: ProxyHolder, data: dict, trace: dict) -> Proxy:
    """The proxy row, its personal data sealed; 409 ``proxy.exists`` when another proxy for the
    owner committed in between (the unique constraint)."""
    proxy = Proxy(
        estate_id=meeting.estate_id,
        meeting=meeting,
        owner=owner,
        grantor=actor,
        holder=holder,
        matters=data["matters"],
        authority=data["authority"],
        term_from=data["term_from"],
        term_until=data["term_until"],
        **trace,
    )
    for attr in ("name", "id_number", "mobile"):
        pii.seal(proxy, attr, data[attr])
    try:
        with transaction.atomic():
            proxy.save()
    except IntegrityError as exc:
        raise _exists() from exc
    return proxy


def _plain(obj, attr: str) -> str:
    """The plaintext of a sealed attribute, for the written proxy itself (the grantor's own
    document) and for the SMS to the proxy; never shown on a page."""
    value = getattr(obj, f"{attr}_enc", "")
    return crypto.decrypt_text(value) if value else ""


def _tell_granted(proxy: Proxy, meeting: Meeting, flats, *, mobile: str) -> None:
    labels = "、".join(flat_label(f) for f in flats)
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=audiences.convener_members(meeting),
            kind="proxy.granted",
            title=gettext("New proxy: %(title)s") % {"title": meeting.title},
            body=gettext(
                "The owner of %(flats)s has given a written proxy to %(proxy)s for the meeting “%(title)s”."
            )
            % {"flats": labels, "proxy": proxy.name_masked, "title": meeting.title},
            link=link("voting:proxies_console", meeting.pk),
            estate=meeting.estate,
            event=f"proxy:{proxy.pk}:granted:convener",
        )
        title = gettext("You are a proxy: %(title)s") % {"title": meeting.title}
        body = gettext(
            "%(owner)s has named you as their proxy for %(flats)s in the meeting “%(title)s” of %(estate)s. "
            "Voting runs from %(opens)s to %(closes)s. Sign in with this mobile number, verify your "
            "identity and accept the proxy: only then can you vote for them."
        ) % {
            "owner": proxy.owner.name_masked,
            "flats": labels,
            "title": meeting.title,
            "estate": meeting.estate.name,
            "opens": when(meeting.voting_opens_at),
            "closes": when(meeting.voting_closes_at),
        }
        user = find_by_mobile(mobile)
        if user is not None:
            notify(
                users=[user],
                kind="proxy.granted",
                title=title,
                body=body,
                link=link("voting:proxies_held", meeting.pk),
                estate=meeting.estate,
                sms=True,
                # the proxy may live elsewhere: the estate's name is kept where it fits
                sms_title=short_title(sms_titles.PROXY_GRANTED, meeting=meeting.title),
                event=f"proxy:{proxy.pk}:granted:proxy",
            )
        else:
            sms_title = gettext("You are a proxy in %(estate)s") % {"estate": meeting.estate.name}
            transaction.on_commit(lambda: _send_sms(mobile, sms_title))


def _send_sms(mobile: str, title: str) -> None:
    """After the commit, to a proxy without an account. A refusal of the SMS provider is recorded on
    the ``SentSms`` row and must not undo the proxy, which is granted already: hence the catch."""
    try:
        send_sms(mobile=mobile, template="notice", params={"title": title})
    except ServiceError as exc:  # recorded on the SentSms row; the proxy is granted regardless
        log.warning("proxy SMS not sent: %s", exc)


# --- what the cast reads ----------------------------------------------------------------------


def active_for_flat(meeting: Meeting, flat_id: int) -> Proxy | None:
    """The proxy in force for ``flat_id`` in ``meeting``, if any."""
    return (
        Proxy.objects.filter(meeting=meeting, status=Proxy.Status.ACTIVE, flats__id=flat_id)
        .select_related("holder", "owner")
        .first()
    )


def has_voted(proxy: Proxy) -> bool:
    """Whether the proxy has cast a ballot with this proxy."""
    return Ballot.objects.filter(proxy=proxy).exists()


# --- the proxies of a meeting ----------------------------------------------------------------


def granted_by(user, meeting: Meeting) -> list[Proxy]:
    """The proxies the user gave in the meeting, newest first (revoked ones too)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Proxy.objects.filter(meeting=meeting, grantor=user)
        .select_related("owner", "holder")
        .prefetch_related("flats", "flats__building")
    )


def mine(user, meeting_id: int) -> tuple[Meeting, list[Proxy], list[Proxy]]:
    """The meeting, the proxies the user gave in it and those they hold. A proxy who is not an
    owner of the estate sees the meeting through the proxies they hold (``Need.VOTE``); anybody
    else 404."""
    meeting = access_voting(user, meeting_id, need=Need.VOTE)
    return meeting, granted_by(user, meeting), held_by(user, meeting)


def meeting_proxies(user, meeting_id: int) -> tuple[Meeting, list[Proxy]]:
    """Every proxy of the meeting, for its convener (``Need.PROXIES``: 403 for others who see the
    meeting)."""
    meeting = access_voting(user, meeting_id, need=Need.PROXIES)
    rows = list(
        Proxy.objects.filter(meeting=meeting)
        .select_related("owner", "holder")
        .prefetch_related("flats", "flats__building")
        .order_by("created_at", "pk")
    )
    return meeting, rows


def voted_ids(proxies) -> set[int]:
    ids = [p.pk for p in proxies]
    if not ids:
        return set()
    return set(Ballot.objects.filter(proxy_id__in=ids).values_list("proxy_id", flat=True).distinct())


def document_read(*, actor, proxy_id: int):
    """The written proxy's PDF, for those who see the proxy; the read is logged."""
    seen = access_proxy(actor, proxy_id)
    proxy = seen.proxy
    require(
        proxy.document_id is not None, NotFound(Code.PROXY_NO_DOCUMENT, _("The document is not available."))
    )
    with transaction.atomic():
        record(
            actor=actor,
            action="file.read",
            obj=proxy.document,
            estate_id=proxy.estate_id,
            summary={"purpose": "proxy_document", "proxy": proxy.pk, "role": seen.role},
        )
        content = read_file(proxy.document)
    return proxy.document, content


# --- revoking (R-VOTE-7) ----------------------------------------------------------------------


def reminder_at(meeting: Meeting, now: dt.datetime | None = None) -> dt.datetime:
    """When the grantor of a revoked proxy is reminded to vote: a day before the close, or now
    when less than a day is left."""
    now = now or timezone.now()
    return max(now, meeting.voting_closes_at - REMIND_BEFORE)


def proxy_revoke(*, actor, proxy_id: int) -> Proxy:
    """The grantor revokes the proxy (409 ``proxy.revoked`` if already revoked, 409
    ``proxy.used`` once the proxy has voted for the owner, 409 ``proxy.meeting_closed`` after the
    voting). The proxy's row is locked, as the cast locks it, so a revoke and a proxy's ballot
    never cross. The proxy and the grantor are told, and the grantor is reminded to vote a day
    before the close (R-VOTE-7). The convener is told as well (art. 20)."""
    now = timezone.now()
    with transaction.atomic():
        proxy = access_proxy(actor, proxy_id, need=Need.REVOKE, lock=True).proxy
        require(
            Proxy.Status.REVOKED in Proxy.TRANSITIONS[Proxy.Status(proxy.status)],
            Conflict(Code.PROXY_REVOKED, _("This proxy has already been revoked.")),
        )
        require(
            not has_voted(proxy),
            Conflict(
                Code.PROXY_USED, _("The proxy has already voted for you: the proxy can no longer be revoked.")
            ),
        )
        meeting = proxy.meeting
        require(
            not is_closed(meeting, now),
            Conflict(Code.PROXY_MEETING_CLOSED, _("The voting of this meeting is over.")),
        )
        proxy.status = Proxy.Status.REVOKED
        proxy.revoked_at = now
        proxy.save(update_fields=["status", "revoked_at"])
        remind_at = reminder_at(meeting, now)
        record(
            actor=actor,
            action="proxy.revoked",
            obj=proxy,
            estate_id=proxy.estate_id,
            summary={
                "meeting": meeting.pk,
                "owner": proxy.owner_id,
                "holder": proxy.holder_id,
                "accepted": proxy.confirmed_at is not None,
                "remind_at": when(remind_at),
            },
        )
        _tell_revoked(proxy, meeting, remind_at)
    return proxy


def _proxy_user(proxy: Proxy):
    if proxy.holder.user_id:
        return get_user_model().objects.filter(pk=proxy.holder.user_id, is_active=True).first()
    return (
        get_user_model().objects.filter(mobile_hash=proxy.mobile_hash, is_active=True).order_by("pk").first()
    )


def _tell_revoked(proxy: Proxy, meeting: Meeting, remind_at: dt.datetime) -> None:
    labels = "、".join(flat_label(f) for f in proxy.flats.all())
    vote_link = _vote_link(meeting.pk)
    with translation.override(settings.LANGUAGE_CODE):
        holder = _proxy_user(proxy)
        if holder is not None:
            notify(
                users=[holder],
                kind="proxy.revoked",
                title=gettext("Proxy revoked: %(title)s") % {"title": meeting.title},
                body=gettext("%(owner)s has revoked the proxy for %(flats)s in the meeting “%(title)s”.")
                % {"owner": proxy.owner.name_masked, "flats": labels, "title": meeting.title},
                link=link("voting:proxies_held", meeting.pk),
                estate=meeting.estate,
                sms=True,
                sms_title=short_title(sms_titles.PROXY_REVOKED, meeting=meeting.title),
                event=f"proxy:{proxy.pk}:revoked:proxy",
            )
        else:
            mobile = _plain(proxy, "mobile")
            sms_title = gettext("A proxy in %(estate)s was revoked") % {"estate": meeting.estate.name}
            if mobile:
                transaction.on_commit(lambda: _send_sms(mobile, sms_title))
        notify(
            users=audiences.convener_members(meeting),
            kind="proxy.revoked",
            title=gettext("Proxy revoked: %(title)s") % {"title": meeting.title},
            body=gettext(
                "The owner of %(flats)s has revoked the written proxy to %(proxy)s "
                "for the meeting “%(title)s”."
            )
            % {"flats": labels, "proxy": proxy.name_masked, "title": meeting.title},
            link=link("voting:proxies_console", meeting.pk),
            estate=meeting.estate,
            event=f"proxy:{proxy.pk}:revoked:convener",
        )
        notify(
            users=[proxy.grantor],
            kind="proxy.revoked",
            title=gettext("Proxy revoked: %(title)s") % {"title": meeting.title},
            body=gettext(
                "You have revoked the proxy for %(flats)s. "
                "Vote yourself before the voting closes at %(closes)s."
            )
            % {"flats": labels, "closes": when(meeting.voting_closes_at)},
            link=vote_link,
            estate=meeting.estate,
            event=f"proxy:{proxy.pk}:revoked:grantor",
        )
        notify(
            users=[proxy.grantor],
            kind="proxy.reminder",
            title=gettext("Remember to vote: %(title)s") % {"title": meeting.title},
            body=gettext(
                "You revoked your proxy, so vote yourself for %(flats)s "
                "before the voting closes at %(closes)s."
            )
            % {"flats": labels, "closes": when(meeting.voting_closes_at)},
            link=vote_link,
            estate=meeting.estate,
            sms=True,
            sms_title=short_title(
                sms_titles.VOTE_REMINDER, meeting=meeting.title, estate=meeting.estate.name
            ),
            event=f"proxy:{proxy.pk}:reminder",
            not_before=remind_at,
        )


def link(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the page is not mounted
        return ""


def _vote_link(meeting_id: int) -> str:
    return link("voting:vote", meeting_id) or reverse("meetings:notice", args=[meeting_id])


__all__ = [
    "LIVE_MEETING",
    "active_for_flat",
    "default_authority",
    "default_matters",
    "document_read",
    "flat_label",
    "granted_by",
    "has_voted",
    "holder_owner_count",
    "is_closed",
    "link",
    "meeting_proxies",
    "mine",
    "proxy_grant",
    "proxy_revoke",
    "reminder_at",
    "voted_ids",
    "when",
]
