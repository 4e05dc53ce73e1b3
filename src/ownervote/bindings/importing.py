"""Moving a city over (R-DATA-1): the verified owners and bindings of the platform a city ran
before come in with their provenance, so that no owner verifies again.

``bindings_import`` takes the parsed records (``importfile``) and imports them ALL OR NOTHING PER
ESTATE: an estate with any bad record imports nothing and the summary lists every problem of every
record; the other estates go in, each in its own transaction with its own audit event. For each
record the flat must be in the estate's roster and the person (ID number and name) one of its
current owners. The person's account is the one already verified as them, else the one holding the
mobile number, else a new account for that number (as ``identity.accounts`` would create it); the
former platform's verification becomes an imported ``Verification`` (its method and day as it
recorded them) and, when the account has none yet, the person's ``VerifiedIdentity``; then the
binding, marked with the provenance and the former platform's id. The days the former platform
recorded stay the days of the verification and the binding, so an owner's standing for electronic
voting (art. 18) carries over. Nobody is notified: nothing changed for the owner.

Idempotent: a record whose (source, external_ref) was imported before changes nothing (and one
that now names another flat or person is an error). Who may import: the city operator (city
housing and construction bureau), for any estate of its city; a district bureau or a street office
may not (a migration is one decision for the whole city, and one accountable body makes it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import pii
from ownervote.core.bulk import insert_rows
from ownervote.core.errors import Forbidden, require
from ownervote.orgs import scoping
from ownervote.roster.models import Estate, Flat, Owner, Ownership
from ownervote.verification.models import IMPORTED, Verification, VerifiedIdentity

from . import importfile
from .errors import Code
from .importfile import ImportRow, ParsedRow, RowError
from .models import Binding

CHUNK = 5000
# ``.exclude(provenance="")`` repeats the partial unique index's condition word for word, so that
# SQLite uses the index for (provenance, external_ref) lookups (it does not infer it from "=").


@dataclass
class EstateResult:
    """What happened to one estate of the file: ``imported``, ``would_import`` (dry run) or
    ``failed`` (nothing of it imported; ``errors`` says why, every problem of every record)."""

    key: str
    estate_id: int | None = None
    estate_name: str = ""
    rows: int = 0
    status: str = ""
    created: int = 0
    unchanged: int = 0
    already_bound: int = 0
    new_accounts: int = 0
    identities: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "estate": self.key,
            "estate_id": self.estate_id,
            "estate_name": self.estate_name,
            "rows": self.rows,
            "status": self.status,
            "created": self.created,
            "unchanged": self.unchanged,
            "already_bound": self.already_bound,
            "new_accounts": self.new_accounts,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class ImportSummary:
    source: str
    dry_run: bool
    rows: int = 0
    estates: list[EstateResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(e.status != "failed" for e in self.estates)

    def as_dict(self) -> dict:
        count = defaultdict(int)
        for e in self.estates:
            count[e.status] += 1
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "rows": self.rows,
            "estates_imported": count["imported"] + count["would_import"],
            "estates_failed": count["failed"],
            "created": sum(e.created for e in self.estates),
            "unchanged": sum(e.unchanged for e in self.estates),
            "already_bound": sum(e.already_bound for e in self.estates),
            "new_accounts": sum(e.new_accounts for e in self.estates),
            "estates": [e.as_dict() for e in self.estates],
        }


def can_import(actor) -> bool:
    """Only the city operator imports another platform's bindings (see the module docstring)."""
    return getattr(actor, "is_authenticated", False) and scoping.is_city_operator(actor)


def forbidden() -> Forbidden:
    return Forbidden(
        Code.IMPORT_FORBIDDEN, _("Only the city housing and construction bureau imports bindings.")
    )


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_default_timezone())


def _chunks(values: list) -> Iterable[list]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


class _Hashes:
    """Keyed lookup hashes, each value computed once."""

    def __init__(self):
        self.cache: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, value: str) -> str:
        key = (kind, value)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = pii.lookup(kind, value)
        return found


# --- the service ------------------------------------------------------------------------------


def bindings_import(
    *,
    actor,
    rows: Iterable[ParsedRow],
    source: str,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    file_sha256: str = "",
) -> ImportSummary:
    """Import the parsed records of the former platform ``source`` (R-DATA-1), all or nothing per
    estate. ``dry_run`` checks everything and writes nothing. Returns the per-estate summary.
    ``file_sha256``: the digest of the file the rows came from, kept in each estate's audit event."""
    require(can_import(actor), forbidden())
    source = importfile.check_source(source)
    now = now or timezone.now()
    summary = ImportSummary(source=source, dry_run=dry_run)
    groups: dict[str, list[ParsedRow]] = {}
    for parsed in rows:
        summary.rows += 1
        groups.setdefault(parsed.estate_key, []).append(parsed)
    hashes = _Hashes()
    file_errors = _file_wide_errors(groups, hashes)
    estates = _estates(actor, groups)
    for key, parsed_rows in groups.items():
        result = EstateResult(key=key, rows=len(parsed_rows))
        summary.estates.append(result)
        for p in parsed_rows:
            result.errors.extend(p.errors)
            result.errors.extend(file_errors.get(p.row, []))
        estate = estates.get(key)
        if estate is None:
            result.errors.extend(
                RowError(
                    p.row,
                    "estate_id",
                    Code.IMPORT_ESTATE_UNKNOWN,
                    _("No estate of your city has this number, or this name in this street."),
                )
                for p in parsed_rows
            )
            result.errors.sort(key=lambda e: e.row)
            result.status = "failed"
            continue
        result.estate_id, result.estate_name = estate.pk, estate.name
        records = [p.record for p in parsed_rows if p.record is not None]
        try:
            with transaction.atomic():
                Estate.objects.select_for_update().filter(pk=estate.pk).first()
                plan = _plan(estate, records, source=source, hashes=hashes, result=result)
                result.errors.sort(key=lambda e: e.row)
                if result.errors:
                    result.status = "failed"
                elif dry_run:
                    result.status = "would_import"
                else:
                    _write(estate, plan, source=source, actor=actor, now=now, hashes=hashes, result=result)
                    _audit(estate, source=source, actor=actor, result=result, file_sha256=file_sha256)
                    result.status = "imported"
        except IntegrityError:  # somebody bound or imported the same at this very moment
            result.status = "failed"
            result.created = 0
            result.errors.append(
                RowError(
                    0, "", Code.IMPORT_DUPLICATE, _("The estate changed while importing: import it again.")
                )
            )
    return summary


def bindings_import_file(
    *,
    actor,
    content: bytes,
    name: str = "",
    content_type: str = "",
    source: str = "",
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> ImportSummary:
    """``bindings_import`` of a CSV or JSON file (docs/import-format.md). ``source`` may come from
    the JSON object's ``"source"`` instead. A file that cannot be read at all is InvalidInput."""
    require(can_import(actor), forbidden())
    now = now or timezone.now()
    kind = importfile.kind_of(name, content_type, content[:64])
    raw, file_source = importfile.records(content, kind=kind)
    source = source or file_source
    importfile.check_source(source)
    today = timezone.localdate(now)
    # The CSV is read to its end before anything is written: a broken line refuses the whole file.
    parsed = list(importfile.parse(raw, today=today))
    return bindings_import(
        actor=actor,
        rows=parsed,
        source=source,
        dry_run=dry_run,
        now=now,
        file_sha256=hashlib.sha256(content).hexdigest(),
    )


# --- checking ---------------------------------------------------------------------------------


def _file_wide_errors(groups: dict[str, list[ParsedRow]], hashes: _Hashes) -> dict[int, list[RowError]]:
    """Problems that span records: one external_ref twice; one mobile number given for two
    different people (an account is reached through its mobile: each person needs their own)."""
    by_ref: dict[str, list[int]] = defaultdict(list)
    people_of_mobile: dict[str, set[str]] = defaultdict(set)
    rows_of_mobile: dict[str, list[int]] = defaultdict(list)
    for parsed_rows in groups.values():
        for p in parsed_rows:
            if p.record is None:
                continue
            by_ref[p.record.external_ref].append(p.row)
            people_of_mobile[p.record.mobile].add(p.record.id_number)
            rows_of_mobile[p.record.mobile].append(p.row)
    errors: dict[int, list[RowError]] = defaultdict(list)
    for rows in by_ref.values():
        if len(rows) > 1:
            for row in rows:
                errors[row].append(
                    RowError(
                        row,
                        "external_ref",
                        Code.IMPORT_DUPLICATE,
                        _("This reference appears on several records (%(rows)s).")
                        % {"rows": ", ".join(map(str, rows))},
                    )
                )
    for mobile, people in people_of_mobile.items():
        if len(people) > 1:
            rows = rows_of_mobile[mobile]
            for row in rows:
                errors[row].append(
                    RowError(
                        row,
                        "mobile",
                        Code.IMPORT_MOBILE_SHARED,
                        _(
                            "This mobile number is given for different people (records %(rows)s): each "
                            "owner signs in with their own number."
                        )
                        % {"rows": ", ".join(map(str, rows))},
                    )
                )
    return errors


def _estates(actor, groups: dict[str, list[ParsedRow]]) -> dict[str, Estate]:
    """The estates the file names, among those the actor's city holds, by the file's key."""
    visible = Estate.objects.filter(scoping.estate_scope(actor))
    # By the file's key, for records with problems too: their estate is named all the same.
    ids, names = set(), set()
    for key in groups:
        if key.startswith("#") and key[1:].isdigit():
            ids.add(int(key[1:]))
        elif "/" in key:
            names.add(tuple(key.split("/", 1)))
    found: dict[str, Estate] = {}
    for chunk in _chunks(sorted(ids)):
        for e in visible.filter(pk__in=chunk):
            found[f"#{e.pk}"] = e
    if names:
        wanted_names = {n for _c, n in names}
        for e in visible.filter(name__in=wanted_names).select_related("street"):
            if (e.street.code, e.name) in names:
                found[f"{e.street.code}/{e.name}"] = e
    return found


@dataclass
class _Plan:
    create: list[tuple[ImportRow, int, int, int | None]]  # (record, flat, owner, existing user or None)
    identity_of_user: dict[int, str]  # user id -> id hash of its identity, when it has one


def _plan(
    estate: Estate, records: list[ImportRow], *, source: str, hashes: _Hashes, result: EstateResult
) -> _Plan:
    """Check each record against the roster, earlier imports, accounts and bindings; the errors go
    into ``result``; returns what to create."""
    matched = _match_roster(estate, records, hashes=hashes, result=result)
    fresh = _not_imported_before(matched, source=source, result=result)
    user_of_person, user_of_mobile, identity_of_user = _accounts(fresh, hashes)
    bound = defaultdict(set)
    active = Binding.objects.filter(estate=estate, status=Binding.Status.ACTIVE).order_by()
    for flat_id, owner_id, user_id in active.values_list("flat_id", "owner_id", "user_id"):
        bound[(flat_id, owner_id)].add(user_id)

    plan = _Plan(create=[], identity_of_user=identity_of_user)
    for rec, flat_id, owner_id in fresh:
        id_hash = hashes("id_number", rec.id_number)
        # The account verified as this person, else the one holding the mobile number.
        user_id = user_of_person.get(id_hash) or user_of_mobile.get(hashes("mobile", rec.mobile))
        if user_id is not None and identity_of_user.get(user_id, id_hash) != id_hash:
            result.errors.append(
                RowError(
                    rec.row,
                    "mobile",
                    Code.IMPORT_OTHER_PERSON,
                    _("The OwnerVote account of this mobile number is verified as another person."),
                )
            )
            continue
        holders = bound.get((flat_id, owner_id), set())
        if user_id is not None and user_id in holders:
            result.already_bound += 1
            continue
        if holders:
            result.errors.append(
                RowError(
                    rec.row,
                    "",
                    Code.IMPORT_BOUND_ELSEWHERE,
                    _("Another OwnerVote account has already bound this owner's flat."),
                )
            )
            continue
        plan.create.append((rec, flat_id, owner_id, user_id))
    result.new_accounts = len({hashes("mobile", rec.mobile) for rec, _f, _o, u in plan.create if u is None})
    return plan


def _match_roster(
    estate: Estate, records: list[ImportRow], *, hashes: _Hashes, result: EstateResult
) -> list[tuple[ImportRow, int, int]]:
    """(record, flat, owner) of each record whose flat is in the estate's roster, whose person is
    one of its current owners under that name, and which no earlier record repeats."""
    flats = {
        (b, r): pk
        for b, r, pk in Flat.objects.filter(estate=estate, removed_at__isnull=True).values_list(
            "building__name", "room", "id"
        )
    }
    owners = {
        (flat_id, id_hash): (owner_id, name_hash)
        for flat_id, owner_id, id_hash, name_hash in Ownership.objects.filter(
            flat__estate=estate, ended_at__isnull=True, owner__kind=Owner.Kind.PERSON
        ).values_list("flat_id", "owner_id", "owner__id_number_hash", "owner__name_hash")
    }
    matched: list[tuple[ImportRow, int, int]] = []
    seen: dict[tuple[int, int], int] = {}
    for rec in records:
        flat_id = flats.get((rec.building, rec.room))
        if flat_id is None:
            result.errors.append(
                RowError(
                    rec.row,
                    "room",
                    Code.IMPORT_FLAT_UNKNOWN,
                    _("The estate's roster has no flat %(building)s-%(room)s.")
                    % {"building": rec.building, "room": rec.room},
                )
            )
            continue
        owner = owners.get((flat_id, hashes("id_number", rec.id_number)))
        if owner is None:
            result.errors.append(
                RowError(
                    rec.row,
                    "id_number",
                    Code.IMPORT_NOT_OWNER,
                    _("According to the roster this person is not an owner of %(building)s-%(room)s.")
                    % {"building": rec.building, "room": rec.room},
                )
            )
            continue
        if owner[1] != hashes("name", rec.owner_name):
            result.errors.append(
                RowError(
                    rec.row,
                    "owner_name",
                    Code.IMPORT_NAME_MISMATCH,
                    _("The name does not match the roster's owner with this ID number."),
                )
            )
            continue
        first = seen.setdefault((flat_id, owner[0]), rec.row)
        if first != rec.row:
            result.errors.append(
                RowError(
                    rec.row,
                    "",
                    Code.IMPORT_DUPLICATE,
                    _("Record %(row)s already binds this owner to this flat.") % {"row": first},
                )
            )
            continue
        matched.append((rec, flat_id, owner[0]))
    return matched


def _not_imported_before(
    matched: list[tuple[ImportRow, int, int]], *, source: str, result: EstateResult
) -> list[tuple[ImportRow, int, int]]:
    """The matched records not imported before under this source. One imported before is
    unchanged when it names the same flat and owner, an error otherwise."""
    refs = [rec.external_ref for rec, _f, _o in matched]
    before: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(refs):
        rows = (
            Binding.objects.filter(provenance=source, external_ref__in=chunk)
            .exclude(provenance="")
            .order_by()
        )
        for ref, flat_id, owner_id in rows.values_list("external_ref", "flat_id", "owner_id"):
            before[ref] = (flat_id, owner_id)
    fresh = []
    for rec, flat_id, owner_id in matched:
        if rec.external_ref not in before:
            fresh.append((rec, flat_id, owner_id))
        elif before[rec.external_ref] == (flat_id, owner_id):
            result.unchanged += 1
        else:
            result.errors.append(
                RowError(
                    rec.row,
                    "external_ref",
                    Code.IMPORT_REF_CHANGED,
                    _("This reference was imported before for another flat or owner."),
                )
            )
    return fresh


def _accounts(
    fresh: list[tuple[ImportRow, int, int]], hashes: _Hashes
) -> tuple[dict[str, int], dict[str, int], dict[int, str]]:
    """The existing accounts of the records' people: the one verified as each person (by ID
    hash), the one holding each mobile number (by mobile hash), and the ID hash of each of these
    accounts' identity, when it has one."""
    id_hashes = sorted({hashes("id_number", rec.id_number) for rec, _f, _o in fresh})
    mobile_hashes = sorted({hashes("mobile", rec.mobile) for rec, _f, _o in fresh})
    user_of_person: dict[str, int] = {}
    for chunk in _chunks(id_hashes):
        for h, user_id in (
            VerifiedIdentity.objects.filter(id_number_hash__in=chunk)
            .order_by("user_id")
            .values_list("id_number_hash", "user_id")
        ):
            user_of_person.setdefault(h, user_id)
    User = get_user_model()
    user_of_mobile: dict[str, int] = {}
    for chunk in _chunks(mobile_hashes):
        for h, user_id in (
            User.objects.filter(mobile_hash__in=chunk, is_active=True)
            .order_by("pk")
            .values_list("mobile_hash", "pk")
        ):
            user_of_mobile.setdefault(h, user_id)
    identity_of_user: dict[int, str] = {}
    users = sorted(set(user_of_person.values()) | set(user_of_mobile.values()))
    for chunk in _chunks(users):
        identity_of_user.update(
            VerifiedIdentity.objects.filter(user_id__in=chunk).values_list("user_id", "id_number_hash")
        )
    return user_of_person, user_of_mobile, identity_of_user


# --- writing ----------------------------------------------------------------------------------

_USER_COLUMNS = (
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "real_name",
    "mobile_enc",
    "mobile_masked",
    "mobile_hash",
)
_PERSON = ("name_enc", "name_masked", "name_hash", "id_number_enc", "id_number_masked", "id_number_hash")
_VERIFICATION_COLUMNS = (
    "user",
    "method",
    "status",
    *_PERSON,
    "mobile_enc",
    "mobile_masked",
    "mobile_hash",
    "provider",
    "provider_ref",
    "provider_result",
    "failure_reason",
    "estate",
    "flat",
    "checker_real_name",
    "ownership_proof_checked",
    "id_document_checked",
    "note",
    "started_at",
    "finished_at",
    "device_hash",
    "provenance",
    "external_ref",
    "external_method",
    "external_verified_on",
    "imported_at",
    "imported_by",
)
_IDENTITY_COLUMNS = ("user", *_PERSON, "method", "verification", "verified_at")
_BINDING_COLUMNS = (
    "user",
    "estate",
    "flat",
    "owner",
    "verification",
    "status",
    "bound_at",
    "end_reason",
    "end_note",
    "device_hash",
    "provenance",
    "external_ref",
    "imported_at",
    "imported_by",
)


class _Sealed:
    """The sealed columns of each person and mobile, computed once (AES-GCM per value)."""

    def __init__(self):
        self.people: dict[tuple[str, str], tuple] = {}
        self.mobiles: dict[str, tuple] = {}

    def person(self, rec: ImportRow) -> tuple:
        key = (rec.id_number, rec.owner_name)
        if key not in self.people:
            v = SimpleNamespace(name_hash="", id_number_hash="")  # a model instance costs more
            pii.seal(v, "name", rec.owner_name)
            pii.seal(v, "id_number", rec.id_number)
            self.people[key] = tuple(getattr(v, c) for c in _PERSON)
        return self.people[key]

    def mobile(self, mobile: str) -> tuple:
        if mobile not in self.mobiles:
            v = SimpleNamespace(mobile_hash="")
            pii.seal(v, "mobile", mobile)
            self.mobiles[mobile] = (v.mobile_enc, v.mobile_masked, v.mobile_hash)
        return self.mobiles[mobile]


def _unusable_password() -> str:
    """What ``make_password(None)`` stores (no password can match it), at a tenth of its cost."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _write(
    estate: Estate, plan: _Plan, *, source: str, actor, now, hashes: _Hashes, result: EstateResult
) -> None:
    """Accounts, verifications, identities and bindings in bulk (the audit event is ``_audit``'s)."""
    sealed = _Sealed()
    creating = _create_accounts(plan, now=now, hashes=hashes, sealed=sealed)
    verification_of = _insert_verifications(
        estate, creating, source=source, actor=actor, now=now, sealed=sealed
    )
    identities = _insert_identities(creating, verification_of=verification_of, sealed=sealed)
    insert_rows(
        Binding,
        _BINDING_COLUMNS,
        (
            (
                user_id,
                estate.pk,
                flat_id,
                owner_id,
                verification_of[rec.external_ref],
                Binding.Status.ACTIVE,
                _local_midnight(rec.bound_on),
                "",
                "",
                "",
                source,
                rec.external_ref,
                now,
                actor.pk,
            )
            for rec, flat_id, owner_id, user_id in creating
        ),
    )
    result.created = len(creating)
    result.identities = identities


def _create_accounts(
    plan: _Plan, *, now, hashes: _Hashes, sealed: _Sealed
) -> list[tuple[ImportRow, int, int, int]]:
    """A new account for each mobile number of a record without one; returns the plan's records
    as (record, flat, owner, account), each with its account."""
    User = get_user_model()
    new_mobiles = {rec.mobile for rec, _f, _o, user_id in plan.create if user_id is None}
    insert_rows(
        User,
        _USER_COLUMNS,
        (
            (
                _unusable_password(),
                False,
                f"m-{secrets.token_hex(8)}",
                "",
                "",
                "",
                False,
                True,
                now,
                "",
                *sealed.mobile(m),
            )
            for m in sorted(new_mobiles)
        ),
    )
    user_of_mobile: dict[str, int] = {}
    for chunk in _chunks(sorted(hashes("mobile", m) for m in new_mobiles)):
        for h, pk in (
            User.objects.filter(mobile_hash__in=chunk, is_active=True)
            .order_by("pk")
            .values_list("mobile_hash", "pk")
        ):
            user_of_mobile.setdefault(h, pk)
    creating = []
    for rec, flat_id, owner_id, user_id in plan.create:
        creating.append((rec, flat_id, owner_id, user_id or user_of_mobile[hashes("mobile", rec.mobile)]))
    return creating


def _insert_verifications(
    estate: Estate,
    creating: list[tuple[ImportRow, int, int, int]],
    *,
    source: str,
    actor,
    now,
    sealed: _Sealed,
) -> dict[str, int]:
    """An imported ``Verification`` per record; returns their ids by external_ref."""
    insert_rows(
        Verification,
        _VERIFICATION_COLUMNS,
        (
            (
                user_id,
                IMPORTED,
                Verification.Status.PASSED,
                *sealed.person(rec),
                *sealed.mobile(rec.mobile),
                "",
                "",
                "{}",
                "",
                estate.pk,
                flat_id,
                "",
                False,
                False,
                "",
                _local_midnight(rec.verified_on),
                _local_midnight(rec.verified_on),
                "",
                source,
                rec.external_ref,
                rec.method,
                rec.verified_on,
                now,
                actor.pk,
            )
            for rec, flat_id, _owner_id, user_id in creating
        ),
    )
    verification_of: dict[str, int] = {}
    refs = [rec.external_ref for rec, *_rest in creating]
    for chunk in _chunks(refs):
        verification_of.update(
            Verification.objects.filter(provenance=source, external_ref__in=chunk)
            .exclude(provenance="")
            .order_by()
            .values_list("external_ref", "pk")
        )
    return verification_of


def _insert_identities(
    creating: list[tuple[ImportRow, int, int, int]], *, verification_of: dict[str, int], sealed: _Sealed
) -> int:
    """The person's VerifiedIdentity, when their account has none yet (the earliest record's);
    returns how many were created."""
    users = sorted({user_id for *_rest, user_id in creating})
    has_identity: set[int] = set()
    for chunk in _chunks(users):
        has_identity.update(
            VerifiedIdentity.objects.filter(user_id__in=chunk).values_list("user_id", flat=True)
        )
    identities: dict[int, ImportRow] = {}
    for rec, _flat_id, _owner_id, user_id in creating:
        if user_id in has_identity:
            continue
        kept = identities.get(user_id)
        if kept is None or rec.verified_on < kept.verified_on:
            identities[user_id] = rec
    insert_rows(
        VerifiedIdentity,
        _IDENTITY_COLUMNS,
        (
            (
                user_id,
                *sealed.person(rec),
                IMPORTED,
                verification_of[rec.external_ref],
                _local_midnight(rec.verified_on),
            )
            for user_id, rec in identities.items()
        ),
    )
    return len(identities)


def _audit(estate: Estate, *, source: str, actor, result: EstateResult, file_sha256: str) -> None:
    record(
        actor=actor,
        action="binding.imported",
        obj=estate,
        estate_id=estate.pk,
        summary={
            "source": source,
            "file_sha256": file_sha256,
            "rows": result.rows,
            "created": result.created,
            "unchanged": result.unchanged,
            "already_bound": result.already_bound,
            "new_accounts": result.new_accounts,
            "identities": result.identities,
        },
    )
