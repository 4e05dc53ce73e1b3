"""Fixtures shared by every test package: a small piece of Shenzhen and staff of each role,
each acting through an approved association, built through the same services the console uses."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ownervote.orgs.models import Association, Division, Membership, Organisation, User
from ownervote.roster.models import Estate

from .dbroles import make_app_role

_seq = itertools.count(1)
pytest_plugins = ["tests.watch"]  # what a pass is doing, for CI (.ci/run)


# OWNERVOTE_TEST_TODAY=YYYY-MM-DD runs the suite as if today were that day in Beijing (10:00, the
# clock ticking on from there), so that CI proves the suite does not depend on the day it runs:
# a year the shipped calendar lacks, a leap day (see .ci/run and the README's Development section).
TEST_TODAY = "OWNERVOTE_TEST_TODAY"
_traveller = None


def pytest_configure(config):
    global _traveller
    value = os.environ.get(TEST_TODAY, "").strip()
    if not value or _traveller is not None:
        return
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{TEST_TODAY}={value!r} is not a date (YYYY-MM-DD)") from None
    _traveller = time_machine.travel(
        dt.datetime.combine(day, dt.time(10, 0), tzinfo=ZoneInfo("Asia/Shanghai")), tick=True
    )
    _traveller.start()


def pytest_unconfigure(config):
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pytest_report_header(config):
    if _traveller is not None:
        return f"clock: today is {os.environ[TEST_TODAY]} (Asia/Shanghai), set by {TEST_TODAY}"
    return None


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _calendar_years_ahead(request):
    """Meeting dates in tests count from the real today, and a year the shipped holiday table
    (rules/calendar.py) lacks is refused, never guessed (R-MTG-4). So that the suite does not start
    failing when the year turns, every database test finds this year and the next two loaded, as
    the city operator would load them: the shipped table where it has the year, else a plain year
    whose only holiday is New Year's Day. Tests of the real holidays use the fixed shipped years."""
    if request.node.get_closest_marker("shipped_calendar") or (
        not DB_FIXTURES & set(request.fixturenames) and not request.node.get_closest_marker("django_db")
    ):
        yield
        return
    # A live server's thread sees only committed rows: its tests run in transactional_db.
    live = {"transactional_db", "live_server"} & set(request.fixturenames)
    request.getfixturevalue("transactional_db" if live else "db")
    from django.utils import timezone

    from ownervote.meetings.models import CalendarYear
    from ownervote.rules.calendar import SHIPPED

    this = timezone.localdate().year
    missing = [y for y in range(this, this + 3) if y not in SHIPPED]
    if missing and not CalendarYear.objects.filter(year__in=missing).exists():
        CalendarYear.objects.bulk_create(
            CalendarYear(year=y, holidays=[f"{y}-01-01"], workdays=[], source="测试用日历") for y in missing
        )
    yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the registration limiter (core/throttle.py) counts
    there, and one test's attempts must not refuse the next test's."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _chinese_first():
    """Each test starts in the site's language (Simplified Chinese). A request that asked for
    English leaves English active in its thread, and a later test on the same worker that
    renders a message outside a request would otherwise see English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def app_role(db) -> str:
    """R-SEC-5: the name of an application database role granted by setup_db_roles (PostgreSQL
    only, created inside the test's transaction; run as it with ``tests.dbroles.as_role``)."""
    return make_app_role()


@pytest.fixture
def geo(db):
    """City > 2 districts > streets > communities: enough to test that scoping stops at borders."""
    city = Division.objects.create(kind="city", code="4403", name="深圳市")
    futian = Division.objects.create(kind="district", code="440304", name="福田区", parent=city)
    nanshan = Division.objects.create(kind="district", code="440305", name="南山区", parent=city)
    shatou = Division.objects.create(kind="street", code="440304005", name="沙头街道", parent=futian)
    xiangmihu = Division.objects.create(kind="street", code="440304006", name="香蜜湖街道", parent=futian)
    yuehai = Division.objects.create(kind="street", code="440305007", name="粤海街道", parent=nanshan)
    shazui = Division.objects.create(kind="community", code="440304005001", name="沙嘴社区", parent=shatou)
    keyuan = Division.objects.create(kind="community", code="440305007001", name="科技园社区", parent=yuehai)
    return {
        "city": city,
        "futian": futian,
        "nanshan": nanshan,
        "shatou": shatou,
        "xiangmihu": xiangmihu,
        "yuehai": yuehai,
        "shazui": shazui,
        "keyuan": keyuan,
    }


@pytest.fixture
def estates(geo):
    """Two estates in Shatou street (Futian) and one in Yuehai street (Nanshan)."""
    return {
        "a": Estate.objects.create(name="碧海花园", street=geo["shatou"], community=geo["shazui"]),
        "b": Estate.objects.create(name="金地花园", street=geo["shatou"]),
        "c": Estate.objects.create(name="科苑小区", street=geo["yuehai"], community=geo["keyuan"]),
    }


@pytest.fixture
def make_staff(db):
    """make_staff(kind, division=None, estate=None, status="approved") -> User acting for a new
    organisation of ``kind`` associated with the division or estate."""

    def make(kind: str, *, division=None, estate=None, status="approved", username=None, role="admin"):
        n = next(_seq)
        user = User.objects.create_user(
            username=username or f"{kind}{n}", password="Pw-for-tests-1", real_name=f"测试员{n}"
        )
        org = Organisation.objects.create(kind=kind, name=f"{kind} {n}")
        Membership.objects.create(user=user, organisation=org, role=role)
        Association.objects.create(
            organisation=org, division=division, estate=estate, status=status, applied_by=user
        )
        return user

    return make


@pytest.fixture
def staff(geo, estates, make_staff):
    """One account of each role, placed so that scoping can be tested at every border:
    city; Futian district; Shatou street; Shazui community; convener of estate a;
    convener of estate c (Nanshan); a Nanshan street office; an account with only a pending application."""
    return {
        "city": make_staff("city_operator", division=geo["city"]),
        "district": make_staff("district_bureau", division=geo["futian"]),
        "street": make_staff("street_office", division=geo["shatou"]),
        "community": make_staff("community_committee", division=geo["shazui"]),
        "convener": make_staff("owners_committee", estate=estates["a"]),
        "other_convener": make_staff("owners_committee", estate=estates["c"]),
        "other_street": make_staff("street_office", division=geo["yuehai"]),
        "pending": make_staff("preparatory_group", estate=estates["b"], status="pending"),
    }


@pytest.fixture
def small_roster() -> list[list]:
    """Seven exclusive parts: see tests/rosterfiles.py."""
    from .rosterfiles import small_roster as rows

    return rows()


@pytest.fixture
def owner_world(staff, estates):
    """Estate a with the small roster (tests/rosterfiles.py) and its owners:

    - ``zhang`` (张三, person_id(1), mobile(1)): verified, bound to 1栋-101
    - ``li`` (李四, person_id(2)): verified, bound to 1栋-102 (co-owned with 王五)
    - ``wang`` (王五, person_id(3), co-owner of 1栋-102): verified, not bound
    - ``newcomer`` (13700000000): signed up by SMS, not verified, owns nothing
    """
    from .owners import bind, import_roster, verified_person
    from .rosterfiles import mobile, person_id

    flats = import_roster(estates["a"], staff["convener"])
    zhang = verified_person(mobile(1), "张三", person_id(1))
    li = verified_person(mobile(2), "李四", person_id(2))
    wang = verified_person(mobile(3), "王五", person_id(3))
    from ownervote.identity.accounts import owner_account_for_mobile

    newcomer = owner_account_for_mobile("13700000000")
    return {
        "flats": flats,
        "zhang": zhang,
        "li": li,
        "wang": wang,
        "newcomer": newcomer,
        "zhang_binding": bind(zhang, flats["1栋-101"]),
        "li_binding": bind(li, flats["1栋-102"]),
    }


@pytest.fixture(scope="session")
def help_site(tmp_path_factory):
    """The guides (docs/guide/, mkdocs.yml) built once per test process into a temporary folder,
    as `make docs` builds them: the tests never depend on a build/help/ left by someone."""
    repo = Path(__file__).resolve().parents[1]
    site = tmp_path_factory.mktemp("help")
    subprocess.run(  # noqa: S603 - our own interpreter and config
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(repo / "mkdocs.yml"), "-d", str(site)],
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return site


@pytest.fixture
def guides(settings, help_site):
    """/help/ serves the guides built by ``help_site``."""
    settings.OWNERVOTE_HELP_ROOT = help_site
    return help_site
