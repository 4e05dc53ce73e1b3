"""Every change of meetings (owners' assemblies) and of the holiday calendar, split by reason to
change. Each service is keyword-only and one transaction: the meeting reached through
``access.access_meeting`` (fetch, lock, authorise), the state transition (``Meeting.TRANSITIONS``),
validation with every problem at once (``validation``, ``items``), the change, its audit event
(estate stream) and the messages it causes, written to the outbox in the same transaction.

- ``lifecycle``: set up a draft, edit it in place, enter it (R-MTG-1), cancel it.
- ``changes``: change an entered meeting, as a new version, publicised again (R-MTG-6).
- ``publicity``: publicise it with the binding list, tell the owners (R-MTG-3, R-MTG-5, R-BIND-3).
- ``invitations``: the community committee's invitation (R-MTG-4).
- ``guidance``: the street office's guidance (R-MTG-2).
- ``documents``: the documents publicised with it (R-MTG-5).
- ``calendar``: the holiday calendar's years, the refusals for a missing year, the autumn watch
  (R-MTG-4).

Opening the voting is voting's (``ownervote.voting.services.opening``), on ``signals``.
"""

from .calendar import calendar_event, calendar_watch, calendar_year_save, calendar_year_wanted
from .changes import meeting_change
from .documents import document_add, document_read, document_remove
from .guidance import guidance_give
from .lifecycle import draft_edit, meeting_cancel, meeting_create, meeting_submit
from .publicity import meeting_publish

__all__ = [
    "calendar_event",
    "calendar_watch",
    "calendar_year_save",
    "calendar_year_wanted",
    "document_add",
    "document_read",
    "document_remove",
    "draft_edit",
    "guidance_give",
    "meeting_cancel",
    "meeting_change",
    "meeting_create",
    "meeting_publish",
    "meeting_submit",
]
