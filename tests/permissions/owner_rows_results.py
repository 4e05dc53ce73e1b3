"""/api/results: the result workflow and the public result (art. 25-27; R-RES-1..4).

The world's ``closed`` meeting (estate a, voting closed, zhang voted for 1栋-101): result version 1
generated and submitted to the street office, whose guidance window is open; not publicised.

- Reading the result and its versions (the per-flat table included): the convener and the staff
  who oversee the estate (the street office, the city). Owners and the other convener: 404.
- Closing the voting, generating, submitting, publicising: the convener; the overseeing staff 403.
- Guidance: the street office of the estate's street only.
- Correcting the publicised result (R-SEC-6): the convener; 409 before the publicity.
- The public result and a receipt check: anybody, signed in or not, once publicised; 404 before."""

from __future__ import annotations

from .owner_matrix import OwnerRow, roles

R = "/api/results"

READ = roles(404, 404, 404, 404, 200, 200, 404, 200)
PUBLIC_BEFORE = roles(404, 404, 404, 404, 404, 404, 404, 404, anonymous=404)
PUBLIC = roles(200, 200, 200, 200, 200, 200, 200, 200, anonymous=200)


def _publicised(world: dict) -> None:
    from .test_owner_api_matrix import publicise_result

    publicise_result(world)


def _receipt(world: dict) -> None:
    from ownervote.voting.models import Submission

    world["ids"]["receipt"] = Submission.objects.get(meeting_id=world["ids"]["closed"]).code


def _publicised_receipt(world: dict) -> None:
    _publicised(world)
    _receipt(world)


def _window_over(world: dict) -> None:
    import datetime as dt

    from ownervote.results.models import Result
    from ownervote.results.services import results

    Result.objects.filter(meeting_id=world["ids"]["closed"]).update(
        guidance_ends_on=results.today() - dt.timedelta(days=1)
    )


def _new_version(world: dict) -> None:
    from ownervote.results.services import results

    results.result_generate(
        actor=world["users"]["convener"], meeting_id=world["ids"]["closed"], reason="更正"
    )


def _generation_asked(world: dict) -> None:
    from ownervote.results.services import generation

    generation.result_generation_start(
        actor=world["users"]["convener"], meeting_id=world["ids"]["closed"], reason="补录纸质票"
    )


def _generation_failed(world: dict) -> None:
    from ownervote.core.models import BackgroundJob

    _generation_asked(world)
    BackgroundJob.objects.filter(kind="result.generate").update(status="failed", error="出错了")


def _scans() -> dict:
    from tests.results.scans import files

    return files()


def _publicity(ids: dict) -> dict:
    import datetime as dt

    from ownervote.results.services import results

    today = results.today()
    return {"starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=10)).isoformat()}


ROWS = [
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/result",
        "closed meeting, result submitted",
        f"{R}/meetings/{{closed}}/result",
        READ,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/versions/{{number}}",
        "version 1 with the per-flat table",
        f"{R}/meetings/{{closed}}/versions/1",
        READ,
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/voting-close",
        "closed meeting: stays closed",
        f"{R}/meetings/{{closed}}/voting-close",
        roles(404, 404, 404, 404, 200, 403, 404, 403),
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/voting-close",
        "voting meeting: its period has not passed",
        f"{R}/meetings/{{voting}}/voting-close",
        roles(404, 404, 404, 404, 409, 403, 404, 403),
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result",
        "a second version with its reason",
        f"{R}/meetings/{{closed}}/result",
        roles(404, 404, 404, 404, 202, 403, 404, 403),
        body={"reason": "补录纸质票后重新统计"},
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/result/job",
        "a generation queued (the background job, issue 21)",
        f"{R}/meetings/{{closed}}/result/job",
        READ,
        setup=_generation_asked,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/result/job",
        "none asked for: 404 result.job_not_found for those who see the result",
        f"{R}/meetings/{{closed}}/result/job",
        roles(404, 404, 404, 404, 404, 404, 404, 404),
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/job/retry",
        "none asked for: 404 result.job_not_found for the convener",
        f"{R}/meetings/{{closed}}/result/job/retry",
        roles(404, 404, 404, 404, 404, 403, 404, 403),
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/job/retry",
        "a generation queued: 409 job.not_failed",
        f"{R}/meetings/{{closed}}/result/job/retry",
        roles(404, 404, 404, 404, 409, 403, 404, 403),
        setup=_generation_asked,
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/job/retry",
        "the generation failed: queued again (R-RES-1)",
        f"{R}/meetings/{{closed}}/result/job/retry",
        roles(404, 404, 404, 404, 202, 403, 404, 403),
        setup=_generation_failed,
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/submission",
        "version 1 already submitted",
        f"{R}/meetings/{{closed}}/result/submission",
        roles(404, 404, 404, 404, 409, 403, 404, 403),
        body=lambda ids: _scans(),
        multipart=True,
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/submission",
        "a new version not yet submitted",
        f"{R}/meetings/{{closed}}/result/submission",
        roles(404, 404, 404, 404, 200, 403, 404, 403),
        body=lambda ids: _scans(),
        multipart=True,
        setup=_new_version,
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/guidance",
        "window open",
        f"{R}/meetings/{{closed}}/result/guidance",
        roles(404, 404, 404, 404, 403, 201, 404, 403),
        body={"text": "请补充监票人签字后公示。"},
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/guidance",
        "window over",
        f"{R}/meetings/{{closed}}/result/guidance",
        roles(404, 404, 404, 404, 403, 409, 404, 403),
        body={"text": "迟到的意见"},
        setup=_window_over,
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/publicity",
        "guidance window open, no guidance yet",
        f"{R}/meetings/{{closed}}/result/publicity",
        roles(404, 404, 404, 404, 409, 403, 404, 403),
        body=_publicity,
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/publicity",
        "guidance window over",
        f"{R}/meetings/{{closed}}/result/publicity",
        roles(404, 404, 404, 404, 201, 403, 404, 403),
        body=_publicity,
        setup=_window_over,
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/corrections",
        "not publicised: nothing to correct (R-SEC-6)",
        f"{R}/meetings/{{closed}}/result/corrections",
        roles(404, 404, 404, 404, 409, 403, 404, 403),
        body={"reason": "补录迟到的纸质表决票"},
    ),
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/result/corrections",
        "publicised: the convener corrects (R-SEC-6)",
        f"{R}/meetings/{{closed}}/result/corrections",
        roles(404, 404, 404, 404, 201, 403, 404, 403),
        body={"reason": "补录迟到的纸质表决票"},
        setup=_publicised,
    ),
    OwnerRow(
        f"GET {R}/public/meetings/{{meeting_id}}/result",
        "not publicised",
        f"{R}/public/meetings/{{closed}}/result",
        PUBLIC_BEFORE,
    ),
    OwnerRow(
        f"GET {R}/public/meetings/{{meeting_id}}/result",
        "publicised",
        f"{R}/public/meetings/{{closed}}/result",
        PUBLIC,
        setup=_publicised,
    ),
    OwnerRow(
        f"GET {R}/public/meetings/{{meeting_id}}/receipts/{{code}}",
        "not publicised",
        f"{R}/public/meetings/{{closed}}/receipts/{{receipt}}",
        PUBLIC_BEFORE,
        setup=_receipt,
    ),
    OwnerRow(
        f"GET {R}/public/meetings/{{meeting_id}}/receipts/{{code}}",
        "publicised: zhang's receipt",
        f"{R}/public/meetings/{{closed}}/receipts/{{receipt}}",
        PUBLIC,
        setup=_publicised_receipt,
    ),
]
