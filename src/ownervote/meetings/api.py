"""/api/meetings and /api/calendar (being built: issue 4)."""

from ninja import Router

router = Router(tags=["meetings"])
calendar_router = Router(tags=["calendar"])
