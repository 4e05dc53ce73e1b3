"""Test settings: the database comes from DATABASE_URL (PostgreSQL in CI's second pass),
SQLite otherwise."""

import copy

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
LANGUAGE_CODE = "zh-hans"
# The second factor is off for the suite (force_login'd clients); tests of it turn it on with
# override_settings (tests/orgs/test_signin_security.py). The sign-in throttle stays on: its counters
# are rows of the test database, rolled back with each test.
OWNERVOTE_REQUIRE_2FA_KINDS: set[str] = set()
OWNERVOTE_DEMO_TOTP_HINT = False

# The suite connects as the test database's owner; the role tests switch to an application role
# of their own (tests/dbroles.py).
OWNERVOTE_DB_OWNER = None
OWNERVOTE_DB_APP_ROLE = None

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Let the test runner empty its throwaway database between transactional tests: TRUNCATE of an
    # append-only table passes only for the table's owner with this switch on (audit migration
    # 0004); the application's role cannot truncate, switch or no switch. A commit of the suite
    # does not wait for its WAL to reach the disk (synchronous_commit=off: a crash would lose part
    # of a throwaway database; what other connections see is unchanged), so that a machine with a
    # slow disk does not spend the PostgreSQL pass waiting on the flush of every test's commits.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
        "-c ownervote.allow_truncate=on -c synchronous_commit=off"
    )
else:
    # Never the developer's var/ database: a test that reaches the database without declaring it
    # would otherwise run against (and a transactional one would empty) the demo data.
    DATABASES["default"]["NAME"] = ":memory:"  # noqa: F405

# A read replica alias that mirrors the test database (no database of its own), off unless a test
# turns it on with override_settings(OWNERVOTE_READ_REPLICA="replica") (tests/core/test_dbrouter.py).
DATABASES["replica"] = {**copy.deepcopy(DATABASES["default"]), "TEST": {"MIRROR": "default"}}  # noqa: F405
OWNERVOTE_READ_REPLICA = None

# The official account's event push (notify.receipts): signed with this token in the suite.
OWNERVOTE_WECHAT = {**OWNERVOTE_WECHAT, "token": "test-wechat-token"}  # noqa: F405
