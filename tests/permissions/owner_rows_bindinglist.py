"""/api/binding-lists/: who may read the binding list, publish it, and file, read and decide
objections (R-BIND-3, R-BIND-4; art. 14, 15).

The list is seen by the staff who see estate a (convener, street, city) and its owners, bound or
not (zhang, li, and wang: verified, in the roster, not bound; R-BIND-4); newcomer (owns nothing)
and the staff of other places (other_convener) get 404, as for something that does not exist.
Among those who see it, only the convener publishes, extends and decides (403 for the others). Any
owner of a files objections; staff who see the list but own nothing there get 403. An objection is
seen by its filer (li) and the staff who see its estate; the supervising office (street) lists
those left undecided past the publicity.

The world has a publication of estate a running today..today+9 and li's objection to zhang's
binding (filed, undecided)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .owner_matrix import OwnerRow, roles

R = "/api/binding-lists"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


_roles = roles


# Who sees estate a's list: its owners, bound or not, and the staff who see the estate.
SEE_A = _roles(200, 200, 200, 404, 200, 200, 404, 200)
# Only the convener of a changes anything; those who only see get 403.
CONVENER_A = _roles(403, 403, 403, 404, 200, 403, 404, 403)


def _running_end(ids: dict) -> dt.date:
    """The last day of the world's publication: it ran today..today+9 until the world's meetings
    were publicised, which extended it to 10 days from their publicity start (R-BIND-3)."""
    from ownervote.bindinglist.models import Publication

    return Publication.objects.get(pk=ids["publication"]).ends_on


def _later_period(ids: dict) -> dict:
    """A 10-day publicity after the world's: no overlap."""
    starts_on = _running_end(ids) + dt.timedelta(days=1)
    return {
        "starts_on": starts_on.isoformat(),
        "ends_on": (starts_on + dt.timedelta(days=10)).isoformat(),
        "note": "第二次业主大会会议",
    }


def _overlapping_period(ids: dict) -> dict:
    today = timezone.localdate()
    return {"starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=10)).isoformat()}


def _attach_file(world: dict) -> None:
    from ownervote.bindinglist.models import Objection
    from ownervote.core.files import Upload, store

    li = world["users"]["li"]
    stored = store(Upload("产权证明.png", PNG, "image/png"), uploaded_by=li)
    Objection.objects.get(pk=world["ids"]["objection"]).files.add(stored)
    world["ids"]["objection_file"] = stored.pk


ROWS = [
    OwnerRow(
        route=f"GET {R}/estates/{{estate_id}}",
        case="estate a's list",
        path=f"{R}/estates/{{a}}",
        expected=SEE_A,
    ),
    OwnerRow(
        route=f"GET {R}/estates/{{estate_id}}",
        case="estate c's list (Nanshan, nobody of a)",
        path=f"{R}/estates/{{c}}",
        expected=_roles(404, 404, 404, 404, 404, 404, 200, 200),
    ),
    OwnerRow(
        route=f"GET {R}/estates/{{estate_id}}/publications",
        case="estate a",
        path=f"{R}/estates/{{a}}/publications",
        expected=SEE_A,
    ),
    OwnerRow(
        route=f"POST {R}/estates/{{estate_id}}/publications",
        case="10 days after the running one",
        path=f"{R}/estates/{{a}}/publications",
        body=_later_period,
        expected=_roles(403, 403, 403, 404, 201, 403, 404, 403),
    ),
    OwnerRow(
        route=f"POST {R}/estates/{{estate_id}}/publications",
        case="overlapping the running one",
        path=f"{R}/estates/{{a}}/publications",
        body=_overlapping_period,
        expected=_roles(403, 403, 403, 404, 409, 403, 404, 403),
    ),
    OwnerRow(
        route=f"POST {R}/publications/{{publication_id}}/withdraw",
        case="the running publication",
        path=f"{R}/publications/{{publication}}/withdraw",
        body={"reason": "公示日期有误，重新发布"},
        expected=CONVENER_A,
    ),
    OwnerRow(
        route=f"POST {R}/publications/{{publication_id}}/extend",
        case="the running publication, 5 days more (R-BIND-3)",
        path=f"{R}/publications/{{publication}}/extend",
        body=lambda ids: {
            "ends_on": (_running_end(ids) + dt.timedelta(days=5)).isoformat(),
            "reason": "随业主大会会议公示延长",
        },
        expected=CONVENER_A,
    ),
    OwnerRow(
        route=f"GET {R}/estates/{{estate_id}}/list.pdf",
        case="estate a",
        path=f"{R}/estates/{{a}}/list.pdf",
        expected=SEE_A,
    ),
    OwnerRow(
        route=f"GET {R}/estates/{{estate_id}}/list.xlsx",
        case="estate a",
        path=f"{R}/estates/{{a}}/list.xlsx",
        expected=SEE_A,
    ),
    OwnerRow(
        route=f"POST {R}/objections",
        case="against li's binding",
        path=f"{R}/objections",
        multipart=True,
        body=lambda ids: {"binding_id": ids["li_binding"], "reason": "102房的绑定人并非登记的业主本人。"},
        # li: their own binding (422); wang, unbound owner, objects (R-BIND-4); staff own nothing (403).
        expected=_roles(201, 422, 201, 404, 403, 403, 404, 403),
    ),
    OwnerRow(
        route=f"POST {R}/objections",
        case="against zhang's binding",
        path=f"{R}/objections",
        multipart=True,
        body=lambda ids: {
            "binding_id": ids["zhang_binding"],
            "reason": "101房已于去年出售，张三不再是业主。",
        },
        # li already objected to it and the convener is checking (409); zhang: own binding (422).
        expected=_roles(422, 409, 201, 404, 403, 403, 404, 403),
    ),
    OwnerRow(
        route=f"GET {R}/objections",
        case="what each may see (always 200, possibly empty)",
        path=f"{R}/objections?estate_id={{a}}",
        expected=_roles(200, 200, 200, 200, 200, 200, 200, 200),
    ),
    OwnerRow(
        route=f"GET {R}/objections/overdue",
        case="none overdue yet: the supervising office gets the (empty) list (R-BIND-4)",
        path=f"{R}/objections/overdue",
        expected=_roles(403, 403, 403, 403, 403, 200, 403, 403),
    ),
    OwnerRow(
        route=f"GET {R}/objections/{{objection_id}}",
        case="li's objection to zhang's binding",
        path=f"{R}/objections/{{objection}}",
        expected=_roles(404, 200, 404, 404, 200, 200, 404, 200),
    ),
    OwnerRow(
        route=f"POST {R}/objections/{{objection_id}}/decision",
        case="dismissed",
        path=f"{R}/objections/{{objection}}/decision",
        body={
            "upheld": False,
            "check_note": "核对产权登记，张三仍为101房业主。",
            "outcome_note": "异议不成立",
        },
        expected=_roles(404, 403, 404, 404, 200, 403, 404, 403),
    ),
    OwnerRow(
        route=f"POST {R}/objections/{{objection_id}}/decision",
        case="upheld",
        path=f"{R}/objections/{{objection}}/decision",
        body={"upheld": True, "check_note": "核对产权登记，101房已过户。", "outcome_note": "解除101房绑定"},
        expected=_roles(404, 403, 404, 404, 200, 403, 404, 403),
    ),
    OwnerRow(
        route=f"GET {R}/objections/{{objection_id}}/files/{{file_id}}",
        case="a file of li's objection",
        path=f"{R}/objections/{{objection}}/files/{{objection_file}}",
        setup=_attach_file,
        expected=_roles(404, 200, 404, 404, 200, 200, 404, 200),
    ),
]
