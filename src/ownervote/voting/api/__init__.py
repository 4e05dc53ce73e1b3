"""/api/voting: casting and receipts, proxies, progress / reminders / extensions, paper counts."""

from ninja import Router

from . import cast, paper, progress, proxies

router = Router()
for _area in (cast, proxies, progress, paper):
    router.add_router("", _area.router)
