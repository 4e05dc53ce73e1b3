"""Helpers for tests about owners: a roster imported into an estate, verified people and their
bindings, made directly (the services that make them are tested on their own)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ownervote.bindings.models import Binding
from ownervote.core import pii
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.roster import services as roster_services
from ownervote.roster.models import Flat, Owner, TotalsSnapshot
from ownervote.verification import consent
from ownervote.verification.models import Method, Verification, VerifiedIdentity

from .rosterfiles import roster_csv, small_roster


def import_roster(estate, convener, rows: list[list] | None = None) -> dict[str, Flat]:
    """Import ``rows`` (default: the small roster) into ``estate``; flats by "building-room"."""
    batch = roster_services.import_preview(
        actor=convener, estate_id=estate.pk, upload=roster_csv(rows or small_roster())
    )
    assert batch.status == "previewed", batch.errors
    roster_services.import_apply(actor=convener, batch_id=batch.pk, reason="初次导入")
    return {str(f): f for f in Flat.objects.filter(estate=estate).select_related("building")}


def verified_person(mobile: str, name: str, id_number: str, *, method: str = Method.SELF_SERVICE):
    """An owner account for ``mobile`` verified as ``name`` / ``id_number`` (self-service)."""
    with transaction.atomic():
        user = owner_account_for_mobile(mobile)
        v = Verification(
            user=user, method=method, status=Verification.Status.PASSED, finished_at=timezone.now()
        )
        for attr, value in (("name", name), ("id_number", id_number), ("mobile", mobile)):
            pii.seal(v, attr, value)
        v.save()
        identity = VerifiedIdentity(user=user, method=method, verification=v, verified_at=timezone.now())
        pii.seal(identity, "name", name)
        pii.seal(identity, "id_number", id_number)
        identity.save()
    return user


def face_consent(user, decision: str = "given"):
    """``user``'s decision on the current notice on face recognition (R-SEC-7): self-service
    verification starts only under a consent."""
    return consent.face_consent_decide(actor=user, decision=decision, version=consent.FACE_CONSENT_VERSION)


def bind(user, flat: Flat) -> Binding:
    """An active binding of ``user`` to ``flat`` as the roster owner with the user's ID number."""
    identity = user.verified_identity
    owner = Owner.objects.get(estate_id=flat.estate_id, id_number_hash=identity.id_number_hash)
    return Binding.objects.create(
        user=user, estate_id=flat.estate_id, flat=flat, owner=owner, verification=identity.verification
    )


def confirm_totals(estate, convener, *, reason: str = "核对确认业主总人数和总投票权数"):
    """The estate's totals confirmed by ``convener`` (R-ROSTER-1: a meeting is entered only on
    confirmed totals, and voting opens only while they match the roster), importing the small roster
    first when the estate has none. Returns the snapshot."""
    if not Flat.objects.filter(estate=estate).exists():
        import_roster(estate, convener)
    return roster_services.totals_confirm(actor=convener, estate_id=estate.pk, reason=reason)


def ensure_totals(estate, convener):
    """``confirm_totals`` unless the estate's latest confirmed totals still match the roster."""
    latest = TotalsSnapshot.objects.filter(estate=estate).order_by("-confirmed_at", "-id").first()
    if latest is not None and not roster_services.totals_check(estate).stale:
        return latest
    return confirm_totals(estate, convener)
