"""The project's URLs plus the baseline of the cast benchmark: the least a view can do to store
a ballot in our schema (one transaction: the receipt row, the ballot row, the choices in one
multi-row INSERT), with no session, eligibility, receipt hash, audit, outbox or counters."""

import json
import secrets

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ownervote.urls import urlpatterns as project_urls
from ownervote.voting.models import Ballot, Choice, Submission


@csrf_exempt
def baseline(request, meeting_id: int, user_id: int):
    if request.method != "POST":
        return HttpResponse(status=405)
    body = json.loads(request.body)
    flat_id = body["flat_ids"][0]
    now = timezone.now()
    with transaction.atomic():
        sub = Submission.objects.create(
            meeting_id=meeting_id, code=secrets.token_hex(6), salt="", digest="", user_id=user_id, cast_at=now
        )
        ballot = Ballot.objects.create(
            meeting_id=meeting_id,
            flat_id=flat_id,
            channel="electronic",
            submission=sub,
            cast_by_id=user_id,
            area=1,
            owner_group="",
            cast_at=now,
        )
        Choice.objects.bulk_create(
            [
                Choice(ballot=ballot, meeting_id=meeting_id, item_id=int(k), answer=v, area=1, owner_group="")
                for k, v in body["answers"].items()
            ]
        )
    return JsonResponse({"receipt": sub.code}, status=201)


urlpatterns = [
    path("bench/baseline/<int:meeting_id>/<int:user_id>", baseline),
    *project_urls,
]
