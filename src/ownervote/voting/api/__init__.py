"""/api/voting: casting and receipts, proxies, progress / reminders / extensions, paper counts."""

from importlib import import_module

from ninja import Router

router = Router()
for _area in ("cast", "proxies", "progress", "paper"):
    try:
        router.add_router("", import_module(f"ownervote.voting.api.{_area}").router)
    except ModuleNotFoundError as e:  # pragma: no cover - only while the areas are being written
        if e.name != f"ownervote.voting.api.{_area}":
            raise
