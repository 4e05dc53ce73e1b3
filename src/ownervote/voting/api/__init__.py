"""/api/voting: casting and receipts, proxies, progress / reminders / extensions, the opening's
invitations, paper counts."""

from ninja import Router

from . import cast, invitations, paper, progress, proxies

router = Router()
for _area in (cast, proxies, progress, invitations, paper):
    router.add_router("", _area.router)
