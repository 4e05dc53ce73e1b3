"""Benchmark: moving a city over (R-DATA-1). N verified owners' bindings (default 100,000) over
ESTATES estates (default 50) imported from a CSV file through the real service.

    make bench-import-bindings      # BINDINGS=100000 ESTATES=50: on SQLite, then on PostgreSQL
    bench/import_bindings.py N [ESTATES]             # SQLite (fresh, under var/bench)
    bench/import_bindings.py N [ESTATES] --postgres  # a fresh PostgreSQL database (BENCH_DATABASE_URL,
                                                     # default .../ownervote_bench_import_bindings)

First the city: ESTATES estates, each with a roster of N / ESTATES flats and one owner per flat (a
valid resident ID number, a distinct mobile), written directly in bulk (the roster import is
``bench/import_roster.py``'s to measure). Then the former platform's CSV of one binding per flat,
and, timed: ``bindings_import_file`` as a dry run (read, check every record against the roster,
accounts and bindings), the import itself (the same checks, then N accounts, N verifications, N
identities, N bindings and an audit event per estate), and the same file again (idempotence:
nothing created). The database is ANALYZEd after the city is written, as a running city's database
would be (without it PostgreSQL plans the roster lookups on empty statistics). Prints seconds and
records per second.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time

SUFFIXES = ("enc", "masked", "hash")


def person(i: int) -> tuple[str, str, str]:
    """(name, ID number, mobile) of the i-th owner: every ID number and mobile distinct."""
    from ownervote.core.validators import resident_id_check_digit

    # The date and sequence repeat every 21,000 (lcm of 50, 12, 28, 1000): the area code moves on.
    first17 = f"{440304 + i // 21000}{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
    name = surnames[i % 20] + given[(i // 20) % len(given)] + given[(i // 460) % len(given)]
    return name, first17 + resident_id_check_digit(first17), f"13{i:09d}"


def build_city(n: int, estates_n: int):
    """The divisions, the city operator's account, ESTATES estates with their rosters. Returns
    (operator, [(estate, [(building, room, i), ...]), ...])."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from ownervote.core import pii
    from ownervote.core.bulk import insert_rows
    from ownervote.core.sorting import flat_key
    from ownervote.orgs.models import Association, Division, Membership, Organisation, User
    from ownervote.roster.models import Building, Estate, Flat, Owner, Ownership

    parent = None
    for code, kind, name in (
        ("B4403", "city", "基准市"),
        ("B440304", "district", "基准区"),
        ("B440304001", "street", "基准街道"),
    ):
        parent, _ = Division.objects.get_or_create(
            code=code, defaults={"kind": kind, "name": name, "parent": parent}
        )
    street = parent
    city = Division.objects.get(code="B4403")
    operator = User.objects.create_user(username=f"bench-city-{time.time_ns()}", real_name="市住建局")
    org = Organisation.objects.create(kind="city_operator", name="基准市住房和建设局")
    Membership.objects.create(user=operator, organisation=org, role="admin")
    Association.objects.create(organisation=org, division=city, status="approved", applied_by=operator)

    per = n // estates_n
    now = timezone.now()
    today = timezone.localdate() - dt.timedelta(days=400)
    layout = []
    with transaction.atomic():
        for e in range(estates_n):
            estate = Estate.objects.create(name=f"基准小区{e + 1:03d}-{time.time_ns()}", street=street)
            names = sorted({f"{1 + k // 400}栋" for k in range(per)})
            buildings = {
                b.name: b.pk
                for b in Building.objects.bulk_create([Building(estate=estate, name=x) for x in names])
            }
            flats = []
            for k in range(per):
                floor, room = divmod(k % 400, 8)
                flats.append((f"{1 + k // 400}栋", f"{floor + 2}{room + 1:02d}", e * per + k))
            insert_rows(
                Flat,
                ("estate", "building", "room", "area", "area_source", "use", "sort_key"),
                (
                    (estate.pk, buildings[b], r, "88.00", "register", "residential", flat_key(b, r))
                    for b, r, _i in flats
                ),
            )
            owners = []
            for _b, _r, i in flats:
                name, id_number, mobile = person(i)
                o = Owner(kind="person")
                pii.seal(o, "name", name)
                pii.seal(o, "id_number", id_number)
                pii.seal(o, "mobile", mobile)
                sealed = [getattr(o, f"{a}_{s}") for a in ("name", "id_number", "mobile") for s in SUFFIXES]
                owners.append((estate.pk, now, "person", *sealed))
            insert_rows(
                Owner,
                (
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
                ),
                owners,
            )
            flat_ids = dict(
                ((b, r), pk)
                for b, r, pk in Flat.objects.filter(estate=estate).values_list("building__name", "room", "id")
            )
            owner_ids = dict(Owner.objects.filter(estate=estate).values_list("id_number_hash", "id"))
            insert_rows(
                Ownership,
                ("flat", "owner", "share", "valid_from", "end_reason"),
                (
                    (flat_ids[(b, r)], owner_ids[pii.lookup("id_number", person(i)[1])], "", today, "")
                    for b, r, i in flats
                ),
            )
            layout.append((estate, flats))
    return operator, layout


def build_csv(layout) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        ["external_ref", "estate_id", "building", "room", "owner_name", "id_number", "mobile",
         "verification_method", "verified_on", "bound_on"]
    )  # fmt: skip
    methods = ("face", "bank", "onsite", "sms")
    for estate, flats in layout:
        for b, r, i in flats:
            name, id_number, mobile = person(i)
            w.writerow(
                [f"old-{i:07d}", estate.pk, b, r, name, id_number, mobile, methods[i % 4],
                 f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"]
            )  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100_000
    estates_n = int(args[1]) if len(args) > 1 else 50
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ownervote.settings.dev")
    if "--postgres" in sys.argv:
        sys.path.insert(0, os.path.dirname(__file__))
        from cast import fresh_database

        url = os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ownervote_bench_import_bindings"
        )
        fresh_database(url)
        os.environ["DATABASE_URL"] = url
    if "DATABASE_URL" not in os.environ:
        os.environ["OWNERVOTE_VAR"] = os.path.abspath("var/bench")
        os.makedirs("var/bench", exist_ok=True)
        db = "var/bench/import_bindings.sqlite3"
        if os.path.exists(db):
            os.remove(db)
        os.environ["DATABASE_URL"] = f"sqlite:///{os.path.abspath(db)}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from ownervote.bindings.importing import bindings_import_file
    from ownervote.bindings.models import Binding

    t0 = time.perf_counter()
    operator, layout = build_city(n, estates_n)
    with connection.cursor() as cur:  # a city's database has its planner statistics; a fresh one not
        cur.execute("ANALYZE")
    t1 = time.perf_counter()
    content = build_csv(layout)
    rows = sum(len(f) for _e, f in layout)
    source = "platform:bench"

    def timed(**kw):
        start = time.perf_counter()
        summary = bindings_import_file(actor=operator, content=content, name="bench.csv", source=source, **kw)
        took = time.perf_counter() - start
        assert summary.ok, summary.as_dict()["estates"][:1]
        return summary.as_dict(), took

    dry, t_dry = timed(dry_run=True)
    real, t_real = timed()
    again, t_again = timed()
    assert dry["created"] == 0 and real["created"] == rows and again["unchanged"] == rows
    assert Binding.objects.filter(provenance=source).count() == rows
    print(f"bindings import, {rows} bindings over {estates_n} estates, {connection.vendor}")
    print(f"  build the city  {t1 - t0:7.2f} s  (rosters of {rows} flats and owners, written in bulk)")
    print(f"  CSV             {len(content) / 2**20:7.1f} MiB")
    print(f"  dry run         {t_dry:7.2f} s  ({rows / t_dry:,.0f} records/s)")
    accounts = real["new_accounts"]
    print(f"  import          {t_real:7.2f} s  ({rows / t_real:,.0f} records/s; {accounts} new accounts)")
    print(f"  same file again {t_again:7.2f} s  ({rows / t_again:,.0f} records/s; 0 created)")


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    main()
