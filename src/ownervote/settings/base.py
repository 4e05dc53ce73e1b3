"""Settings shared by every environment. Everything secret or site-specific comes from the
environment; with nothing set, the embedded SQLite database under ``var/`` is used."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parents[1]
BASE_DIR = Path(os.environ.get("OWNERVOTE_HOME", SRC_DIR.parents[1]))
VAR_DIR = Path(os.environ.get("OWNERVOTE_VAR", BASE_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("OWNERVOTE_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("OWNERVOTE_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("OWNERVOTE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "ownervote.core",
    "ownervote.audit",
    "ownervote.orgs",
    "ownervote.roster",
    "ownervote.identity",
    "ownervote.verification",
    "ownervote.bindings",
    "ownervote.bindinglist",
    "ownervote.notify",
    "ownervote.meetings",
    "ownervote.voting",
    "ownervote.results",
    "ownervote.complaints",
    "ownervote.objections",
    "ownervote.trust",
    "ownervote.portal",
    "ownervote.console",
    "ownervote.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ownervote.core.dbrouter.StickyPrimaryMiddleware",  # a browser that wrote reads the primary a while
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (below)
    "ownervote.core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ownervote.core.devices.DeviceCookieMiddleware",  # R-TRUST-1: below static files, which never get it
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "ownervote.core.nul.RefuseNulMiddleware",  # PostgreSQL refuses NUL in text: 400 before any view
    "ownervote.core.params.OutOfRangeIdMiddleware",  # /meetings/<30 digits>/: 404, not an overflow
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ownervote.orgs.middleware.SecondFactorMiddleware",
    "ownervote.orgs.staff.StaffConsoleMiddleware",  # owners have no console (orgs/staff.py)
    "ownervote.orgs.sessions.SessionIdleMiddleware",  # idle timeout by kind of account
    "django.contrib.messages.middleware.MessageMiddleware",
    "ownervote.core.middleware.ServiceErrorMiddleware",  # a page's refused service call, shown
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # a locked-out sign-in gets the lockout page (orgs.throttle)
]

ROOT_URLCONF = "ownervote.urls"
WSGI_APPLICATION = "ownervote.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ownervote.console.context_processors.console",
                "ownervote.core.help.context",  # the header's "帮助" link (the guides at /help/)
                "ownervote.identity.eldermode.context",  # elder_mode: the owner pages' 长辈版 (R-SEC-8)
            ],
        },
    },
]


def database_from_env() -> dict:
    default_sqlite = f"sqlite:///{VAR_DIR / 'ownervote.sqlite3'}"
    # A worker keeps its connection for its life (conn_max_age None). With an age (it was 60 s),
    # workers started together reopened their connections together: every minute of a rush each
    # worker paid a new server process, its catalog caches and every prepared statement again, at
    # the same moment, and the open-loop benchmark showed it as a stall of a third of a second
    # (BENCHMARKS.md). A connection that failed is closed at the end of its request (Django), and
    # the worker's next request opens a new one.
    config = dj_database_url.parse(os.environ.get("DATABASE_URL", default_sqlite), conn_max_age=None)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE: a write transaction takes the write lock at BEGIN, so the audit chain's
        # read-then-append can never interleave with another writer.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
    else:
        config["OPTIONS"] = postgres_options()
    return config


def postgres_options() -> dict:
    """After how many runs on one connection a statement is prepared, for the statements run
    through ``core.prepared.cursor`` (the cast's): PostgreSQL then skips their parse and plan.
    Django's own cursors bind on the client and are never prepared. Prepared statements live on
    one server connection: behind PgBouncer in transaction pooling set
    OWNERVOTE_DB_PREPARE_THRESHOLD=off (README, "Running on PostgreSQL")."""
    threshold = os.environ.get("OWNERVOTE_DB_PREPARE_THRESHOLD", "5").strip().lower()
    if threshold in ("", "off", "none"):
        return {}
    return {"prepare_threshold": int(threshold)}


def owner_from_env(app: dict) -> dict | None:
    """R-SEC-5: the owner role's credentials for the same database (OWNERVOTE_MIGRATE_DATABASE_URL),
    used by ``migrate`` and ``setup_db_roles`` (``ownervote.core.dbroles.as_owner``)."""
    url = os.environ.get("OWNERVOTE_MIGRATE_DATABASE_URL")
    if not url:
        return None
    owner = dj_database_url.parse(url)
    if app["ENGINE"] != "django.db.backends.postgresql" or owner["ENGINE"] != app["ENGINE"]:
        raise ImproperlyConfigured("OWNERVOTE_MIGRATE_DATABASE_URL and DATABASE_URL must be PostgreSQL")
    if owner["NAME"] != app["NAME"]:
        raise ImproperlyConfigured("OWNERVOTE_MIGRATE_DATABASE_URL must name the database DATABASE_URL names")
    if owner["USER"] == app["USER"]:
        raise ImproperlyConfigured("OWNERVOTE_MIGRATE_DATABASE_URL must name another role than DATABASE_URL")
    return {key: owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}


DATABASES = {"default": database_from_env()}
# A read replica (a PostgreSQL streaming hot standby of DATABASE_URL, same role and database):
# the read-only pages marked with core.dbrouter.reads_from_replica read from it; everything else,
# every write and a browser that wrote within OWNERVOTE_REPLICA_STICKY_SECONDS use the primary
# (core/dbrouter.py; README "A city on more than one node").
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60),
        "OPTIONS": postgres_options(),
        "TEST": {"MIRROR": "default"},
    }
OWNERVOTE_READ_REPLICA = "replica" if "replica" in DATABASES else None
OWNERVOTE_REPLICA_STICKY_SECONDS = int(os.environ.get("OWNERVOTE_REPLICA_STICKY_SECONDS", "15"))
DATABASE_ROUTERS = ["ownervote.core.dbrouter.ReplicaRouter"]
# When set, DATABASE_URL's role is the application's, which setup_db_roles (and every migrate) grants.
OWNERVOTE_DB_OWNER = owner_from_env(DATABASES["default"])
OWNERVOTE_DB_APP_ROLE = DATABASES["default"]["USER"] if OWNERVOTE_DB_OWNER else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"

# Simplified Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"  # shown in Beijing time; stored in UTC (USE_TZ)
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("OWNERVOTE_STATIC_ROOT", BASE_DIR / "staticfiles"))
# The guides per role (docs/guide/, mkdocs.yml), built by `make docs` and served at /help/
# (ownervote.core.help); a deployment builds them with the same command, or points here.
OWNERVOTE_HELP_ROOT = Path(os.environ.get("OWNERVOTE_HELP_ROOT", BASE_DIR / "build" / "help"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads: rosters and supporting files are read into memory and stored encrypted.
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
OWNERVOTE_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# An uploaded .xlsx is refused before parsing when it declares more than this unpacked (a 20,000-flat
# roster is ~15 MB unpacked), more entries, or an entry packed more tightly (core.spreadsheets).
OWNERVOTE_XLSX_MAX_UNPACKED_BYTES = 64 * 1024 * 1024
OWNERVOTE_XLSX_MAX_ENTRIES = 500
OWNERVOTE_XLSX_MAX_RATIO = 200

# Personal data keys. OWNERVOTE_ENCRYPTION_KEYS: "kid:base64key,kid:base64key" (the first
# encrypts, all decrypt: rotation without downtime). OWNERVOTE_LOOKUP_KEY: base64 key for the
# keyed hashes that let us find an ID number without decrypting every row.
OWNERVOTE_ENCRYPTION_KEYS = os.environ.get("OWNERVOTE_ENCRYPTION_KEYS", "")
OWNERVOTE_LOOKUP_KEY = os.environ.get("OWNERVOTE_LOOKUP_KEY", "")

# The demo (``make run``): ``seed_demo`` refuses to run and /demo/ is not mounted unless this is on
# (the development and test settings turn it on; production never does).
OWNERVOTE_DEMO = False

# Every staff account acting for an organisation must pass a TOTP second factor (orgs.middleware):
# each of these kinds can reveal personal data, enter ballots or approve those who do. check
# --deploy refuses a set that leaves one out; only the test settings empty it.
OWNERVOTE_REQUIRE_2FA_KINDS: set[str] = {
    "city_operator",
    "district_bureau",
    "street_office",
    "community_committee",
    "owners_committee",
    "preparatory_group",
    "reelection_group",
    "owner_organisation",
}
OTP_TOTP_ISSUER = "OwnerVote"
# Enrolling a TOTP device needs a one-time code from whoever manages the account (orgs.security).
OWNERVOTE_ENROLMENT_CODE_TTL_HOURS = 72
# The demo only: the 2FA page shows the current code of the account's device (check --deploy refuses it).
OWNERVOTE_DEMO_TOTP_HINT = False

# Console sign-in throttle (django-axes, orgs.throttle). Wrong passwords are counted per account and
# address, per account and per address; each lockout lasts AXES_COOLOFF_TIME after the last failure
# (a try while locked out does not prolong it). The account's approver or the city operator unlocks
# earlier (console 账号安全, or `manage.py unlock_signin`). Owners sign in by SMS code: not here.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
OWNERVOTE_SIGNIN_FAILURE_LIMITS = [5, 20, 30]  # one per AXES_LOCKOUT_PARAMETERS entry
AXES_FAILURE_LIMIT = 5  # the smallest of them (orgs.throttle scales the others to it)
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "ownervote.orgs.throttle.SignInThrottle"
AXES_CLIENT_IP_CALLABLE = "ownervote.core.clientip.client_ip"  # behind a proxy: OWNERVOTE_TRUSTED_PROXY_COUNT
AXES_LOCKOUT_CALLABLE = "ownervote.console.accounts.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # no log of successful sign-ins with user agents (nothing needs it)
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OWNERVOTE_LOG_LEVEL", "INFO")},
    # WeasyPrint logs a line per page of every PDF at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Owners: sign-in, identity verification, providers -------------------------------------
# Providers are chosen here the way Django chooses an email backend: a dotted path and options.
# SMS: "ownervote.identity.sms.backends.ConsoleBackend" (development: prints the message and
# keeps it in the SentSms table) or "ownervote.identity.sms.aliyun.AliyunSmsBackend" (Alibaba
# Cloud SMS; options from the environment, see README "Production").
OWNERVOTE_SMS_BACKEND = os.environ.get(
    "OWNERVOTE_SMS_BACKEND", "ownervote.identity.sms.backends.ConsoleBackend"
)
OWNERVOTE_SMS_OPTIONS = {
    "access_key_id": os.environ.get("OWNERVOTE_SMS_ACCESS_KEY_ID", ""),
    "access_key_secret": os.environ.get("OWNERVOTE_SMS_ACCESS_KEY_SECRET", ""),
    "sign_name": os.environ.get("OWNERVOTE_SMS_SIGN_NAME", ""),
    "endpoint": os.environ.get("OWNERVOTE_SMS_ENDPOINT", ""),
    # Our template names -> the provider's approved template codes: "sign_in_code=SMS_1,notice=SMS_2"
    "templates": dict(item.split("=", 1) for item in env_list("OWNERVOTE_SMS_TEMPLATES")),
}
# SMS codes: lifetime, wrong tries before a code locks, and sending limits.
OWNERVOTE_SMS_CODE_TTL_SECONDS = 300
OWNERVOTE_SMS_CODE_MAX_ATTEMPTS = 5
OWNERVOTE_SMS_RESEND_SECONDS = 60  # one code per number per minute
OWNERVOTE_SMS_PER_NUMBER_PER_HOUR = 5
OWNERVOTE_SMS_PER_NUMBER_PER_DAY = 10
OWNERVOTE_SMS_PER_IP_PER_HOUR = 30
# Staff registration (anonymous; orgs.services.register_account, core/throttle.py): attempts per
# address an hour, and per mobile named a day (each one texts that mobile its outcome).
OWNERVOTE_REGISTER_PER_IP_PER_HOUR = 20
OWNERVOTE_REGISTER_PER_MOBILE_PER_DAY = 5

# Face verification (R-ID-1, R-ID-4): "ownervote.verification.face.DevFaceProvider" plays the
# provider's part on a page of this site (development and tests only; check --deploy refuses it);
# "ownervote.verification.providers.tencent.TencentFaceProvider" is Tencent Cloud FaceID H5 (see
# README "Face verification"). "secret" signs our callback URL (32+ random characters); the
# tencent_* values are the CAM key and the console's RuleId (业务流程).
OWNERVOTE_FACE_BACKEND = os.environ.get(
    "OWNERVOTE_FACE_BACKEND", "ownervote.verification.face.DevFaceProvider"
)
OWNERVOTE_FACE_OPTIONS = {
    "app_id": os.environ.get("OWNERVOTE_FACE_APP_ID", "ownervote-dev"),
    "secret": os.environ.get("OWNERVOTE_FACE_SECRET", ""),
    "endpoint": os.environ.get("OWNERVOTE_FACE_ENDPOINT", ""),
    "secret_id": os.environ.get("OWNERVOTE_FACE_TENCENT_SECRET_ID", ""),
    "secret_key": os.environ.get("OWNERVOTE_FACE_TENCENT_SECRET_KEY", ""),
    "rule_id": os.environ.get("OWNERVOTE_FACE_TENCENT_RULE_ID", ""),
    "region": os.environ.get("OWNERVOTE_FACE_TENCENT_REGION", ""),
    # Empty means the provider's default: 3 s to connect, 5 s to read, 2 retries, all within 20 s.
    "connect_timeout": os.environ.get("OWNERVOTE_FACE_CONNECT_TIMEOUT", ""),
    "read_timeout": os.environ.get("OWNERVOTE_FACE_READ_TIMEOUT", ""),
    "retries": os.environ.get("OWNERVOTE_FACE_RETRIES", ""),
    "deadline": os.environ.get("OWNERVOTE_FACE_DEADLINE", ""),
}
OWNERVOTE_FACE_CALLBACK_MAX_AGE_SECONDS = 600

# WeChat sign-in (official-account web authorisation, OAuth 2.0): off unless an app id is set.
OWNERVOTE_WECHAT = {
    "app_id": os.environ.get("OWNERVOTE_WECHAT_APP_ID", ""),
    "app_secret": os.environ.get("OWNERVOTE_WECHAT_APP_SECRET", ""),
    "authorize_url": os.environ.get(
        "OWNERVOTE_WECHAT_AUTHORIZE_URL", "https://open.weixin.qq.com/connect/oauth2/authorize"
    ),
    "api_base": os.environ.get("OWNERVOTE_WECHAT_API_BASE", "https://api.weixin.qq.com"),
    # The token set for the account's server address (服务器配置, plaintext mode): it signs the
    # events WeChat pushes to /api/notifications/wechat/events (template delivery reports).
    "token": os.environ.get("OWNERVOTE_WECHAT_TOKEN", ""),
}

# On-site verification photos (R-ID-2): images only, at most this size.
OWNERVOTE_MAX_PHOTO_BYTES = 8 * 1024 * 1024

# Behind a reverse proxy (nginx) set this to the number of proxies that append to
# X-Forwarded-For (usually 1): the client address is what SMS limits per IP count.
OWNERVOTE_TRUSTED_PROXY_COUNT = int(os.environ.get("OWNERVOTE_TRUSTED_PROXY_COUNT", "0"))

# Where the estate poster's QR code points: the public address of the owner pages.
OWNERVOTE_PUBLIC_URL = os.environ.get("OWNERVOTE_PUBLIC_URL", "http://127.0.0.1:8000")

# Background work: Django's task interface (the django-tasks backport) on a database queue, run by
# `manage.py db_worker` (started by `make run`). Durable: a task is a row written in the
# transaction that causes it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# A generated result version whose roll has at least this many flats gets its per-flat PDF
# (分户结果统计表) rendered in the background (results.tasks.prerender), about 2 s per 1,000 flats,
# so that the convener's download is ready; a smaller one is rendered at its first download. Either
# way each version's tables are rendered once and kept encrypted (results.ResultDocument).
OWNERVOTE_PRERENDER_MIN_FLATS = 1000

# A background job (core.jobs: the result's generation, the opening's invitations) records a
# heartbeat with each step it reports; one still running with no heartbeat for this long had its
# worker die under it, and the next worker's tick marks it failed (its page then offers a retry,
# which resumes where it stopped).
OWNERVOTE_JOB_STALE_SECONDS = int(os.environ.get("OWNERVOTE_JOB_STALE_SECONDS", "300"))

# --- The notification outbox (ownervote.notify) -------------------------------------------------
# Messages are rows written with the event that causes them; `manage.py worker` (db_worker plus
# the periodic sweep) sends them. A failed try is retried after backoff_base_seconds, doubling up
# to backoff_max_seconds, until max_attempts; then the message is `failed` (logged). A worker
# holds a message for lease_seconds; after that the sweep (every sweep_seconds) takes it back.
OWNERVOTE_OUTBOX = {
    "max_attempts": int(os.environ.get("OWNERVOTE_OUTBOX_MAX_ATTEMPTS", "10")),
    "backoff_base_seconds": float(os.environ.get("OWNERVOTE_OUTBOX_BACKOFF_BASE_SECONDS", "60")),
    "backoff_max_seconds": float(os.environ.get("OWNERVOTE_OUTBOX_BACKOFF_MAX_SECONDS", "3600")),
    "lease_seconds": float(os.environ.get("OWNERVOTE_OUTBOX_LEASE_SECONDS", "300")),
    "sweep_seconds": float(os.environ.get("OWNERVOTE_OUTBOX_SWEEP_SECONDS", "60")),
    "batch_size": 100,  # messages per deliver task
    # Housekeeping by the sweep: SMS codes older than a day, the SMS log after this many days,
    # finished background tasks after this many days.
    "sent_sms_retention_days": int(os.environ.get("OWNERVOTE_SENT_SMS_RETENTION_DAYS", "180")),
    "task_retention_days": int(os.environ.get("OWNERVOTE_TASK_RETENTION_DAYS", "14")),
}
# WeChat template messages: owners who linked WeChat get their notices there instead of by SMS
# once an app id and the notice template are set (see identity/wechat.py).
OWNERVOTE_WECHAT = {
    **OWNERVOTE_WECHAT,
    "template_backend": os.environ.get(
        "OWNERVOTE_WECHAT_TEMPLATE_BACKEND", "ownervote.identity.wechat.ConsoleTemplateSender"
    ),
    "notice_template_id": os.environ.get("OWNERVOTE_WECHAT_NOTICE_TEMPLATE_ID", ""),
    "notice_fields": dict(
        item.split("=", 1)
        for item in env_list("OWNERVOTE_WECHAT_NOTICE_FIELDS", "title=thing1,estate=thing2,time=time3")
    ),
}

# --- Sessions and browser security headers -------------------------------------------------------
# Idle timeout by kind of account (orgs/sessions.py): staff after a working day, owners after a
# week; the expiry slides, refreshed at most every 5 minutes.
OWNERVOTE_SESSION_IDLE_STAFF_SECONDS = 9 * 3600
OWNERVOTE_SESSION_IDLE_OWNER_SECONDS = 7 * 24 * 3600
OWNERVOTE_SESSION_REFRESH_SECONDS = 300
SESSION_COOKIE_AGE = OWNERVOTE_SESSION_IDLE_OWNER_SECONDS  # an anonymous session (language, SMS step)

# Content-Security-Policy (django-csp): only this site's own scripts and styles, plus inline
# <style>/<script> blocks carrying the request's nonce ({{ request.csp_nonce }}); no inline event
# handlers or style attributes; never framed (WeChat opens pages at the top level, it does not
# frame them). data: images are WeUI's icons and the favicon placeholder; QR codes are inline SVG
# or files from this site. The face provider's page is reached by a redirect after the owner's
# form: OWNERVOTE_CSP_FORM_ACTION lists the origins a form may lead to besides this site (the
# verification view adds them to form-action; README "Face verification").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
OWNERVOTE_CSP_FORM_ACTION = env_list("OWNERVOTE_CSP_FORM_ACTION", "https:")
OWNERVOTE_PERMISSIONS_POLICY = {
    feature: ()
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "hid",
        "midi",
        "magnetometer",
        "gyroscope",
        "accelerometer",
        "display-capture",
        "publickey-credentials-get",
        "browsing-topics",
    )
}
