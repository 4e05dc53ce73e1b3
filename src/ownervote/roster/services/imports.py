"""A roster file, in three steps (R-ROSTER-4): preview (read, check, compare with the roster; writes
nothing to it), then apply (all of it or, on any problem, none of it, under the submitter's real
name and reason) or discard."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import pii
from ownervote.core.bulk import insert_rows
from ownervote.core.errors import Conflict, require
from ownervote.core.files import Upload
from ownervote.core.files import read as read_file
from ownervote.core.files import store as store_file
from ownervote.core.sorting import flat_key
from ownervote.rules import rosterimport

from .. import importing, markup
from ..access import Need, access_estate, access_import
from ..errors import Code
from ..models import Building, Estate, Flat, ImportBatch, Owner, Ownership, RosterChange
from ..signals import flats_with_running_ballots, roster_changed
from .current import current_roster, digest
from .history import record_change, require_reason
from .plan import Plan, guard_for, owner_hashes, plan_for, sample

IMPORT_END_REASON = "名册导入：业主变更"
REMOVED_END_REASON = "名册导入：专有部分移出名册"
_OWNER_COLUMNS = (
    "estate",
    "created_at",
    "kind",
    "name_enc",
    "name_masked",
    "name_hash",
    "id_number_enc",
    "id_number_masked",
    "id_number_hash",
    "mobile_enc",
    "mobile_masked",
    "mobile_hash",
)

_OWNER_UPDATED = [
    "kind",
    "name_enc",
    "name_masked",
    "name_hash",
    "mobile_enc",
    "mobile_masked",
    "mobile_hash",
]


def import_preview(*, actor, estate_id: int, upload: Upload) -> ImportBatch:
    """Read and check a roster file and show what applying it would change. Writes nothing to
    the roster: a refused file leaves a refused batch with its row-numbered errors."""
    with transaction.atomic():
        estate = access_estate(actor, estate_id, need=Need.CHANGE, lock=True)
        stored = store_file(upload, uploaded_by=actor)
        batch = ImportBatch(estate=estate, file=stored, created_by=actor)
        try:
            parsed = importing.parse(upload.name, upload.content)
        except importing.UnreadableFile as exc:
            batch.status = ImportBatch.Status.REFUSED
            batch.errors = [
                {
                    "row": 1 if "column" in exc.code else 0,
                    "column": "",
                    "code": exc.code,
                    "message": exc.message,
                }
            ]
        else:
            batch.row_count = parsed.row_count
            if parsed.errors:
                batch.status = ImportBatch.Status.REFUSED
                batch.errors = sorted(parsed.errors, key=lambda e: (e["row"], e["column"]))
                if parsed.truncated:
                    batch.errors.append(
                        {
                            "row": 0,
                            "column": "",
                            "code": Code.TOO_MANY_ERRORS,
                            "message": str(
                                _("Only the first %(n)d problems are listed.") % {"n": importing.MAX_ERRORS}
                            ),
                        }
                    )
            else:
                _compare(batch, estate, parsed)
        batch.save()
        record(
            actor=actor,
            action="roster.import_previewed",
            obj=batch,
            estate_id=estate.pk,
            summary={
                "file": stored.name,
                "sha256": stored.sha256,
                "status": batch.status,
                "rows": batch.row_count,
                "errors": len(batch.errors),
            },
        )
    return batch


def _compare(batch: ImportBatch, estate: Estate, parsed: importing.ParseResult) -> None:
    """A file that passed the checks, compared with the roster: previewed with what it would
    change and the confirmation that needs, or refused when it is obviously part of the roster."""
    current = current_roster(estate)
    plan = plan_for(current, parsed.rows)
    guard = guard_for(current, plan, flats_with_running_ballots(estate))
    batch.roster_digest = digest(current)
    batch.diff = {**plan.counts(), "rows": parsed.row_count, "sample": sample(plan), "guard": guard}
    if guard["level"] == rosterimport.REFUSE:
        batch.status = ImportBatch.Status.REFUSED
        batch.errors = [
            {"row": 0, "column": "", "code": Code.IMPORT_PARTIAL, "message": partial_message(guard)}
        ]
    else:
        batch.status = ImportBatch.Status.PREVIEWED
        batch.rows_sealed = importing.seal_rows(parsed.rows)


def partial_message(guard: dict) -> str:
    return str(
        _(
            "The file would remove %(removed)d of the roster's %(total)d exclusive parts: it holds only "
            "part of the roster. Upload the whole roster, one row for every exclusive part. To remove "
            "more than half of the roster on purpose, do it in steps of at most half, each confirmed."
        )
        % {"removed": guard["flats_removed"], "total": guard["roster_flats"]}
    )


def guard_messages(guard: dict) -> list[str]:
    """Why an import needs a typed confirmation, one sentence a reason."""
    messages = []
    for reason in guard.get("reasons", ()):
        if reason == rosterimport.LARGE_SHARE:
            messages.append(
                _("It removes or changes %(n)d of the roster's %(total)d exclusive parts (more than 10%%).")
                % {"n": guard["affected"], "total": guard["roster_flats"]}
            )
        elif reason == rosterimport.BUILDINGS_REMOVED:
            messages.append(
                _("Every exclusive part of %(buildings)s leaves the roster.")
                % {"buildings": "、".join(guard["buildings_removed"])}
            )
        elif reason == rosterimport.BALLOTS:
            messages.append(
                _("%(n)d of them hold a ballot of a meeting that is still voting.")
                % {"n": guard["flats_with_ballots"]}
            )
    return [str(m) for m in messages]


def _require_confirmation(guard: dict, confirm: str) -> None:
    """Issue 22: a large or risky import applies only with the typed number of flats it removes
    or changes; an obviously partial file never."""
    if guard["level"] == rosterimport.REFUSE:
        raise Conflict(Code.IMPORT_PARTIAL, partial_message(guard), details=guard)
    if guard["level"] == rosterimport.CONFIRM and (confirm or "").strip() != str(guard["affected"]):
        message = _(
            "This import removes %(removed)d and changes %(changed)d exclusive parts. %(why)s To apply it, "
            "type the number of exclusive parts it removes or changes: %(n)d."
        ) % {
            "removed": guard["flats_removed"],
            "changed": guard["flats_touched"],
            "why": " ".join(guard_messages(guard)),
            "n": guard["affected"],
        }
        raise Conflict(Code.IMPORT_CONFIRMATION_REQUIRED, str(message), details=guard)


def import_errors_xlsx(*, actor, batch_id: int) -> bytes:
    """A refused file given back to whoever may import it, every problem of every row marked on
    their own file (issue 22): not only the first problems the preview lists. Logged: the file
    holds personal data."""
    with transaction.atomic():
        batch = access_import(actor, batch_id, need=Need.CHANGE)
        require(
            batch.status == ImportBatch.Status.REFUSED,
            Conflict(Code.IMPORT_NOT_REFUSED, _("Only a refused file has problems to mark.")),
        )
        content = read_file(batch.file)
        try:
            parsed = importing.parse(batch.file.name, content, max_errors=None)
        except importing.UnreadableFile as exc:  # nothing to mark cell by cell: the reason stands
            raise Conflict(exc.code, exc.message) from exc
        out = markup.marked_up(batch.file.name, content, parsed.errors)
        record(
            actor=actor,
            action="roster.import_errors_downloaded",
            obj=batch,
            estate_id=batch.estate_id,
            summary={"sha256": batch.file.sha256, "errors": len(parsed.errors)},
        )
    return out


def import_discard(*, actor, batch_id: int) -> ImportBatch:
    with transaction.atomic():
        batch = access_import(actor, batch_id, need=Need.CHANGE, lock=True)
        require(
            batch.status == ImportBatch.Status.PREVIEWED,
            Conflict(Code.IMPORT_NOT_PREVIEWED, _("This import can no longer be discarded.")),
        )
        batch.status = ImportBatch.Status.DISCARDED
        batch.rows_sealed = b""
        batch.save(update_fields=["status", "rows_sealed"])
        record(
            actor=actor, action="roster.import_discarded", obj=batch, estate_id=batch.estate_id, summary={}
        )
    return batch


def import_apply(
    *, actor, batch_id: int, reason: str, files: Sequence[Upload] = (), confirm: str = ""
) -> RosterChange:
    """Apply a previewed roster file: all of it or, on any problem, none of it (R-ROSTER-4).
    ``confirm``: the number of flats it removes or changes, typed by the user, when it removes or
    changes more than a tenth of the roster, a whole building, or a flat with a ballot of a meeting
    still voting (issue 22, ``rules.rosterimport``)."""
    reason = require_reason(reason)
    with transaction.atomic():
        batch = access_import(actor, batch_id, need=Need.CHANGE, lock=True)
        estate = batch.estate
        require(
            batch.status == ImportBatch.Status.PREVIEWED,
            Conflict(Code.IMPORT_NOT_PREVIEWED, _("Only a previewed import without errors can be applied.")),
        )
        current = current_roster(estate)
        require(
            digest(current) == batch.roster_digest,
            Conflict(Code.IMPORT_STALE, _("The roster changed after this preview. Upload the file again.")),
        )
        plan = plan_for(current, _checked_rows(batch))
        guard = guard_for(current, plan, flats_with_running_ballots(estate))
        _require_confirmation(guard, confirm)
        _apply_plan(estate, plan)
        summary = {
            **plan.counts(),
            "rows": batch.row_count,
            "file": batch.file.name,
            "sha256": batch.file.sha256,
            "sample": sample(plan),
        }
        change = record_change(
            estate=estate,
            actor=actor,
            kind=RosterChange.Kind.IMPORT,
            reason=reason,
            summary=summary,
            uploads=files,
            stored=[batch.file],
        )
        batch.status = ImportBatch.Status.APPLIED
        batch.change = change
        batch.rows_sealed = b""  # the file stays, as the change's evidence
        batch.save(update_fields=["status", "change", "rows_sealed"])
        record(
            actor=actor,
            action="roster.import_applied",
            obj=batch,
            estate_id=estate.pk,
            summary={
                **plan.counts(),
                "sha256": batch.file.sha256,
                "reason": reason,
                "change": change.pk,
                "confirmed": guard["affected"] if guard["level"] == rosterimport.CONFIRM else None,
            },
        )
        # R-BIND-2 (art. 13): bindings of owners the new roster no longer lists end now, in this
        # transaction, with the change's reason (``bindings`` receives the signal).
        roster_changed.send(sender=Estate, estate=estate, actor=actor, note=reason)
    return change


def _checked_rows(batch: ImportBatch) -> list[importing.FlatRow]:
    """The rows the preview checked, kept with the batch (a batch previewed before they were kept:
    its file, read and checked again)."""
    if batch.rows_sealed:
        return importing.open_rows(batch.rows_sealed)
    parsed = importing.parse(batch.file.name, read_file(batch.file))
    require(not parsed.errors, Conflict(Code.IMPORT_INVALID, _("The file no longer passes the checks.")))
    return parsed.rows


def _apply_plan(estate: Estate, plan: Plan) -> None:
    """Write the plan to the roster in bulk: buildings, owners, removed, new and changed flats,
    ended, started and re-shared ownerships."""
    now = timezone.now()
    today = timezone.localdate()
    buildings = _buildings(estate, plan)
    owner_ids = _owners(estate, plan, now)

    # Flats removed from the roster keep their history.
    removed_ids = [c.flat_id for c in plan.removed]
    if removed_ids:
        Ownership.objects.filter(flat_id__in=removed_ids, ended_at__isnull=True).update(
            ended_at=now, end_reason=REMOVED_END_REASON
        )
        Flat.objects.filter(pk__in=removed_ids).update(removed_at=now)

    # New flats
    insert_rows(
        Flat,
        ("estate", "building", "room", "area", "area_source", "use", "sort_key"),
        (
            (
                estate.pk,
                buildings[r.building],
                r.room,
                r.area,
                r.area_source,
                r.use,
                flat_key(r.building, r.room),
            )
            for r in plan.added
        ),
    )
    flat_ids = {
        (b, r): pk
        for b, r, pk in Flat.objects.filter(estate=estate, removed_at__isnull=True).values_list(
            "building__name", "room", "id"
        )
    }
    ownerships: list[tuple] = []
    for row in plan.added:
        flat_id = flat_ids[row.key]
        for h, o in owner_hashes(row).items():
            ownerships.append((flat_id, owner_ids[h], o.share, row.valid_from or today, ""))

    # Changed flats
    changed = []
    for cur, row, _fields in plan.changed:
        changed.append(Flat(pk=cur.flat_id, area=row.area, area_source=row.area_source, use=row.use))
    Flat.objects.bulk_update(changed, ["area", "area_source", "use"], batch_size=2000)

    ownerships += _change_owners(plan, owner_ids, now, today)
    insert_rows(Ownership, ("flat", "owner", "share", "valid_from", "end_reason"), ownerships)


def _buildings(estate: Estate, plan: Plan) -> dict[str, int]:
    """Every building the roster will have, by name (the new ones created)."""
    buildings = dict(Building.objects.filter(estate=estate).values_list("name", "id"))
    new_buildings = sorted({r.building for r in plan.added} - set(buildings))
    for b in Building.objects.bulk_create([Building(estate=estate, name=n) for n in new_buildings]):
        buildings[b.name] = b.pk
    return buildings


def _owners(estate: Estate, plan: Plan, now) -> dict[str, int]:
    """Owners: one row per ID number in the estate; names, kinds and mobiles follow the file.
    Returns the id of each owner the plan names, by the hash of their ID number."""
    touched_rows = plan.added + [r for _, r in plan.owners_changed]
    wanted: dict[str, importing.OwnerRow] = {}
    for row in touched_rows:
        wanted.update(owner_hashes(row))
    # The estate's owners read whole and matched here: an IN list of 20,000 hashes costs more.
    existing = {
        o.id_number_hash: o
        for o in Owner.objects.filter(estate=estate).only("id_number_hash", *_OWNER_UPDATED)
        if o.id_number_hash in wanted
    }
    to_create: list[tuple] = []
    to_update = []
    for h, o in wanted.items():
        owner = existing.get(h)
        if owner is None:  # sealed straight into the row: no model instance per owner
            to_create.append(
                (
                    o.kind,
                    *pii.sealed("name", o.name),
                    *pii.sealed("id_number", o.id_number, hashed=h),
                    *pii.sealed("mobile", o.mobile),
                )
            )
        elif (
            owner.name_hash != pii.lookup("name", o.name)
            or owner.kind != o.kind
            or (o.mobile and owner.mobile_hash != pii.lookup("mobile", o.mobile))
        ):
            owner.kind = o.kind
            pii.seal(owner, "name", o.name)
            if o.mobile:
                pii.seal(owner, "mobile", o.mobile)
            to_update.append(owner)
    insert_rows(Owner, _OWNER_COLUMNS, ((estate.pk, now, *row) for row in to_create))
    Owner.objects.bulk_update(to_update, _OWNER_UPDATED, batch_size=2000)
    return {
        h: pk
        for h, pk in Owner.objects.filter(estate=estate).values_list("id_number_hash", "id")
        if h in wanted
    }


def _change_owners(plan: Plan, owner_ids: dict[str, int], now, today) -> list[tuple]:
    """Changed owners: end the ownerships that are gone and update shares; returns the
    ownerships to start."""
    ownerships: list[tuple] = []
    end_ids, share_updates = [], []
    for cur, row in plan.owners_changed:
        new = owner_hashes(row)
        for h, (oid, _owner_id, share) in cur.owners.items():
            if h not in new:
                end_ids.append(oid)
            elif new[h].share != share:
                share_updates.append(Ownership(pk=oid, share=new[h].share))
        for h, o in new.items():
            if h not in cur.owners:
                ownerships.append((cur.flat_id, owner_ids[h], o.share, row.valid_from or today, ""))
    if end_ids:
        Ownership.objects.filter(pk__in=end_ids).update(ended_at=now, end_reason=IMPORT_END_REASON)
    Ownership.objects.bulk_update(share_updates, ["share"], batch_size=2000)
    return ownerships
