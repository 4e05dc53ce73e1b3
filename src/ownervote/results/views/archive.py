"""The result's archive as a download (R-RES-4, art. 27; format in docs/ARCHIVE.md):

- ``console_archive`` /console/meetings/<id>/result/archive.json: the convener and the supervising
  staff, the current version, once a result was generated (each export is audited);
- ``owner_archive`` /m/meetings/<id>/result/archive.json: owners bound in the estate, the
  publicised version, from the first day of its publicity;
- ``console_filing`` /console/meetings/<id>/result/filing.json: the publicised result for filing
  (备案, R-DATA-1; format in docs/filing-format.md), for the convener and the supervising staff
  (each export is audited); ``?version=n`` for an earlier publicised version.

Who may not download it gets a 404, as if the meeting did not exist. When the archive cannot be
made (no result yet, or the ballots changed after the version), the page the link came from is
shown again with the reason."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ownervote.core.params import int_param
from ownervote.core.views import attempt, console_view, download
from ownervote.identity.decorators import owner_view

from ..services import export, filing


def _file(data: dict):
    return download(export.to_bytes(data), export.filename(data), export.CONTENT_TYPE)


@never_cache
@console_view
@require_GET
def console_archive(request, meeting_id: int):
    made = attempt(export.staff_archive, actor=request.user, meeting_id=meeting_id)
    if made.refused:
        messages.error(request, made.message)
        return redirect(reverse("results:console", args=[meeting_id]))
    return _file(made.value)


@never_cache
@owner_view
@require_GET
def owner_archive(request, meeting_id: int):
    made = attempt(export.owner_archive, actor=request.user, meeting_id=meeting_id)
    if made.refused:
        messages.error(request, made.message)
        return redirect(reverse("results:public", args=[meeting_id]))
    return _file(made.value)


@never_cache
@console_view
@require_GET
def console_filing(request, meeting_id: int):
    made = attempt(
        filing.filing_export,
        actor=request.user,
        meeting_id=meeting_id,
        number=int_param(request.GET.get("version")),
    )
    if made.refused:
        messages.error(request, made.message)
        return redirect(reverse("results:console", args=[meeting_id]))
    return download(made.value.content, made.value.filename, filing.CONTENT_TYPE)
