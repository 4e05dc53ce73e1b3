"""/api/voting: written proxies (R-VOTE-6, R-VOTE-7; art. 20).

A bound owner gives a proxy for a publicised or voting meeting (201); the convener and the proxy
are told. A proxy holds at most three owners' proxies at once in one estate (409
``proxy.too_many``); one proxy in force per owner per meeting (409 ``proxy.exists``). The grantor
revokes it until the proxy has voted (409 ``proxy.used``); the convener and the proxy are told. The
proxy accepts it (``POST /proxies/{id}/confirm``, signed in with the mobile it names) before voting
for the owner (art. 20); until then the owner still votes. A proxy is seen by its grantor, its
holder (the account verified with the proxy's ID number) and the meeting's convener; everybody
else gets 404. Personal data is masked."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema
from ninja.responses import Status

from ownervote.core.devices import traces
from ownervote.core.schemas import ERRORS, Id
from ownervote.core.views import download

from ..access import Need, access_proxy
from ..documents import PDF
from ..models import Proxy
from ..services import proxies as services
from ..services.proxy_acceptance import proxy_confirm

router = Router(tags=["proxies"])


class ProxyIn(Schema):
    flat_ids: list[Id] = Field(..., description="Flats the grantor is bound to, of one owner")
    name: str
    id_number: str = Field(..., description="The proxy's resident ID card number")
    mobile: str
    matters: str = Field("", description="Empty: every voting item of the meeting")
    authority: str = Field("", description="Empty: at the proxy's own discretion")
    term_from: dt.date
    term_until: dt.date = Field(..., description="At least the day the voting closes")


class ProxyFlatRef(Schema):
    id: int
    label: str


class ProxyOut(Schema):
    id: int
    meeting_id: int
    meeting_title: str
    owner_name_masked: str
    flats: list[ProxyFlatRef]
    name_masked: str
    id_number_masked: str
    mobile_masked: str
    matters: str
    authority: str
    term_from: dt.date
    term_until: dt.date
    status: str
    status_label: str
    voted: bool
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    accepted: bool = Field(
        ..., description="The proxy has confirmed accepting it: only then may the proxy vote"
    )
    accepted_at: dt.datetime | None
    has_document: bool
    role: str = Field(..., description="The caller's part: grantor, holder or convener")


class MyProxiesOut(Schema):
    granted: list[ProxyOut]
    held: list[ProxyOut]


def _out(p: Proxy, role: str, voted: set[int]) -> dict:
    return {
        "id": p.pk,
        "meeting_id": p.meeting_id,
        "meeting_title": p.meeting.title,
        "owner_name_masked": p.owner.name_masked,
        "flats": [{"id": f.pk, "label": services.flat_label(f)} for f in p.flats.all()],
        "name_masked": p.name_masked,
        "id_number_masked": p.id_number_masked,
        "mobile_masked": p.mobile_masked,
        "matters": p.matters,
        "authority": p.authority,
        "term_from": p.term_from,
        "term_until": p.term_until,
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "voted": p.pk in voted,
        "created_at": p.created_at,
        "revoked_at": p.revoked_at,
        "accepted": p.confirmed_at is not None,
        "accepted_at": p.confirmed_at,
        "has_document": p.document_id is not None,
        "role": role,
    }


def _one(request, proxy_id: Id) -> dict:
    seen = access_proxy(request.auth, proxy_id, need=Need.SEE)
    return _out(seen.proxy, seen.role, services.voted_ids([seen.proxy]))


@router.post("/meetings/{meeting_id}/proxies", response={201: ProxyOut, **ERRORS}, summary="Give a proxy")
def grant_proxy(request, meeting_id: Id, body: ProxyIn):
    """A written proxy by a bound owner (R-VOTE-6): rendered as a PDF, the convener and the proxy
    told. 422 `proxy.invalid` (`details.fields`), `proxy.self`, `proxy.mixed_owners`; 403
    `proxy.not_bound`; 409 `proxy.meeting_closed`, `proxy.exists`, `proxy.too_many`."""
    proxy = services.proxy_grant(
        actor=request.auth,
        meeting_id=meeting_id,
        flat_ids=body.flat_ids,
        name=body.name,
        id_number=body.id_number,
        mobile=body.mobile,
        matters=body.matters,
        authority=body.authority,
        term_from=body.term_from,
        term_until=body.term_until,
        **traces(request),
    )
    return Status(201, _one(request, proxy.pk))


@router.get("/meetings/{meeting_id}/proxies", response={200: MyProxiesOut, **ERRORS}, summary="My proxies")
def my_proxies(request, meeting_id: Id):
    """The proxies the caller gave in the meeting (`granted`, revoked ones too) and those in force
    they hold (`held`, by their verified identity)."""
    meeting, granted, held = services.mine(request.auth, meeting_id)
    voted = services.voted_ids(granted + held)
    for p in granted + held:
        p.meeting = meeting
    return {
        "granted": [_out(p, "grantor", voted) for p in granted],
        "held": [_out(p, "holder", voted) for p in held],
    }


@router.get(
    "/meetings/{meeting_id}/proxies/all",
    response={200: list[ProxyOut], **ERRORS},
    summary="A meeting's proxies",
)
def all_proxies(request, meeting_id: Id):
    """Every proxy of the meeting, masked, for its convener (403 `proxy.forbidden` for others who
    see the meeting)."""
    meeting, rows = services.meeting_proxies(request.auth, meeting_id)
    voted = services.voted_ids(rows)
    for p in rows:
        p.meeting = meeting
    return [_out(p, "convener", voted) for p in rows]


@router.get("/proxies/{proxy_id}", response={200: ProxyOut, **ERRORS}, summary="A proxy")
def get_proxy(request, proxy_id: Id):
    return _one(request, proxy_id)


@router.post("/proxies/{proxy_id}/revoke", response={200: ProxyOut, **ERRORS}, summary="Revoke a proxy")
def revoke_proxy(request, proxy_id: Id):
    """By the grantor, until the proxy has voted (409 `proxy.used`; 409 `proxy.revoked` when
    already revoked); the convener and the proxy are told, and the grantor is reminded to vote a
    day before the close (R-VOTE-7)."""
    services.proxy_revoke(actor=request.auth, proxy_id=proxy_id)
    return _one(request, proxy_id)


@router.post("/proxies/{proxy_id}/confirm", response={200: ProxyOut, **ERRORS}, summary="Accept a proxy")
def confirm_proxy(request, proxy_id: Id):
    """The proxy accepts the written proxy (art. 20), signed in with the mobile it names and verified
    with the ID number it names; only then may the proxy vote for the owner (403
    `ballot.proxy_unconfirmed` before). The owner and the convener are told. 403 `proxy.forbidden`
    (the grantor, the convener), `proxy.wrong_mobile` (signed in with another mobile); 409
    `proxy.confirmed`, `proxy.revoked`, `proxy.meeting_closed`."""
    proxy_confirm(actor=request.auth, proxy_id=proxy_id)
    return _one(request, proxy_id)


@router.get(
    "/proxies/{proxy_id}/document",
    response={**ERRORS},
    openapi_extra={
        "responses": {200: {"content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}}
    },
    summary="The written proxy (PDF)",
)
def proxy_document(request, proxy_id: Id):
    """For the grantor, the holder and the convener; the read is logged."""
    stored, content = services.document_read(actor=request.auth, proxy_id=proxy_id)
    return download(content, stored.name, stored.content_type or PDF)
