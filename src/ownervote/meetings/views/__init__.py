"""Pages of meetings (R-MTG-1..8, R-VOTE-4), by kind of page:

- ``console``: the lists, the meeting's page and its actions, its documents, its versions.
- ``editor``: the meeting editor (set up, edit the draft, change the entered meeting) and its live
  timeline; its rows and the earliest date are htmx fragments of the same URL.
- ``guidance``: the street office's list and guidance form (R-MTG-2).
- ``calendar``: the official holiday calendar (R-MTG-4).
- ``public``: the public notice, its PDF and its documents (no sign-in).

Each view parses, calls one service or selector and renders; it catches no service error: a
refusal it shows in place goes through ``core.views.attempt`` or ``core.forms.ServiceForm``, any
other is turned into a page by ``core.middleware.ServiceErrorMiddleware``.
"""
