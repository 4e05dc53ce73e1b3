"""Changes to estates and their rosters (R-ROSTER-1..5), one module per reason to change. Each
service is one transaction: scope and permission check (``roster.access``), row lock on the
estate, the change, its RosterChange history row (reason, supporting files, the submitter's real
name) and its audit event.

- ``estates``: registering an estate, its settings;
- ``imports``: a roster file previewed, applied or discarded (``current``: the roster as it stands
  and its digest; ``plan``: what a file would change);
- ``flats``: correcting one flat; ``owners``: one owner's personal data in full;
- ``totals``: the totals computed now and confirmed as a snapshot;
- ``export``: the roster as .xlsx and the template;
- ``history``: the change history row, and reading a change's supporting file.

The names below are re-exported for callers that use ``roster.services.<name>``; new code imports
them from their module.
"""

from .current import roster_digest
from .estates import estate_create, estate_update
from .export import XLSX, export_xlsx, template_xlsx
from .flats import flat_update
from .history import change_file_read
from .imports import (
    IMPORT_END_REASON,
    REMOVED_END_REASON,
    import_apply,
    import_discard,
    import_errors_xlsx,
    import_preview,
)
from .owners import owner_reveal
from .totals import TotalsCheck, flat_facts, totals_check, totals_confirm, totals_current

# ``voting.services.roll`` reads the counting facts under their old private name.
_facts = flat_facts

__all__ = [
    "IMPORT_END_REASON",
    "REMOVED_END_REASON",
    "XLSX",
    "TotalsCheck",
    "change_file_read",
    "estate_create",
    "estate_update",
    "export_xlsx",
    "flat_facts",
    "flat_update",
    "import_apply",
    "import_discard",
    "import_errors_xlsx",
    "import_preview",
    "owner_reveal",
    "roster_digest",
    "template_xlsx",
    "totals_check",
    "totals_confirm",
    "totals_current",
]
