"""The ways an owner can sign in, behind one small interface: each method has a name, a label
for the sign-in page, the page that starts it, and whether this site has it on.

- ``sms``: a code texted to the mobile number; always on (it is also how every other method
  proves the number).
- ``wechat``: WeChat official-account authorisation (``identity.wechat``); on when
  ``OWNERVOTE_WECHAT["app_id"]`` is set. A WeChat user seen for the first time proves a mobile
  number with an SMS code once; after that WeChat alone signs them in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import wechat

# Every method ends in django.contrib.auth's ``login(request, user, backend=AUTH_BACKEND)``.
AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class SignInMethod:
    name: str
    label: Promise | str
    start_url_name: str
    _enabled: Callable[[], bool]

    @property
    def enabled(self) -> bool:
        return bool(self._enabled())


METHODS: tuple[SignInMethod, ...] = (
    SignInMethod("sms", _("Text message code"), "identity:login", lambda: True),
    SignInMethod("wechat", _("Sign in with WeChat"), "identity:wechat_start", wechat.enabled),
)


def get(name: str) -> SignInMethod:
    for method in METHODS:
        if method.name == name:
            return method
    raise KeyError(name)


def is_enabled(name: str) -> bool:
    try:
        return get(name).enabled
    except KeyError:
        return False


def enabled_methods() -> list[SignInMethod]:
    return [m for m in METHODS if m.enabled]
