"""/api/complaints/: who may complain, read a complaint, handle it and see the figures (R-SEC-4,
rules art. 5(5)).

Any owner of estate a complains, bound or not (zhang, li bound; wang a verified co-owner the roster
lists, not bound); somebody who owns nothing there (newcomer) and staff get 403. A complaint is seen
by its complainant (zhang) and its handling office, the street office of a's street (street);
anybody else gets 404, as for something that does not exist; the complainant sees it but may not
handle it (403). The queue is for street offices and district bureaus; the figures for district
bureaus and the city operator.

Each row's setup files zhang's complaint about estate a (with a photo) inside the rolled-back cell;
``conclude`` rows also have the street office accept it first."""

from __future__ import annotations

from .owner_matrix import OwnerRow, roles

R = "/api/complaints"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
TEXT = "计票时监票人不在场，纸质选票没有当众清点。"


def _filed(world: dict) -> None:
    from ownervote.complaints import services
    from ownervote.core.files import Upload

    complaint = services.complaint_file(
        actor=world["users"]["zhang"],
        estate_id=world["ids"]["a"],
        subject="binding",
        text=TEXT,
        files=[Upload("现场.png", PNG, "image/png")],
    )
    world["ids"]["complaint"] = complaint.pk
    world["ids"]["complaint_file"] = complaint.files.get().pk


def _accepted(world: dict) -> None:
    from ownervote.complaints import services

    _filed(world)
    services.complaint_accept(actor=world["users"]["street"], complaint_id=world["ids"]["complaint"])


# Its complainant and its handling office see it; the complainant may not handle it.
SEE = roles(200, 404, 404, 404, 404, 200, 404, 404)
HANDLE = roles(403, 404, 404, 404, 404, 200, 404, 404)
EVERYBODY = roles(200, 200, 200, 200, 200, 200, 200, 200)

ROWS = [
    OwnerRow(
        route=f"POST {R}",
        case="about a binding in estate a",
        path=R,
        multipart=True,
        body=lambda ids: {"estate_id": ids["a"], "subject": "binding", "text": TEXT},
        expected=roles(201, 201, 201, 403, 403, 403, 403, 403),
    ),
    OwnerRow(
        route=f"POST {R}",
        case="about estate c, where none of them owns a flat",
        path=R,
        multipart=True,
        body=lambda ids: {"estate_id": ids["c"], "subject": "binding", "text": TEXT},
        expected=roles(403, 403, 403, 403, 403, 403, 403, 403),
    ),
    OwnerRow(f"GET {R}/mine", "one's own complaints", f"{R}/mine", EVERYBODY),
    OwnerRow(
        f"GET {R}/queue",
        "the handling office's queue: street offices and district bureaus",
        f"{R}/queue",
        roles(403, 403, 403, 403, 403, 200, 403, 403),
        setup=_filed,
    ),
    OwnerRow(
        f"GET {R}/oversight",
        "the figures: district bureaus and the city operator",
        f"{R}/oversight",
        roles(403, 403, 403, 403, 403, 403, 403, 200),
        setup=_filed,
    ),
    OwnerRow(f"GET {R}/{{complaint_id}}", "zhang's complaint", f"{R}/{{complaint}}", SEE, setup=_filed),
    OwnerRow(
        f"GET {R}/{{complaint_id}}/files/{{file_id}}",
        "its photo (the read is logged)",
        f"{R}/{{complaint}}/files/{{complaint_file}}",
        SEE,
        setup=_filed,
    ),
    OwnerRow(
        f"POST {R}/{{complaint_id}}/accept",
        "accept it",
        f"{R}/{{complaint}}/accept",
        HANDLE,
        body={"note": ""},
        setup=_filed,
    ),
    OwnerRow(
        f"POST {R}/{{complaint_id}}/decline",
        "decline it with a reason",
        f"{R}/{{complaint}}/decline",
        HANDLE,
        body={"reason": "不属于投票事宜。"},
        setup=_filed,
    ),
    OwnerRow(
        f"POST {R}/{{complaint_id}}/conclude",
        "conclude an accepted one",
        f"{R}/{{complaint}}/conclude",
        HANDLE,
        body={"investigation": "调阅录像。", "outcome": "投诉不成立。"},
        setup=_accepted,
    ),
    OwnerRow(
        f"POST {R}/{{complaint_id}}/extend",
        "extend an accepted one's time limit, once, with a reason",
        f"{R}/{{complaint}}/extend",
        HANDLE,
        body={"reason": "需调取监控录像。"},
        setup=_accepted,
    ),
    OwnerRow(
        f"POST {R}/{{complaint_id}}/contact",
        "who complained, in clear (logged)",
        f"{R}/{{complaint}}/contact",
        HANDLE,
        setup=_filed,
    ),
]
