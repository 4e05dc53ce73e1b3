"""Production: gunicorn behind a reverse proxy that terminates TLS.

Required environment: OWNERVOTE_SECRET_KEY, OWNERVOTE_ENCRYPTION_KEYS, OWNERVOTE_LOOKUP_KEY,
DATABASE_URL (PostgreSQL), OWNERVOTE_ALLOWED_HOSTS.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import OWNERVOTE_ENCRYPTION_KEYS, OWNERVOTE_LOOKUP_KEY, SECRET_KEY

for _name, _value in [
    ("OWNERVOTE_SECRET_KEY", SECRET_KEY),
    ("OWNERVOTE_ENCRYPTION_KEYS", OWNERVOTE_ENCRYPTION_KEYS),
    ("OWNERVOTE_LOOKUP_KEY", OWNERVOTE_LOOKUP_KEY),
]:
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in production")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer checks over plain HTTP
# Every staff account signs in with a TOTP second factor (base.OWNERVOTE_REQUIRE_2FA_KINDS); the
# demo's code hint never shows.
OWNERVOTE_DEMO_TOTP_HINT = False
# One cache for every gunicorn worker (the registration limiter counts in it): the database's
# (`manage.py createcachetable` once, README "Production").
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ownervote_cache"}
}

# The development face provider answers "passed" to whoever clicks: never in production. Without
# a secret it starts nothing (503 face.unavailable), and check --deploy refuses it
# (verification.E001): configure Tencent Cloud FaceID (README "Face verification").
if OWNERVOTE_FACE_BACKEND.endswith(".DevFaceProvider"):  # noqa: F405
    OWNERVOTE_FACE_OPTIONS = {**OWNERVOTE_FACE_OPTIONS, "secret": ""}  # noqa: F405

# WeChat template messages go through WeChat itself unless a backend is named.
if not os.environ.get("OWNERVOTE_WECHAT_TEMPLATE_BACKEND"):  # noqa: F405
    OWNERVOTE_WECHAT = {**OWNERVOTE_WECHAT, "template_backend": "ownervote.identity.wechat.TemplateSender"}  # noqa: F405
