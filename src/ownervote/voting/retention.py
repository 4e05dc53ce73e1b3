"""R-SEC-7: the eraser of proxies (``core.retention``, kind ``proxy``).

Three years after the meeting a proxy was given for ended (``meetings.retention.ended_by``: its
voting closed, or it was cancelled), the proxy's personal columns are emptied: the proxy holder's
name, ID number and mobile (all three columns of each), the device hash and network address it
was made from, and the proxy document's content (``core.files.erase``). The row stays (owner,
flats, matters, authority, term, status, who accepted it), so the ballots cast under it and the
audit trail still refer to it.

A proxy holder (``ProxyHolder``, one per estate and ID number) is identified by the keyed hash of
the ID number; once every proxy it held has expired, the hash is replaced by ``erased:<id>`` (the
per-estate uniqueness stays; the same person named again later gets a new holder). A holder that
still holds a proxy of a meeting not yet three years past keeps its hash.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from ownervote.core import files
from ownervote.meetings.retention import ended_by

from .models import Proxy, ProxyHolder

PERSONAL = {
    **{f"{attr}_{col}": "" for attr in ("name", "id_number", "mobile") for col in ("enc", "masked", "hash")},
    "device_hash": "",
    "client_ip": None,
}
ERASED = "erased:"


def _not_erased() -> Q:
    return (
        ~Q(name_enc="")
        | ~Q(id_number_enc="")
        | ~Q(mobile_enc="")
        | ~Q(device_hash="")
        | Q(client_ip__isnull=False)
        | Q(document__isnull=False, document__erased_at__isnull=True)
    )


def _holders(cutoff: dt.datetime):
    """Holders every proxy of which expired, whose hash is still there."""
    proxies = Proxy.objects.filter(holder=OuterRef("pk"))
    return ProxyHolder.objects.filter(
        Exists(proxies.filter(ended_by(cutoff, via="meeting__"))),
        ~Exists(proxies.exclude(ended_by(cutoff, via="meeting__"))),
    ).exclude(id_number_hash__startswith=ERASED)


def erase_proxies(*, cutoff: dt.datetime, dry_run: bool) -> int:
    rows = Proxy.objects.filter(ended_by(cutoff, via="meeting__")).filter(_not_erased())
    holders = _holders(cutoff)
    if dry_run:
        return rows.count() + holders.count()
    picked = list(rows.order_by("pk").select_for_update(of=("self",)).values_list("pk", "document_id"))
    files.erase(document for _, document in picked)
    Proxy.objects.filter(pk__in=[pk for pk, _ in picked]).update(**PERSONAL)
    held = list(holders.order_by("pk").select_for_update(of=("self",)).values_list("pk", flat=True))
    ProxyHolder.objects.filter(pk__in=held).update(
        id_number_hash=Concat(Value(ERASED), Cast("pk", CharField()), output_field=CharField())
    )
    return len(picked) + len(held)
