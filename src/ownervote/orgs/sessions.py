"""How long a signed-in session lasts when it is not used (the idle timeout), by kind of account.

Staff sessions end after a working day without a request (``OWNERVOTE_SESSION_IDLE_STAFF_SECONDS``,
9 hours): a console left open overnight on an office computer is signed out by morning. Owners'
end after a week (``OWNERVOTE_SESSION_IDLE_OWNER_SECONDS``): they open the owner pages from
WeChat now and then, and signing in again costs them an SMS.

The expiry slides: every request moves it forward, but the session row is rewritten at most every
``OWNERVOTE_SESSION_REFRESH_SECONDS`` (5 minutes), not on every request (``SESSION_SAVE_EVERY_REQUEST``
would write the session table on every page, htmx poll and API call). So a session ends between
``idle - refresh`` and ``idle`` after its last request. The expiry is the session row's
``expire_date``, which Django checks when it loads the session: it holds on the server, whatever
the browser does with its cookie. Set at sign-in (the first response of a new session) and
recomputed at each refresh, so an owner who becomes staff gets the staff limit.
The sign-in itself sets it (``on_sign_in``, connected to ``user_logged_in``).
"""

from __future__ import annotations

import time

from django.conf import settings

from .staff import is_staff_account

SEEN_KEY = "_ov_refreshed_at"


def idle_seconds(user) -> int:
    if is_staff_account(user):
        return int(settings.OWNERVOTE_SESSION_IDLE_STAFF_SECONDS)
    return int(settings.OWNERVOTE_SESSION_IDLE_OWNER_SECONDS)


def _slide(session, user, now: int) -> None:
    session[SEEN_KEY] = now
    session.set_expiry(idle_seconds(user))


def on_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the new session gets its kind's limit at once (not at its next request,
    which would cost a write then)."""
    session = getattr(request, "session", None)
    if session is not None:
        _slide(session, user, int(time.time()))


class SessionIdleMiddleware:
    """After the view (so that a sign-in in this request counts), slide the session's expiry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return response
        now = int(time.time())
        refreshed = session.get(SEEN_KEY)
        if not isinstance(refreshed, int) or now - refreshed >= settings.OWNERVOTE_SESSION_REFRESH_SECONDS:
            _slide(session, user, now)
        return response
