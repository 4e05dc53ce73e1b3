"""Changes to estates and their rosters (R-ROSTER-1..5). Each function is one transaction:
scope and permission check, row lock on the estate, the change, its RosterChange history row
(reason, supporting files, the submitter's real name) and its audit event."""

from __future__ import annotations

import hashlib
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.pii import reveal
from ownervote.audit.services import record
from ownervote.core import crypto, pii
from ownervote.core.bulk import insert_rows
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, require
from ownervote.core.files import Upload
from ownervote.core.files import read as read_file
from ownervote.core.files import store as store_file
from ownervote.core.models import StoredFile
from ownervote.orgs import scoping
from ownervote.orgs.models import Division
from ownervote.rules.counting import FlatFacts, RosterTotals, owner_group, roster_totals

from . import importing
from .errors import Code
from .models import (
    Building,
    Estate,
    Flat,
    ImportBatch,
    Owner,
    Ownership,
    RosterChange,
    SnapshotFlat,
    TotalsSnapshot,
)
from .selectors import changes_for, estate_for
from .signals import roster_changed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_END_REASON = "名册导入：业主变更"
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
REMOVED_END_REASON = "名册导入：专有部分移出名册"


# --- permission helpers -----------------------------------------------------------------------


def _estate_for_change(actor, estate_id: int) -> Estate:
    """The estate, locked for the rest of the transaction, if the actor keeps its roster."""
    estate = estate_for(actor, estate_id)  # 404 when not visible
    require(
        scoping.can_keep_roster(actor, estate),
        Forbidden(Code.FORBIDDEN, _("Only the estate's approved convener can change its roster.")),
    )
    return Estate.objects.select_for_update().get(pk=estate.pk)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    require(reason, InvalidInput(Code.REASON_REQUIRED, _("Give the reason for the change.")))
    return reason


def _change(
    *, estate: Estate, actor, kind: str, reason: str, summary: dict, uploads: Sequence[Upload] = (), stored=()
) -> RosterChange:
    change = RosterChange.objects.create(
        estate=estate,
        kind=kind,
        reason=reason,
        summary=summary,
        submitted_by=actor,
        submitter_real_name=actor.display_name(),
    )
    attached = list(stored) + [store_file(u, uploaded_by=actor) for u in uploads]
    if attached:
        change.files.add(*attached)
    return change


# --- estates ----------------------------------------------------------------------------------


def estate_create(
    *, actor, name: str, street: Division, address: str = "", community: Division | None = None
) -> Estate:
    name = (name or "").strip()
    require(name, InvalidInput(Code.ESTATE_NAME_REQUIRED, _("Enter the estate's name.")))
    require(street.kind == Division.Kind.STREET, InvalidInput(Code.ESTATE_STREET, _("Choose a street.")))
    require(
        scoping.can_create_estate_in(actor, street),
        Forbidden(Code.ESTATE_FORBIDDEN, _("You can only register estates in your own street or district.")),
    )
    if community is not None:
        require(
            community.parent_id == street.pk,
            InvalidInput(Code.ESTATE_COMMUNITY, _("The community must belong to the estate's street.")),
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                estate = Estate.objects.create(
                    name=name, street=street, community=community, address=address.strip()
                )
        except IntegrityError as exc:
            raise Conflict(
                Code.ESTATE_EXISTS, _("An estate of this name already exists in this street.")
            ) from exc
        record(
            actor=actor,
            action="estate.created",
            obj=estate,
            estate_id=estate.pk,
            summary={"name": name, "street": street.name, "community": community.name if community else None},
        )
    return estate


def estate_update(
    *,
    actor,
    estate_id: int,
    reason: str,
    address: str | None = None,
    community_id: int | None = None,
    parking_counts: bool | None = None,
    follow_majority: bool | None = None,
    files: Sequence[Upload] = (),
) -> Estate:
    """Complete the estate's community and address, or change whether parking spaces count
    (R-ROSTER-1, R-ROSTER-5), or whether non-voters count with the majority (随多数, R-TALLY-7);
    the change and its reason are kept (R-ROSTER-2)."""
    reason = _require_reason(reason)
    with transaction.atomic():
        estate = _estate_for_change(actor, estate_id)
        before = {
            "address": estate.address,
            "community": estate.community_id,
            "parking_counts": estate.parking_counts,
            "follow_majority": estate.follow_majority,
        }
        if address is not None:
            estate.address = address.strip()
        if community_id is not None:
            community = Division.objects.filter(
                pk=community_id, kind=Division.Kind.COMMUNITY, parent=estate.street_id
            ).first()
            require(
                community is not None,
                InvalidInput(Code.ESTATE_COMMUNITY, _("The community must belong to the estate's street.")),
            )
            estate.community = community
        if parking_counts is not None:
            estate.parking_counts = parking_counts
        if follow_majority is not None:
            estate.follow_majority = follow_majority
        after = {
            "address": estate.address,
            "community": estate.community_id,
            "parking_counts": estate.parking_counts,
            "follow_majority": estate.follow_majority,
        }
        changed = {k: {"before": before[k], "after": after[k]} for k in before if before[k] != after[k]}
        require(changed, InvalidInput(Code.ESTATE_UNCHANGED, _("Nothing was changed.")))
        estate.save(update_fields=["address", "community", "parking_counts", "follow_majority"])
        change = _change(
            estate=estate,
            actor=actor,
            kind=RosterChange.Kind.SETTINGS,
            reason=reason,
            summary={"changed": changed},
            uploads=files,
        )
        record(
            actor=actor,
            action="estate.updated",
            obj=estate,
            estate_id=estate.pk,
            summary={"changed": changed, "reason": reason, "change": change.pk},
        )
    return estate


# --- the current roster -----------------------------------------------------------------------


@dataclass
class _Current:
    flat_id: int
    building: str
    room: str
    area: Decimal
    area_source: str
    use: str
    owners: dict[str, tuple[int, int, str]]  # id hash -> (ownership id, owner id, share)


def _current_roster(estate: Estate) -> dict[tuple[str, str], _Current]:
    current: dict[tuple[str, str], _Current] = {}
    by_id: dict[int, _Current] = {}
    for f in Flat.objects.filter(estate=estate, removed_at__isnull=True).values_list(
        "id", "building__name", "room", "area", "area_source", "use"
    ):
        c = _Current(f[0], f[1], f[2], f[3], f[4], f[5], {})
        current[(c.building, c.room)] = c
        by_id[c.flat_id] = c
    for oid, flat_id, owner_id, id_hash, share in Ownership.objects.filter(
        flat__estate=estate, flat__removed_at__isnull=True, ended_at__isnull=True
    ).values_list("id", "flat_id", "owner_id", "owner__id_number_hash", "share"):
        by_id[flat_id].owners[id_hash] = (oid, owner_id, share)
    return current


def _digest(current: dict[tuple[str, str], _Current]) -> str:
    h = hashlib.sha256()
    for key in sorted(current):
        c = current[key]
        owners = ",".join(f"{k}:{v[2]}" for k, v in sorted(c.owners.items()))
        h.update(f"{c.building}|{c.room}|{c.area}|{c.area_source}|{c.use}|{owners}\n".encode())
    return h.hexdigest()


def roster_digest(estate: Estate) -> str:
    return _digest(_current_roster(estate))


# --- import -----------------------------------------------------------------------------------


@dataclass
class _Plan:
    added: list[importing.FlatRow]
    changed: list[tuple[_Current, importing.FlatRow, list[str]]]  # fields changed
    owners_changed: list[tuple[_Current, importing.FlatRow]]
    removed: list[_Current]
    unchanged: int

    def counts(self) -> dict:
        return {
            "flats_added": len(self.added),
            "flats_changed": len(self.changed),
            "owners_changed": len(self.owners_changed),
            "flats_removed": len(self.removed),
            "unchanged": self.unchanged,
        }


def _owner_hashes(row: importing.FlatRow) -> dict[str, importing.OwnerRow]:
    return {o.id_hash: o for o in row.owners}


def _plan(current: dict[tuple[str, str], _Current], rows: list[importing.FlatRow]) -> _Plan:
    plan = _Plan([], [], [], [], 0)
    keys = set()
    for row in rows:
        keys.add(row.key)
        cur = current.get(row.key)
        if cur is None:
            plan.added.append(row)
            continue
        fields = [
            f
            for f, new in (("area", row.area), ("area_source", row.area_source), ("use", row.use))
            if getattr(cur, f) != new
        ]
        wanted = {h: o.share for h, o in _owner_hashes(row).items()}
        have = {h: v[2] for h, v in cur.owners.items()}
        if fields:
            plan.changed.append((cur, row, fields))
        if wanted != have:
            plan.owners_changed.append((cur, row))
        if not fields and wanted == have:
            plan.unchanged += 1
    plan.removed = [c for k, c in current.items() if k not in keys]
    return plan


def _sample(plan: _Plan, limit: int = 20) -> list[dict]:
    out: list[dict] = []
    for row in plan.added[:limit]:
        out.append({"change": "added", "building": row.building, "room": row.room, "area": str(row.area)})
    for cur, row, fields in plan.changed[:limit]:
        out.append(
            {
                "change": "changed",
                "building": row.building,
                "room": row.room,
                "fields": {
                    f: {"before": str(getattr(cur, f)), "after": str(getattr(row, f))} for f in fields
                },
            }
        )
    for _cur, row in plan.owners_changed[:limit]:
        out.append(
            {
                "change": "owners",
                "building": row.building,
                "room": row.room,
                "owners_after": [pii.MASKERS["name"](o.name) for o in row.owners],
            }
        )
    for cur in plan.removed[:limit]:
        out.append({"change": "removed", "building": cur.building, "room": cur.room, "area": str(cur.area)})
    return out


def import_preview(*, actor, estate_id: int, upload: Upload) -> ImportBatch:
    """Read and check a roster file and show what applying it would change. Writes nothing to
    the roster: a refused file leaves a refused batch with its row-numbered errors."""
    with transaction.atomic():
        estate = _estate_for_change(actor, estate_id)
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
                current = _current_roster(estate)
                plan = _plan(current, parsed.rows)
                batch.status = ImportBatch.Status.PREVIEWED
                batch.roster_digest = _digest(current)
                batch.diff = {**plan.counts(), "rows": parsed.row_count, "sample": _sample(plan)}
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


def import_discard(*, actor, batch_id: int) -> ImportBatch:
    with transaction.atomic():
        batch = ImportBatch.objects.select_related("estate").filter(pk=batch_id).first()
        require(batch is not None, NotFound(Code.IMPORT_NOT_FOUND, _("Import not found.")))
        _estate_for_change(actor, batch.estate_id)
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        require(
            batch.status == ImportBatch.Status.PREVIEWED,
            Conflict(Code.IMPORT_NOT_PREVIEWED, _("This import can no longer be discarded.")),
        )
        batch.status = ImportBatch.Status.DISCARDED
        batch.save(update_fields=["status"])
        record(
            actor=actor, action="roster.import_discarded", obj=batch, estate_id=batch.estate_id, summary={}
        )
    return batch


def import_apply(*, actor, batch_id: int, reason: str, files: Sequence[Upload] = ()) -> RosterChange:
    """Apply a previewed roster file: all of it or, on any problem, none of it (R-ROSTER-4)."""
    reason = _require_reason(reason)
    with transaction.atomic():
        batch = ImportBatch.objects.filter(pk=batch_id).only("estate_id").first()
        require(batch is not None, NotFound(Code.IMPORT_NOT_FOUND, _("Import not found.")))
        estate = _estate_for_change(actor, batch.estate_id)
        batch = ImportBatch.objects.select_for_update().select_related("file").get(pk=batch_id)
        require(
            batch.status == ImportBatch.Status.PREVIEWED,
            Conflict(Code.IMPORT_NOT_PREVIEWED, _("Only a previewed import without errors can be applied.")),
        )
        current = _current_roster(estate)
        require(
            _digest(current) == batch.roster_digest,
            Conflict(Code.IMPORT_STALE, _("The roster changed after this preview. Upload the file again.")),
        )
        parsed = importing.parse(batch.file.name, read_file(batch.file))
        require(not parsed.errors, Conflict(Code.IMPORT_INVALID, _("The file no longer passes the checks.")))
        plan = _plan(current, parsed.rows)
        _apply_plan(estate, plan, parsed.rows)
        summary = {
            **plan.counts(),
            "rows": parsed.row_count,
            "file": batch.file.name,
            "sha256": batch.file.sha256,
            "sample": _sample(plan),
        }
        change = _change(
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
        batch.save(update_fields=["status", "change"])
        record(
            actor=actor,
            action="roster.import_applied",
            obj=batch,
            estate_id=estate.pk,
            summary={**plan.counts(), "sha256": batch.file.sha256, "reason": reason, "change": change.pk},
        )
        # R-BIND-2 (art. 13): bindings of owners the new roster no longer lists end now, in this
        # transaction, with the change's reason (``bindings`` receives the signal).
        roster_changed.send(sender=Estate, estate=estate, actor=actor, note=reason)
    return change


def _apply_plan(estate: Estate, plan: _Plan, rows: list[importing.FlatRow]) -> None:
    now = timezone.now()
    today = timezone.localdate()

    # Buildings
    buildings = dict(Building.objects.filter(estate=estate).values_list("name", "id"))
    new_buildings = sorted({r.building for r in plan.added} - set(buildings))
    for b in Building.objects.bulk_create([Building(estate=estate, name=n) for n in new_buildings]):
        buildings[b.name] = b.pk

    # Owners: one row per ID number in the estate; names, kinds and mobiles follow the file.
    touched_rows = plan.added + [r for _, r in plan.owners_changed]
    wanted: dict[str, importing.OwnerRow] = {}
    for row in touched_rows:
        wanted.update(_owner_hashes(row))
    existing = {
        o.id_number_hash: o for o in Owner.objects.filter(estate=estate, id_number_hash__in=list(wanted))
    }
    to_create: list[tuple] = []
    to_update = []
    for h, o in wanted.items():
        owner = existing.get(h)
        if owner is None:
            owner = Owner(kind=o.kind)
            pii.seal(owner, "name", o.name)
            pii.seal(owner, "id_number", o.id_number)
            pii.seal(owner, "mobile", o.mobile)
            to_create.append(tuple(getattr(owner, f) for f in _OWNER_COLUMNS[2:]))
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
    Owner.objects.bulk_update(
        to_update,
        ["kind", "name_enc", "name_masked", "name_hash", "mobile_enc", "mobile_masked", "mobile_hash"],
        batch_size=2000,
    )
    owner_ids = dict(
        Owner.objects.filter(estate=estate, id_number_hash__in=list(wanted)).values_list(
            "id_number_hash", "id"
        )
    )

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
        ("estate", "building", "room", "area", "area_source", "use"),
        ((estate.pk, buildings[r.building], r.room, r.area, r.area_source, r.use) for r in plan.added),
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
        for h, o in _owner_hashes(row).items():
            ownerships.append((flat_id, owner_ids[h], o.share, row.valid_from or today, ""))

    # Changed flats
    changed = []
    for cur, row, _fields in plan.changed:
        changed.append(Flat(pk=cur.flat_id, area=row.area, area_source=row.area_source, use=row.use))
    Flat.objects.bulk_update(changed, ["area", "area_source", "use"], batch_size=2000)

    # Changed owners: end the ownerships that are gone, start the new ones, update shares.
    end_ids, share_updates = [], []
    for cur, row in plan.owners_changed:
        new = _owner_hashes(row)
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
    insert_rows(Ownership, ("flat", "owner", "share", "valid_from", "end_reason"), ownerships)


# --- export -----------------------------------------------------------------------------------


def _workbook(rows: list[list], *, instructions: bool) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "业主名册"
    headers = [importing.HEADERS_ZH[k] for k in importing.COLUMNS]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for col, width in zip("ABCDEFGHIJK", (8, 8, 10, 10, 8, 10, 22, 44, 28, 10, 12), strict=True):
        ws.column_dimensions[col].width = width
    # ID numbers and mobiles are text: Excel would otherwise round an 18-digit number.
    for row in ws.iter_rows(min_row=2, min_col=8, max_col=9):
        for cell in row:
            cell.number_format = "@"
    if instructions:
        info = wb.create_sheet("填写说明")
        for line in (
            ["每个专有部分（房屋、车位、商铺）一行；同一楼栋的房号不能重复。"],
            [
                "面积：平方米，最多两位小数；面积来源：产权登记 / 实测 / 合同（按不动产登记簿、实测、合同的先后顺序取得）。"  # noqa: E501 - one message, kept whole for translators
            ],
            ["用途：住宅 / 商业 / 办公 / 车位 / 其他。"],
            ["业主类型：个人 / 单位 / 建设单位（建设单位未出售的部分合计按一人计算）。"],
            ["共有人：业主姓名、证件号码、手机号码、份额用顿号“、”分隔，并保持同一顺序。"],
            ["证件号码：个人填18位居民身份证号码，单位填统一社会信用代码；单元格请设为“文本”格式。"],
        ):
            info.append(line)
        info.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    return _workbook([], instructions=True)


def export_xlsx(*, actor, estate_id: int, reveal: bool = False) -> bytes:
    """The roster as .xlsx in the import format. Personal data is masked unless ``reveal``,
    which only the convener may ask for and which is logged (R-SEC-1)."""
    estate = estate_for(actor, estate_id)
    if reveal:
        require(
            scoping.can_keep_roster(actor, estate),
            Forbidden(
                Code.FORBIDDEN, _("Only the estate's approved convener can export full personal data.")
            ),
        )
    ownerships = defaultdict(list)
    for o in (
        Ownership.objects.filter(flat__estate=estate, flat__removed_at__isnull=True, ended_at__isnull=True)
        .select_related("owner")
        .order_by("id")
    ):
        ownerships[o.flat_id].append(o)
    rows = []
    for flat in (
        Flat.objects.filter(estate=estate, removed_at__isnull=True)
        .select_related("building")
        .order_by("building__name", "room")
    ):
        owners = ownerships.get(flat.pk, [])

        def col(attr: str, owners=owners) -> str:
            if reveal:
                return "、".join(crypto.decrypt_text(getattr(o.owner, f"{attr}_enc")) for o in owners)
            return "、".join(getattr(o.owner, f"{attr}_masked") for o in owners)

        kinds = {importing.OWNER_KIND_LABELS[o.owner.kind] for o in owners}
        rows.append(
            [
                flat.building.name,
                flat.room,
                flat.area,
                importing.AREA_SOURCE_LABELS[flat.area_source],
                importing.USE_LABELS[flat.use],
                kinds.pop()
                if len(kinds) == 1
                else "、".join(importing.OWNER_KIND_LABELS[o.owner.kind] for o in owners),
                col("name"),
                col("id_number"),
                col("mobile"),
                "、".join(o.share for o in owners) if any(o.share for o in owners) else "",
                min((o.valid_from for o in owners), default=None),
            ]
        )
    if reveal:
        with transaction.atomic():
            record(
                actor=actor,
                action="pii.read",
                obj=estate,
                estate_id=estate.pk,
                summary={
                    "purpose": "roster export",
                    "fields": ["name", "id_number", "mobile"],
                    "flats": len(rows),
                },
            )
    return _workbook(rows, instructions=False)


def owner_reveal(*, actor, owner_id: int, field: str) -> str:
    require(field in ("name", "id_number", "mobile"), InvalidInput(Code.OWNER_FIELD, _("Unknown field.")))
    owner = Owner.objects.filter(pk=owner_id).first()
    require(owner is not None, NotFound(Code.OWNER_NOT_FOUND, _("Owner not found.")))
    estate = estate_for(actor, owner.estate_id)
    require(
        scoping.can_keep_roster(actor, estate),
        Forbidden(Code.FORBIDDEN, _("Only the estate's approved convener can see full personal data.")),
    )
    return reveal(owner, field, actor=actor, purpose="roster", estate_id=estate.pk)


# --- totals -----------------------------------------------------------------------------------


def _facts(estate: Estate) -> list[FlatFacts]:
    owners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for flat_id, owner_id, kind in Ownership.objects.filter(
        flat__estate=estate, flat__removed_at__isnull=True, ended_at__isnull=True
    ).values_list("flat_id", "owner_id", "owner__kind"):
        owners[flat_id].append((owner_id, kind))
    facts = []
    for flat_id, area, use in Flat.objects.filter(estate=estate, removed_at__isnull=True).values_list(
        "id", "area", "use"
    ):
        held = owners.get(flat_id, [])
        facts.append(
            FlatFacts(
                flat_id=flat_id,
                area=area,
                owner_keys=frozenset(str(o) for o, _ in held),
                developer=bool(held) and all(k == Owner.Kind.DEVELOPER for _, k in held),
                parking=use == Flat.Use.PARKING,
            )
        )
    return facts


def totals_current(*, actor, estate_id: int) -> RosterTotals:
    estate = estate_for(actor, estate_id)
    return roster_totals(_facts(estate), parking_counts=estate.parking_counts)


def totals_confirm(*, actor, estate_id: int, reason: str, files: Sequence[Upload] = ()) -> TotalsSnapshot:
    """The convener confirms the total owners and total voting rights as a dated snapshot that
    meetings refer to (R-ROSTER-1, R-ROSTER-3, R-ROSTER-5)."""
    reason = _require_reason(reason)
    with transaction.atomic():
        estate = _estate_for_change(actor, estate_id)
        require(
            estate.community_id,
            Conflict(
                Code.TOTALS_COMMUNITY_MISSING,
                _("Complete the estate's community before confirming the totals."),
            ),
        )
        facts = _facts(estate)
        require(
            facts,
            Conflict(
                Code.TOTALS_EMPTY_ROSTER, _("The roster is empty: import it before confirming the totals.")
            ),
        )
        totals = roster_totals(facts, parking_counts=estate.parking_counts)
        summary = {
            "total_area": str(totals.area),
            "total_owners": totals.owners,
            "total_flats": totals.flats,
            "parking_counts": totals.parking_counts,
        }
        change = _change(
            estate=estate,
            actor=actor,
            kind=RosterChange.Kind.TOTALS,
            reason=reason,
            summary=summary,
            uploads=files,
        )
        snapshot = TotalsSnapshot.objects.create(
            estate=estate,
            total_area=totals.area,
            total_owners=totals.owners,
            total_flats=totals.flats,
            parking_counts=totals.parking_counts,
            roster_digest=roster_digest(estate),
            confirmed_by=actor,
            change=change,
        )
        counted = [f for f in facts if totals.parking_counts or not f.parking]
        SnapshotFlat.objects.bulk_create(
            [
                SnapshotFlat(snapshot=snapshot, flat_id=f.flat_id, area=f.area, owner_group=owner_group(f))
                for f in counted
            ],
            batch_size=2000,
        )
        record(
            actor=actor,
            action="roster.totals_confirmed",
            obj=snapshot,
            estate_id=estate.pk,
            summary={**summary, "reason": reason, "change": change.pk},
        )
    return snapshot


# --- single flats -----------------------------------------------------------------------------


def flat_update(
    *,
    actor,
    flat_id: int,
    reason: str,
    area: Decimal | None = None,
    area_source: str | None = None,
    use: str | None = None,
    files: Sequence[Upload] = (),
) -> Flat:
    reason = _require_reason(reason)
    with transaction.atomic():
        flat = Flat.objects.filter(pk=flat_id, removed_at__isnull=True).first()
        require(flat is not None, NotFound(Code.FLAT_NOT_FOUND, _("Flat not found.")))
        estate = _estate_for_change(actor, flat.estate_id)
        flat = Flat.objects.select_for_update().select_related("building").get(pk=flat_id)
        changed = {}
        if area is not None:
            area = Decimal(area)
            require(
                area > 0 and area.as_tuple().exponent >= -2,
                InvalidInput(Code.FLAT_AREA, _("Area must be greater than 0 with at most 2 decimals.")),
            )
            if area != flat.area:
                changed["area"] = {"before": str(flat.area), "after": str(area)}
                flat.area = area
        if area_source is not None:
            require(
                area_source in Flat.AreaSource.values,
                InvalidInput(Code.FLAT_AREA_SOURCE, _("Unknown area source.")),
            )
            if area_source != flat.area_source:
                changed["area_source"] = {"before": flat.area_source, "after": area_source}
                flat.area_source = area_source
        if use is not None:
            require(use in Flat.Use.values, InvalidInput(Code.FLAT_USE, _("Unknown use.")))
            if use != flat.use:
                changed["use"] = {"before": flat.use, "after": use}
                flat.use = use
        require(changed, InvalidInput(Code.FLAT_UNCHANGED, _("Nothing was changed.")))
        flat.save(update_fields=["area", "area_source", "use"])
        summary = {"flat": str(flat), "changed": changed}
        change = _change(
            estate=estate,
            actor=actor,
            kind=RosterChange.Kind.EDIT,
            reason=reason,
            summary=summary,
            uploads=files,
        )
        record(
            actor=actor,
            action="roster.flat_updated",
            obj=flat,
            estate_id=estate.pk,
            summary={**summary, "reason": reason, "change": change.pk},
        )
    return flat


def change_file_read(*, actor, estate_id: int, change_id: int, file_id: int) -> tuple[StoredFile, bytes]:
    """A supporting file of a roster change, for anyone who can see the estate; the read is
    written to the audit log (the files can hold personal data)."""
    change = changes_for(actor, estate_id).filter(pk=change_id).first()
    stored = change.files.filter(pk=file_id).first() if change else None
    require(stored is not None, NotFound(Code.FILE_NOT_FOUND, _("File not found.")))
    with transaction.atomic():
        record(
            actor=actor,
            action="file.read",
            obj=stored,
            estate_id=change.estate_id,
            summary={"purpose": "roster change", "change": change.pk, "name": stored.name},
        )
        content = read_file(stored)
    return stored, content
