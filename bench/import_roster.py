"""Benchmark: preview and apply a roster of N flats (default 20,000) through the real services.

    make bench-import        # FLATS=20000: on SQLite (fresh, under var/bench), then on PostgreSQL
    bench/import_roster.py N                # SQLite, or DATABASE_URL's database as it is
    bench/import_roster.py N --postgres     # a fresh PostgreSQL database (BENCH_DATABASE_URL,
                                            # default .../ownervote_bench_import, dropped first)

Prints the seconds for: building the .xlsx, preview (parse + validate + diff), apply (write
flats, owners, ownerships, history), and confirming totals. Target (issue 7): import <= 5 s.
"""

from __future__ import annotations

import io
import os
import random
import sys
import time


def build_xlsx(n: int) -> bytes:
    from openpyxl import Workbook

    from ownervote.core.validators import resident_id_check_digit

    rng = random.Random(20000)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("业主名册")
    ws.append(
        [
            "楼栋",
            "房号",
            "面积",
            "面积来源",
            "用途",
            "业主类型",
            "业主姓名",
            "证件号码",
            "手机号码",
            "份额",
            "取得日期",
        ]
    )
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
    for i in range(n):
        building, rest = divmod(i, 400)
        floor, room = divmod(rest, 8)
        # The date and sequence repeat every 21,000 rows (lcm of 50, 12, 28, 1000): the area code
        # moves on so that every owner's ID number stays unique in larger estates.
        first17 = f"{440304 + i // 21000}{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        id_number = first17 + resident_id_check_digit(first17)
        name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
        ws.append(
            [
                f"{building + 1}栋",
                f"{floor + 2}{room + 1:02d}",
                f"{rng.uniform(55, 180):.2f}",
                "产权登记",
                "住宅",
                "个人",
                name,
                id_number,
                f"13{i:09d}"[:11],
                "",
                "",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ownervote.settings.dev")
    if "--postgres" in sys.argv:
        sys.path.insert(0, os.path.dirname(__file__))
        from cast import fresh_database

        url = os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ownervote_bench_import"
        )
        fresh_database(url)
        os.environ["DATABASE_URL"] = url
    if "DATABASE_URL" not in os.environ:
        os.environ["OWNERVOTE_VAR"] = os.path.abspath("var/bench")
        os.makedirs("var/bench", exist_ok=True)
        db = "var/bench/ownervote.sqlite3"
        if os.path.exists(db):
            os.remove(db)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ownervote.core.files import Upload
    from ownervote.orgs.models import Association, Division, Membership, Organisation, User
    from ownervote.roster import services
    from ownervote.roster.models import Estate, Flat

    city, _ = Division.objects.get_or_create(code="B4403", defaults={"kind": "city", "name": "基准市"})
    district, _ = Division.objects.get_or_create(
        code="B440304", defaults={"kind": "district", "name": "基准区", "parent": city}
    )
    street, _ = Division.objects.get_or_create(
        code="B440304001", defaults={"kind": "street", "name": "基准街道", "parent": district}
    )
    community, _ = Division.objects.get_or_create(
        code="B440304001001", defaults={"kind": "community", "name": "基准社区", "parent": street}
    )
    estate = Estate.objects.create(name=f"基准小区{time.time_ns()}", street=street, community=community)
    user = User.objects.create_user(username=f"bench{time.time_ns()}", real_name="基准")
    org = Organisation.objects.create(kind="owners_committee", name="基准业委会")
    Membership.objects.create(user=user, organisation=org, role="admin")
    Association.objects.create(organisation=org, estate=estate, status="approved", applied_by=user)

    t0 = time.perf_counter()
    content = build_xlsx(n)
    t1 = time.perf_counter()
    c1 = time.process_time()
    batch = services.import_preview(actor=user, estate_id=estate.pk, upload=Upload("bench.xlsx", content))
    t2 = time.perf_counter()
    assert batch.status == "previewed", batch.errors[:3]
    services.import_apply(actor=user, batch_id=batch.pk, reason="benchmark")
    t3 = time.perf_counter()
    c3 = time.process_time()
    snap = services.totals_confirm(actor=user, estate_id=estate.pk, reason="benchmark")
    t4 = time.perf_counter()
    assert Flat.objects.filter(estate=estate).count() == n and snap.total_flats == n
    from django.db import connection

    print(f"roster import, {n} flats, {connection.vendor}")
    print(f"  build xlsx      {t1 - t0:6.2f} s  ({len(content) / 2**20:.1f} MiB)")
    print(f"  preview         {t2 - t1:6.2f} s")
    print(f"  apply           {t3 - t2:6.2f} s")
    print(f"  import total    {t3 - t1:6.2f} s  (target <= 5 s: ratio {(t3 - t1) / 5:.2f})")
    # This process's CPU seconds (not the database server's): comparable on a loaded machine.
    print(f"  import CPU      {c3 - c1:6.2f} s  (this process; load average {os.getloadavg()[0]:.1f})")
    print(f"  confirm totals  {t4 - t3:6.2f} s")


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    main()
