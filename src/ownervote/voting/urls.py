"""Voting pages: the owner's ballot and receipt (``views.owner``), proxies (``views.proxies``), the
convener's progress, reminders and extensions (``views.progress``), paper count sessions and
printable ballots (``views.paper``)."""

from importlib import import_module

app_name = "voting"

urlpatterns = []
for _area in ("owner", "proxies", "progress", "paper"):
    try:
        urlpatterns += import_module(f"ownervote.voting.views.{_area}").urlpatterns
    except ModuleNotFoundError as e:  # pragma: no cover - only while the areas are being written
        if e.name != f"ownervote.voting.views.{_area}":
            raise
