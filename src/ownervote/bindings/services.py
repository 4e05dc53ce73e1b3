"""Binding verified people to the flats they own (R-BIND-1) and ending bindings whose ownership
changed (R-BIND-2, art. 13). Each function is one transaction: the checks, row locks, the
change, its audit event (estate stream) and the notification of the person concerned."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.access import fetch
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, require
from ownervote.notify import sms_titles
from ownervote.notify.services import notify
from ownervote.orgs.models import AuthorisedStaff
from ownervote.roster.models import Flat, Ownership

from . import permissions, signals
from .access import Need, access_binding
from .errors import Code
from .models import Binding
from .selectors import matches, valid_staff_q, verified_identity

NOT_VERIFIED = _("Please verify your identity first.")
NOT_OWNER = _(
    "The roster does not list you as an owner of this flat, so it cannot be bound. If you think "
    "the roster is wrong, ask the convener (owners' committee) to check it."
)


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- binding ----------------------------------------------------------------------------------


def bind_flat(
    *,
    actor,
    flat_id: int,
    owner_id: int | None = None,
    performed_by=None,
    device_hash: str = "",
    client_ip: str | None = None,
) -> Binding:
    """Bind the verified person ``actor`` to a flat they own in the roster, or that an
    organisation that authorises them owns (R-BIND-1, R-ORG-2; art. 9 last para., art. 31).
    ``performed_by`` is the convener binding for them on site: it must keep the estate's roster,
    and it is the actor of the audit event. ``device_hash`` and ``client_ip`` are where the
    request came from (``core.devices.traces``; on site, the convener's), for R-TRUST-1."""
    identity = verified_identity(actor)
    require(identity is not None, Forbidden(Code.NOT_VERIFIED, NOT_VERIFIED))
    with transaction.atomic():
        flat = fetch(Flat.objects.filter(removed_at__isnull=True), flat_id, lock=True)
        require(flat is not None, NotFound(Code.FLAT_NOT_FOUND, _("Flat not found.")))
        flat = Flat.objects.select_related("building", "estate").get(pk=flat.pk)
        estate = flat.estate
        if performed_by is not None:
            require(
                permissions.can_bind_on_site(performed_by, estate),
                Forbidden(Code.FORBIDDEN, _("Only the estate's convener can bind a flat on site.")),
            )
        found = matches(identity, flat_id=flat.pk)
        if owner_id is not None:
            found = [m for m in found if m.owner.pk == owner_id]
        require(found, InvalidInput(Code.NOT_OWNER, NOT_OWNER))
        match = found[0]
        require(
            not Binding.objects.filter(user=actor, flat=flat, status=Binding.Status.ACTIVE).exists(),
            Conflict(Code.ALREADY_BOUND, _("You have already bound this flat.")),
        )
        try:
            with transaction.atomic():
                binding = Binding.objects.create(
                    user=actor,
                    estate=estate,
                    flat=flat,
                    owner=match.owner,
                    staff=match.staff,
                    verification_id=identity.verification_id,
                    device_hash=device_hash,
                    client_ip=client_ip,
                )
        except IntegrityError as exc:  # a second request raced this one
            raise Conflict(Code.ALREADY_BOUND, _("You have already bound this flat.")) from exc
        record(
            actor=performed_by or actor,
            action="binding.created",
            obj=binding,
            estate_id=estate.pk,
            summary={
                "flat": str(flat),
                "user": actor.pk,
                "owner": match.owner.pk,
                "owner_name": match.owner.name_masked,
                "staff": match.staff.pk if match.staff else None,
                "verification": identity.verification_id,
                "method": identity.method,
                "on_site_by": performed_by.pk if performed_by is not None else None,
            },
        )
        signals.binding_created.send(sender=Binding, binding=binding, actor=performed_by or actor)
    return binding


# --- ending -----------------------------------------------------------------------------------


def _ended(bindings: list[Binding], *, actor, reason: str, note: str) -> None:
    """The audit event of each ended binding, and one message per person (with an SMS copy)."""
    by_user: dict[int, list[Binding]] = defaultdict(list)
    for b in bindings:
        record(
            actor=actor,
            action="binding.ended",
            obj=b,
            estate_id=b.estate_id,
            summary={"flat": str(b.flat), "user": b.user_id, "reason": reason, "note": note},
        )
        by_user[b.user_id].append(b)
    if reason == Binding.EndReason.BY_OWNER:
        return  # the owner did it themself
    link = reverse("bindings:mine")
    # Stored messages are written in the site's language (Chinese), whoever triggered the change.
    with translation.override(settings.LANGUAGE_CODE):
        label = str(Binding.EndReason(reason).label)
        for rows in by_user.values():
            flats = "、".join(f"{b.estate.name} {b.flat}" for b in rows)
            body = gettext("Your binding of %(flats)s has ended: %(reason)s.") % {
                "flats": flats,
                "reason": label,
            }
            if note:
                body += "\n" + gettext("Note: %(note)s") % {"note": note}
            body += "\n" + gettext("If you think this is wrong, contact the convener (owners' committee).")
            notify(
                users=[rows[0].user],
                kind="binding.ended",
                title=gettext("Your flat binding has ended"),
                body=body,
                link=link,
                estate=rows[0].estate,
                sms=True,
                sms_title=sms_titles.BINDING_ENDED,
            )


def end_binding(*, binding: Binding, reason: str, note: str, ended_by) -> Binding:
    """End an active binding for another service (an upheld objection, R-BIND-4). The caller
    holds the transaction and has locked ``binding`` with select_for_update."""
    require(reason in Binding.EndReason.values, InvalidInput(Code.REASON, _("Unknown reason.")))
    require(
        binding.status == Binding.Status.ACTIVE,
        Conflict(Code.NOT_ACTIVE, _("This binding has already ended.")),
    )
    with transaction.atomic():
        binding.status = Binding.Status.ENDED
        binding.ended_at = timezone.now()
        binding.end_reason = reason
        binding.end_note = note or ""
        binding.ended_by = _user_or_none(ended_by)
        binding.save(update_fields=["status", "ended_at", "end_reason", "end_note", "ended_by"])
        _ended([binding], actor=ended_by, reason=reason, note=binding.end_note)
    return binding


def binding_end(*, actor, binding_id: int) -> Binding:
    """The owner ends their own binding. Anybody else's binding is "not found"."""
    with transaction.atomic():
        binding = access_binding(actor, binding_id, need=Need.OWN, lock=True)
        return end_binding(binding=binding, reason=Binding.EndReason.BY_OWNER, note="", ended_by=actor)


def end_for_ownership_changes(*, estate, actor, note: str = "") -> list[Binding]:
    """R-BIND-2 (art. 13): end every active binding of ``estate`` whose owner no longer holds the
    flat in the roster, or whose flat left the roster (OWNERSHIP_CHANGED, with ``note``), and
    every binding by authorised staff whose authorisation is no longer in force
    (AUTHORISATION_ENDED). One query finds them, however large the roster."""
    now = timezone.now()
    note = (note or "").strip()
    current = Ownership.objects.filter(
        flat_id=OuterRef("flat_id"), owner_id=OuterRef("owner_id"), ended_at=None
    )
    staff_ok = AuthorisedStaff.objects.filter(valid_staff_q(), pk=OuterRef("staff_id"))
    changed = ~Exists(current) | Q(flat__removed_at__isnull=False)
    with transaction.atomic():
        found = list(
            Binding.objects.select_for_update(of=("self",))
            .filter(estate=estate, status=Binding.Status.ACTIVE)
            .filter(changed | (Q(staff__isnull=False) & ~Exists(staff_ok)))
            .annotate(changed=ExpressionWrapper(changed, output_field=BooleanField()))
            .select_related("flat", "flat__building", "estate", "user")
            .order_by("pk")
        )
        if not found:
            return []
        by_reason = {
            Binding.EndReason.OWNERSHIP_CHANGED: [b for b in found if b.changed],
            Binding.EndReason.AUTHORISATION_ENDED: [b for b in found if not b.changed],
        }
        ended_by = _user_or_none(actor)
        for reason, rows in by_reason.items():
            if not rows:
                continue
            row_note = note if reason == Binding.EndReason.OWNERSHIP_CHANGED else ""
            Binding.objects.filter(pk__in=[b.pk for b in rows]).update(
                status=Binding.Status.ENDED,
                ended_at=now,
                end_reason=reason,
                end_note=row_note,
                ended_by=ended_by,
            )
            for b in rows:
                b.status, b.ended_at, b.end_reason, b.end_note, b.ended_by = (
                    Binding.Status.ENDED,
                    now,
                    reason,
                    row_note,
                    ended_by,
                )
            _ended(rows, actor=actor, reason=reason, note=row_note)
    return found
