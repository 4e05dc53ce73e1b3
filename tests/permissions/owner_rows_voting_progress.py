"""/api/voting progress, reminders and extensions (R-VOTE-2, R-VOTE-3, R-VOTE-5).

The world's ``voting`` meeting (estate a, voting open now, zhang and li eligible electronically):

- Progress: the convener and the street office of a's street; an owner who has voted in it
  (R-VOTE-3: zhang after a ballot for 1栋-101). Others who see the meeting (the city, an owner who
  has not voted) get 403; who does not see it (wang is not bound, newcomer, the other convener) 404.
- The flats that have not voted and the extension requests: the convener and the street office.
- Reminders and extension requests: the convener only. Decisions: the street office only.
- The opening's invitation job (issue 21): seen as the progress list is (the convener, the street
  office); retried by the convener only, once it failed."""

from __future__ import annotations

import datetime as dt

from .owner_matrix import OwnerRow, roles

R = "/api/voting"


_roles = roles


WATCH = _roles(403, 403, 404, 404, 200, 200, 404, 403)
CONVENER_ONLY = _roles(403, 403, 404, 404, 201, 403, 404, 403)


def _zhang_voted(world: dict) -> None:
    from ownervote.meetings.models import Meeting
    from ownervote.voting.models import RollFlat
    from tests.voting.progress_fixtures import cast

    meeting = Meeting.objects.get(pk=world["ids"]["voting"])
    roll = list(RollFlat.objects.filter(meeting=meeting, flat_id=world["ids"]["flat101"]))
    cast(meeting, roll, user=world["users"]["zhang"])


def _later(ids: dict) -> dict:
    from ownervote.meetings.models import Meeting

    closes = Meeting.objects.get(pk=ids["voting"]).voting_closes_at + dt.timedelta(days=2)
    return {"reason": "technical", "explanation": "短信平台故障两日", "closes_at": closes.isoformat()}


def _pending_extension(world: dict) -> None:
    from ownervote.voting.services import extensions

    ids = world["ids"]
    ext = extensions.extension_request(
        actor=world["users"]["convener"], meeting_id=ids["voting"], **_later(ids)
    )
    ids["extension"] = ext.pk


def _invitations_failed(world: dict) -> None:
    from ownervote.core.models import BackgroundJob

    BackgroundJob.objects.filter(kind="voting.invite", target_id=world["ids"]["voting"]).update(
        status="failed", error="出错了"
    )


ROWS = [
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/invitations/job",
        "voting meeting: the opening's invitation job (issue 21)",
        f"{R}/meetings/{{voting}}/invitations/job",
        WATCH,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/invitations/job",
        "publicised meeting: none yet, 404 invitations.job_not_found for those who watch",
        f"{R}/meetings/{{published}}/invitations/job",
        _roles(403, 403, 404, 404, 404, 404, 404, 403),
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/invitations/job/retry",
        "the job is queued, not failed: 409 job.not_failed",
        f"{R}/meetings/{{voting}}/invitations/job/retry",
        _roles(403, 403, 404, 404, 409, 403, 404, 403),
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/invitations/job/retry",
        "the job failed: queued again",
        f"{R}/meetings/{{voting}}/invitations/job/retry",
        _roles(403, 403, 404, 404, 202, 403, 404, 403),
        setup=_invitations_failed,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/progress",
        "voting meeting, nobody voted",
        f"{R}/meetings/{{voting}}/progress",
        WATCH,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/progress",
        "zhang has voted (R-VOTE-3)",
        f"{R}/meetings/{{voting}}/progress",
        _roles(200, 403, 404, 404, 200, 200, 404, 403),
        setup=_zhang_voted,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/progress",
        "publicised meeting: not open yet",
        f"{R}/meetings/{{published}}/progress",
        _roles(403, 403, 404, 404, 409, 409, 404, 403),
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/not-voted",
        "voting meeting",
        f"{R}/meetings/{{voting}}/not-voted",
        WATCH,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/not-voted",
        "zhang has voted: still not the list",
        f"{R}/meetings/{{voting}}/not-voted",
        WATCH,
        setup=_zhang_voted,
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/reminders",
        "voting meeting",
        f"{R}/meetings/{{voting}}/reminders",
        CONVENER_ONLY,
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/reminders",
        "publicised meeting: voting not open",
        f"{R}/meetings/{{published}}/reminders",
        _roles(403, 403, 404, 404, 409, 403, 404, 403),
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/extensions",
        "voting meeting",
        f"{R}/meetings/{{voting}}/extensions",
        CONVENER_ONLY,
        body=_later,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/extensions",
        "voting meeting",
        f"{R}/meetings/{{voting}}/extensions",
        WATCH,
    ),
    OwnerRow(
        f"GET {R}/extensions",
        "pending requests (empty for anybody but a street office)",
        f"{R}/extensions",
        _roles(200, 200, 200, 200, 200, 200, 200, 200),
    ),
    OwnerRow(
        f"POST {R}/extensions/{{extension_id}}/decision",
        "approve a pending request",
        f"{R}/extensions/{{extension}}/decision",
        _roles(403, 403, 404, 404, 403, 200, 404, 403),
        body={"approve": True, "note": ""},
        setup=_pending_extension,
    ),
]
