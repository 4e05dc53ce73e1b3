"""The public result page /p/meetings/<id>/result/ (art. 26, 27; R-RES-3, R-RES-4): no sign-in.

From the first day of its publicity, anybody reads the outcome in plain words, the result table,
the publicity period, the version with its result hash and the Merkle root of the ballots, and
downloads the public PDF and the scan of the result table as signed and sealed (R-RES-2), with its
SHA-256; the supervising office's guidance is shown, marked when given after the publicity started
(R-RES-3). A version that corrects a publicised one says so with the reason, and an open
correction is announced (R-SEC-6). Every owner checks their own ballot: the receipt code search says
whether that receipt's ballot was counted and highlights its ballot hash in the full list of the
counted receipts' hashes (paginated, one anchor each). How a ballot voted is never shown here.
Before the publicity: 404.

``root`` /p/meetings/<id>/result/v<n>/root.json: the Merkle root and result hash published for
version n, as JSON, for ``python -m ownervote.verify --public-url`` and any other checker (R-RES-4):
no sign-in, readable from any origin, 404 (the JSON error) for a version not publicised. It also
carries the version's published result (``rules.tally.to_json``), the figures a checker compares its
recount with.

``verify`` /p/meetings/<id>/result/verify/ (核对结果, R-TRUST-4): the browser verifier. The page's
script (static results/verify/page.js with the core core.js, written from docs/ARCHIVE.md) fetches
the owner's archive, recomputes every figure and the Merkle root with exact arithmetic, compares them
with the published result and root (root.json) and finds the owner's ballot by the ballot hash. The
archive itself is an owner's download (bound owners of the estate, R-RES-4); anybody else may choose
an archive file they hold. Same 404 as the result page before the publicity.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ownervote.voting.services.cast import display_code, normalise_code

from .. import panels
from ..access import access_public_result, access_public_version
from ..forms import ReceiptForm
from ..models import ResultGuidance
from ..services import announce, corrections, results
from ..tables.common import convener_named
from .console import result_table


@require_GET
def result(request, meeting_id):
    found = access_public_result(meeting_id)
    meeting = found.meeting
    publicity = found.publicity
    form = ReceiptForm(request.GET or None)
    code = normalise_code(request.GET.get("code", "")) if form.is_valid() else ""
    receipt = results.receipt_for(meeting, code) if code else None
    number = request.GET.get("page")
    if receipt is not None and receipt["counted"] and not number:
        number = receipt["page"]
    guidance = list(
        ResultGuidance.objects.filter(result=found)
        .select_related("organisation")
        .order_by("created_at", "id")
    )
    for g in guidance:  # R-RES-3: guidance given after the publicity started is shown with it
        g.after_publicity = g.created_at >= publicity.published_at
    receipts = Paginator(results.counted_receipts(meeting).only("digest"), results.RECEIPTS_PAGE).get_page(
        number
    )
    response = render(
        request,
        "results/public.html",
        {
            "meeting": meeting,
            "v": found,
            "content": found.content,
            "convener_named": convener_named(found.content),
            # R-SEC-6: which publicised result this corrects, from which day, why and what changed
            "corrects": announce.correction_of(found),
            "correction": corrections.open_correction(meeting),
            "table": result_table(found.content),
            "publicity": publicity,
            "guidance": guidance,
            "form": form,
            "code": code,
            "display": display_code(code) if code else "",
            "receipt": receipt,
            "highlight": receipt["submission"].digest if receipt and receipt["counted"] else "",
            "receipts": receipts,
            # lines the apps above results add (panels.py): R-TRUST-2's objections
            "panel_lines": panels.lines_for(meeting, panels.PUBLIC),
        },
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def root(request, meeting_id, number):
    """The root published for one version (R-RES-4): what a verifier compares an archive with."""
    publicity = access_public_version(meeting_id, number)
    v = publicity.result
    response = JsonResponse(
        {
            "meeting_id": v.meeting_id,
            "version": v.number,
            "merkle_root": v.merkle_root,
            "result_digest": v.digest,
            "publicity": {
                "starts_on": publicity.starts_on.isoformat(),
                "ends_on": publicity.ends_on.isoformat(),
            },
            "current": v.superseded_at is None,
            "result": v.content["result"],  # the published figures (R-TRUST-4)
        }
    )
    response["Cache-Control"] = "no-cache"
    response["Access-Control-Allow-Origin"] = "*"  # a checker in any page may read what is public
    return response


@require_GET
def verify(request, meeting_id):
    """核对结果 (R-TRUST-4): the page the browser verifier runs in; the checking is in its script."""
    found = access_public_result(meeting_id)
    response = render(
        request, "results/verify.html", {"meeting": found.meeting, "v": found, "content": found.content}
    )
    response["Cache-Control"] = "no-cache"
    return response
