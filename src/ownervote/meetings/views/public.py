"""The public pages of a publicised meeting (no sign-in, art. 12, 29): ``public`` the notice page,
``public_pdf`` the notice to print and seal, ``public_document`` a document publicised with it.
Anything not publicised is the 404 page (``core.middleware``)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ownervote.core import files
from ownervote.core.views import download

from .. import documents, selectors
from ..access import access_public_document, access_public_meeting
from .common import notice_filename


@require_GET
def public(request, meeting_id):
    """The meeting's public notice (art. 12, 29): anybody with the link or the QR code."""
    meeting = access_public_meeting(meeting_id)
    notice = documents.notice_for(meeting)
    user = request.user
    return render(
        request,
        "meetings/public.html",
        {
            "n": notice,
            "meeting": meeting,
            "owner_tab": "home",
            "binding_list_url": reverse("bindinglist:owner", args=[meeting.estate_id]),
            "estate_url": reverse("portal:estate", args=[meeting.estate_id]),
            "eligibility": selectors.eligibility_for(user, meeting) if user.is_authenticated else [],
            "voting_opened": meeting.voting_opened_at is not None,
            # art. 26: once its result is publicised, the notice leads to it
            "result_publicised": meeting.result_publicities.filter(
                starts_on__lte=timezone.localdate(timezone.now(), selectors.beijing())
            ).exists(),
        },
    )


@never_cache
@require_GET
def public_pdf(request, meeting_id):
    meeting = access_public_meeting(meeting_id)
    return download(
        documents.notice_pdf(documents.notice_for(meeting)),
        notice_filename(meeting),
        documents.PDF,
        private=False,
    )


@require_GET
def public_document(request, meeting_id, document_id):
    """A document publicised with the meeting (for a first assembly, the owner list, totals and the
    draft rules, art. 12 para. 3)."""
    document = access_public_document(request.user, meeting_id, document_id)
    return download(files.read(document.file), document.file.name, document.file.content_type, private=False)
