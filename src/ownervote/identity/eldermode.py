"""The elder mode (长辈版) of the owner pages (R-SEC-8): larger text, line spacing and touch
targets, stronger contrast, no timers and no pop-ups, the ballot one item per screen.

Whether a request is in elder mode: a signed-in person's own choice, kept on their account
(``User.elder_mode``, set by ``services.elder_mode_set``), or, before signing in, the choice made
on this browser, kept in its session and carried to the account at sign-in (``carry_to_account``,
connected to Django's ``user_logged_in``). ``context`` gives every template ``elder_mode``;
``owner/base.html`` then marks the page ``<html class="ov-elder">`` and ``owner.css`` does the rest."""

from __future__ import annotations

from . import services

SESSION_KEY = "ownervote_elder_mode"


def is_on(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(getattr(user, "elder_mode", False))
    session = getattr(request, "session", None)
    return bool(session.get(SESSION_KEY, False)) if session is not None else False


def context(request) -> dict:
    """Template context processor: ``elder_mode`` on every page (only the owner pages use it)."""
    return {"elder_mode": is_on(request)}


def carry_to_account(sender, request, user, **kwargs) -> None:
    """At sign-in: elder mode turned on on this browser before signing in is kept on the account
    (it is never turned off this way: a person who chose it elsewhere keeps it)."""
    session = getattr(request, "session", None)
    if session is not None and session.pop(SESSION_KEY, False) and not user.elder_mode:
        services.elder_mode_set(actor=user, on=True)
