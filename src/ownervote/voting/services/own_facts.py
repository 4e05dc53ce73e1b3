"""The voter's own eligibility rows and the facts that decide them, read in one statement on the
path every cast takes (R-VOTE-4, R-VOTE-8, R-TALLY-9; issue 21): the rows as model instances
(``core.rows``), each with its ``Facts``. ``cast`` decides them (``rules.eligibility``); this module
only reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import connection

from ownervote.bindings.models import Binding
from ownervote.core import prepared
from ownervote.core.rows import converted, from_row, instance, joined, key_of
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.orgs.models import AuthorisedStaff
from ownervote.roster.models import Building, Flat

from ..access import MEETING_TO_CAST_RELATED
from ..models import Ballot, Channel, Proxy, Representative, RollFlat

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Facts:
    roll: RollFlat | None
    voted_at: dt.datetime | None
    proxied: bool  # the owner the actor is bound as gave a proxy in force, accepted, for the flat
    represented: bool  # a co-owners' representative is proposed or in effect
    others: bool  # somebody else is eligible for the flat (to be told that it voted)
    group_counted: bool  # a flat of its counted owner has a counted ballot (progress.add_ballots)
    group_counted_here: bool  # ... one in the same building


# The actor's eligibility rows with their flat, building, binding and staff authorisation, and
# what deciding them needs besides, in one statement of plain index lookups: one round trip on the
# path every cast takes, where the ORM's version (a select_related over four tables, then four
# subqueries on the roll) cost more Python to compile than the database spent running it. A proxy
# counts against the actor only when the owner the actor is bound as gave it: a co-owner's proxy
# acts for that co-owner alone and never takes the flat's vote from the others (R-VOTE-8), and only
# once the proxy has accepted it: until then the owner still votes in person (art. 20).
_OWN_SQL = """
SELECT e.id, e.binding_id, e.mode, e.reason,
  f.id, f.building_id, f.room, f.sort_key, bd.name,
  bb.status, bb.staff_id, bb.bound_at, bb.end_reason,
  st.valid_from, st.valid_until, st.revoked_at,
  r.id, r.building_id, r.area, r.owner_group,
  (SELECT b.cast_at FROM voting_ballot b
    WHERE b.meeting_id = e.meeting_id AND b.flat_id = e.flat_id AND b.channel = %(electronic)s),
  EXISTS (SELECT 1 FROM voting_proxy p JOIN voting_proxy_flats pf ON pf.proxy_id = p.id
      JOIN bindings_binding pb ON pb.owner_id = p.owner_id
    WHERE p.meeting_id = e.meeting_id AND p.status = %(active)s AND pf.flat_id = e.flat_id
      AND pb.id = e.binding_id AND p.confirmed_at IS NOT NULL),
  EXISTS (SELECT 1 FROM voting_representative rep
    WHERE rep.meeting_id = e.meeting_id AND rep.flat_id = e.flat_id
      AND rep.status IN (%(proposed)s, %(effective)s)),
  EXISTS (SELECT 1 FROM meetings_eligibility o
    WHERE o.meeting_id = e.meeting_id AND o.flat_id = e.flat_id AND o.user_id <> e.user_id),
  EXISTS (SELECT 1 FROM voting_rollflat g JOIN voting_ballot gb
      ON gb.meeting_id = g.meeting_id AND gb.flat_id = g.flat_id AND gb.superseded = %(no)s
    WHERE g.meeting_id = e.meeting_id AND g.owner_group = r.owner_group),
  EXISTS (SELECT 1 FROM voting_rollflat g JOIN voting_ballot gb
      ON gb.meeting_id = g.meeting_id AND gb.flat_id = g.flat_id AND gb.superseded = %(no)s
    WHERE g.meeting_id = e.meeting_id AND g.owner_group = r.owner_group AND g.building_id = r.building_id)
FROM meetings_eligibility e
JOIN roster_flat f ON f.id = e.flat_id
JOIN roster_building bd ON bd.id = f.building_id
JOIN bindings_binding bb ON bb.id = e.binding_id
LEFT JOIN orgs_authorisedstaff st ON st.id = bb.staff_id
LEFT JOIN voting_rollflat r ON r.meeting_id = e.meeting_id AND r.flat_id = e.flat_id
WHERE e.meeting_id = %(meeting)s AND e.user_id = %(user)s
"""
_OWN_ORDER = "ORDER BY f.sort_key, e.id"
_ROW = ("id", "binding_id", "mode", "reason")
_FLAT = ("id", "building_id", "room", "sort_key")
_BINDING = ("status", "staff_id", "bound_at", "end_reason")
_STAFF = ("valid_from", "valid_until", "revoked_at")
_ROLL = ("id", "building_id", "area", "owner_group")


def _own_params(actor, meeting_id: int) -> dict:
    return {
        "meeting": meeting_id,
        "user": actor.pk,
        "electronic": Channel.ELECTRONIC.value,
        "active": Proxy.Status.ACTIVE.value,
        "proposed": Representative.Status.PROPOSED.value,
        "effective": Representative.Status.EFFECTIVE.value,
        "no": False,
    }


def own_rows(actor, meeting: Meeting, rows: list | None = None) -> list[tuple[Eligibility, Facts]]:
    """The actor's eligibility rows in page order (flat, building, binding and staff
    authorisation loaded), each with its facts (``_OWN_SQL``); ``rows``: that statement's rows,
    when the caller read them already (``meeting_and_own``)."""
    if rows is None:
        with prepared.cursor() as c:
            c.execute(_OWN_SQL + _OWN_ORDER, _own_params(actor, meeting.pk))
            rows = c.fetchall()
    out = []
    for row in rows:
        elig = instance(Eligibility, _ROW, row[0:4])
        elig.meeting_id, elig.user_id, elig.flat_id = meeting.pk, actor.pk, row[4]
        flat = instance(Flat, _FLAT, row[4:8])
        flat.building = instance(Building, ("id", "name"), (row[5], row[8]))
        binding = instance(Binding, ("id", "flat_id", *_BINDING), (row[1], row[4], *row[9:13]))
        staff = None
        if binding.staff_id is not None:
            staff = instance(AuthorisedStaff, ("id", *_STAFF), (binding.staff_id, *row[13:16]))
        binding.staff = staff
        elig.flat, elig.binding = flat, binding
        roll = None
        if row[16] is not None:
            roll = instance(RollFlat, _ROLL, row[16:20])
            roll.meeting_id, roll.flat_id = meeting.pk, flat.pk
            roll.area = roll.area.quantize(CENTS)
        voted_at = converted(Ballot, ("cast_at",), row[20:21])[0]
        proxied, represented, others, counted, counted_here = (bool(v) for v in row[21:26])
        out.append((elig, Facts(roll, voted_at, proxied, represented, others, counted, counted_here)))
    return out


def meeting_and_own(actor, meeting_id) -> tuple[Meeting | None, list]:
    """The meeting with its estate (as ``access.meeting_to_cast`` reads it; None when there is no
    such meeting) and the actor's ``_OWN_SQL`` rows, in one statement: a cast in person reads
    both after the meeting's lock, so one snapshot serves both, one round trip fewer."""
    key = key_of(meeting_id)
    if key is None:
        return None, []
    sql, width = _meeting_and_own_sql(connection.vendor)
    with prepared.cursor() as c:
        c.execute(sql, _own_params(actor, key))
        rows = c.fetchall()
    if not rows:
        return None, []
    return from_row(Meeting, rows[0], MEETING_TO_CAST_RELATED), [
        row[width:] for row in rows if row[width] is not None
    ]


@cache
def _meeting_and_own_sql(vendor: str) -> tuple[str, int]:
    del vendor
    columns, tables, width = joined(Meeting, MEETING_TO_CAST_RELATED)
    # The eligibility rows joined to the meeting's one row (none: one row, its part NULL), in page
    # order: ``_OWN_SQL``'s f.sort_key and e.id are its 8th and 1st columns.
    sql = (
        f"SELECT {columns}, o.* FROM {tables} LEFT JOIN ({_OWN_SQL}) o ON 1 = 1 "  # noqa: S608
        f"WHERE t0.id = %(meeting)s ORDER BY {width + 8}, {width + 1}"
    )
    return sql, width
