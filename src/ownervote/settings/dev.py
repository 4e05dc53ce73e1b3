"""Laptop settings: `make run`. Never use these keys for real data."""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
OWNERVOTE_DEMO = True  # seed_demo and the /demo/ links
# Staff pass a TOTP second factor as in production (the demo accounts have devices); the 2FA page
# shows the current code so that a reviewer can go on. Never in production (check --deploy).
OWNERVOTE_DEMO_TOTP_HINT = True
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-8f2b1c7e"  # noqa: F405
# Fixed development keys so the demo database survives restarts. Production refuses to start
# without real keys (settings/prod.py).
OWNERVOTE_ENCRYPTION_KEYS = OWNERVOTE_ENCRYPTION_KEYS or "dev1:ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM="  # noqa: F405
OWNERVOTE_LOOKUP_KEY = OWNERVOTE_LOOKUP_KEY or "ZGV2LW9ubHktbG9va3VwLWhhc2gta2V5LTMyLWJ5dGVz"  # noqa: F405
VAR_DIR.mkdir(parents=True, exist_ok=True)
STORAGES = {  # no manifest needed with runserver
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The development face provider signs its callbacks with this; a real provider's secret comes
# from the environment.
OWNERVOTE_FACE_OPTIONS = {
    **OWNERVOTE_FACE_OPTIONS,  # noqa: F405
    "secret": OWNERVOTE_FACE_OPTIONS["secret"] or "dev-face-secret",  # noqa: F405
}
