"""/api/meetings and /api/calendar: who may see, set up, change, enter, publicise, cancel and
guide a meeting, read its versions, documents and timeline, see their own eligibility, read the
public notice, and keep the holiday calendar (R-MTG-1..7, R-VOTE-4; art. 12, 18, 29).

- A draft is the convener's alone; an entered meeting is seen by the staff who see estate a
  (convener, street, city); a publicised one also by the owners bound in a (zhang, li). Anybody
  else gets 404, as for something that does not exist.
- Only the organisation convening the meeting (convener) changes it: others who see it get 403.
- Only the street office of a's street (street) gives guidance.
- The public notice of a publicised meeting needs no sign-in; before publication it is 404.
- Only the city operator (city) keeps the holiday calendar; everybody signed in reads it.

The world (test_owner_api_matrix.py) has three meetings of estate a: ``draft`` (25 days ahead),
``entered`` (26 days, entered today) and ``published`` (27 days, publicised today, with one
document ``document``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.pdfs import minimal_pdf

from .owner_matrix import OwnerRow, roles

R = "/api/meetings"
C = "/api/calendar"
PDF = minimal_pdf()  # a meeting document must be a whole PDF


_roles = roles


EVERYONE = _roles(200, 200, 200, 200, 200, 200, 200, 200)
SEE_DRAFT = _roles(404, 404, 404, 404, 200, 404, 404, 404)
SEE_ENTERED = _roles(404, 404, 404, 404, 200, 200, 404, 200)
SEE_PUBLISHED = _roles(200, 200, 404, 404, 200, 200, 404, 200)
# Only the convener changes: those who see it get 403.
CHANGE_PUBLISHED = _roles(403, 403, 404, 404, 200, 403, 404, 403)


def _at(days: int, hour: int = 9) -> str:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone(dt.timedelta(hours=8))).isoformat()


def _new_meeting(ids: dict) -> dict:
    return {
        "estate_id": ids["a"],
        "kind": "temporary",
        "title": "临时业主大会会议",
        "place": "碧海花园会所",
        "method": "electronic",
        "starts_at": _at(30),
        "voting_opens_at": _at(30),
        "voting_closes_at": _at(30, 18),
        "topics": [
            {
                "title": "维修资金使用",
                "items": [{"title": "是否使用维修资金更换电梯", "kind": "question", "category": 5}],
            }
        ],
    }


def _pdf(ids: dict) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "kind": "other",
        "title": "会议议程",
        "file": SimpleUploadedFile("议程.pdf", PDF, "application/pdf"),
    }


def _paper(ids: dict) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_owner_api_matrix import PNG

    posted = timezone.localtime(timezone.now() - dt.timedelta(minutes=1)).isoformat()
    return {
        "place": "1栋大堂公告栏",
        "posted_at": posted,
        "flat_ids": [ids["flat101"]],
        "photo": SimpleUploadedFile("wall.png", PNG, "image/png"),
    }


CALENDAR_2027 = {"holidays": ["2027-01-01"], "workdays": [], "source": "国务院办公厅通知（测试）"}

ROWS = [
    # --- lists ------------------------------------------------------------------------------
    OwnerRow(
        route=f"GET {R}",
        case="what each may see (always 200, possibly empty)",
        path=R,
        expected=EVERYONE,
    ),
    OwnerRow(
        route=f"GET {R}/to-guide",
        case="a street office's meetings (empty for the others)",
        path=f"{R}/to-guide",
        expected=EVERYONE,
    ),
    # --- set up -----------------------------------------------------------------------------
    OwnerRow(
        route=f"POST {R}",
        case="a meeting of estate a (R-MTG-1)",
        path=R,
        body=_new_meeting,
        expected=_roles(404, 404, 404, 404, 201, 403, 404, 403),
    ),
    OwnerRow(
        route=f"POST {R}/timeline-preview",
        case="a new meeting's dates (saves nothing)",
        path=f"{R}/timeline-preview",
        body={"starts_at": _at(25)},
        expected=EVERYONE,
    ),
    OwnerRow(
        route=f"POST {R}/timeline-preview",
        case="a change of the published meeting",
        path=f"{R}/timeline-preview",
        body=lambda ids: {"starts_at": _at(28), "meeting_id": ids["published"]},
        expected=SEE_PUBLISHED,
    ),
    # --- one meeting ------------------------------------------------------------------------
    OwnerRow(route=f"GET {R}/{{meeting_id}}", case="a draft", path=f"{R}/{{draft}}", expected=SEE_DRAFT),
    OwnerRow(route=f"GET {R}/{{meeting_id}}", case="entered", path=f"{R}/{{entered}}", expected=SEE_ENTERED),
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}", case="publicised", path=f"{R}/{{published}}", expected=SEE_PUBLISHED
    ),
    OwnerRow(
        route=f"PATCH {R}/{{meeting_id}}",
        case="a draft's place",
        path=f"{R}/{{draft}}",
        body={"place": "社区活动中心"},
        expected=SEE_DRAFT,
    ),
    OwnerRow(
        route=f"PATCH {R}/{{meeting_id}}",
        case="a publicised meeting's place (R-MTG-6)",
        path=f"{R}/{{published}}",
        body={"reason": "会所装修", "place": "社区活动中心"},
        expected=CHANGE_PUBLISHED,
    ),
    OwnerRow(
        route=f"POST {R}/{{meeting_id}}/submit",
        case="enter the draft (R-MTG-1)",
        path=f"{R}/{{draft}}/submit",
        expected=SEE_DRAFT,
    ),
    OwnerRow(
        route=f"POST {R}/{{meeting_id}}/publish",
        case="publicise the entered meeting (R-MTG-3)",
        path=f"{R}/{{entered}}/publish",
        expected=_roles(404, 404, 404, 404, 200, 403, 404, 403),
    ),
    OwnerRow(
        route=f"POST {R}/{{meeting_id}}/cancel",
        case="the publicised meeting",
        path=f"{R}/{{published}}/cancel",
        body={"reason": "疫情防控要求暂停聚集"},
        expected=CHANGE_PUBLISHED,
    ),
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/timeline",
        case="publicised",
        path=f"{R}/{{published}}/timeline",
        expected=SEE_PUBLISHED,
    ),
    # --- proof of service of the notice (R-MTG-10): the convener, its supervisor, the city ------
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/service",
        case="who reached which flat: not for the owners",
        path=f"{R}/{{published}}/service",
        expected=_roles(403, 403, 404, 404, 200, 200, 404, 200),
    ),
    OwnerRow(
        route=f"POST {R}/{{meeting_id}}/service/paper",
        case="a posted paper notice for 1栋-101: the convener only",
        path=f"{R}/{{published}}/service/paper",
        body=_paper,
        multipart=True,
        expected=_roles(403, 403, 404, 404, 201, 403, 404, 403),
    ),
    # --- documents (R-MTG-5) ----------------------------------------------------------------
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/documents",
        case="publicised",
        path=f"{R}/{{published}}/documents",
        expected=SEE_PUBLISHED,
    ),
    OwnerRow(
        route=f"POST {R}/{{meeting_id}}/documents",
        case="attach an agenda",
        path=f"{R}/{{published}}/documents",
        body=_pdf,
        multipart=True,
        expected=_roles(403, 403, 404, 404, 201, 403, 404, 403),
    ),
    OwnerRow(
        route=f"DELETE {R}/{{meeting_id}}/documents/{{document_id}}",
        case="the publicised meeting's document",
        path=f"{R}/{{published}}/documents/{{document}}",
        expected=CHANGE_PUBLISHED,
    ),
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/documents/{{document_id}}/file",
        case="the publicised meeting's document",
        path=f"{R}/{{published}}/documents/{{document}}/file",
        expected=SEE_PUBLISHED,
    ),
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/documents/{{document_id}}/file",
        case="named under the draft: not found",
        path=f"{R}/{{draft}}/documents/{{document}}/file",
        expected=_roles(404, 404, 404, 404, 404, 404, 404, 404),
    ),
    # --- guidance (R-MTG-2) -----------------------------------------------------------------
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/guidance",
        case="entered",
        path=f"{R}/{{entered}}/guidance",
        expected=SEE_ENTERED,
    ),
    OwnerRow(
        route=f"POST {R}/{{meeting_id}}/guidance",
        case="on the entered meeting, within the window",
        path=f"{R}/{{entered}}/guidance",
        body={"text": "请补充会议议程。"},
        expected=_roles(404, 404, 404, 404, 403, 201, 404, 403),
    ),
    # --- versions (R-MTG-6) -----------------------------------------------------------------
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/versions",
        case="publicised",
        path=f"{R}/{{published}}/versions",
        expected=SEE_PUBLISHED,
    ),
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/diff",
        case="publicised, version 1 with itself",
        path=f"{R}/{{published}}/diff?a=1&b=1",
        expected=SEE_PUBLISHED,
    ),
    # --- owners -----------------------------------------------------------------------------
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/notice",
        case="publicised: public, no sign-in (art. 29)",
        path=f"{R}/{{published}}/notice",
        expected=_roles(200, 200, 200, 200, 200, 200, 200, 200, anonymous=200),
    ),
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/notice",
        case="a draft has no notice",
        path=f"{R}/{{draft}}/notice",
        expected=_roles(404, 404, 404, 404, 404, 404, 404, 404, anonymous=404),
    ),
    OwnerRow(
        route=f"GET {R}/{{meeting_id}}/eligibility",
        case="one's own rows of the publicised meeting (R-VOTE-4)",
        path=f"{R}/{{published}}/eligibility",
        expected=SEE_PUBLISHED,
    ),
    # --- the holiday calendar (R-MTG-4) -----------------------------------------------------
    OwnerRow(route=f"GET {C}/years", case="public to the signed-in", path=f"{C}/years", expected=EVERYONE),
    OwnerRow(route=f"GET {C}/years/{{year}}", case="2026", path=f"{C}/years/2026", expected=EVERYONE),
    OwnerRow(
        route=f"PUT {C}/years/{{year}}",
        case="enter 2027: the city operator only",
        path=f"{C}/years/2027",
        body=CALENDAR_2027,
        expected=_roles(403, 403, 403, 403, 403, 403, 403, 200),
    ),
]
