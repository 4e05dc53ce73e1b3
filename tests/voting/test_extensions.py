"""Extensions of the voting period (R-VOTE-5, art. 19): the convener requests, the street office
decides, only approval moves the close (and the close task with it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.meetings.models import Meeting
from ownervote.notify.models import Notification
from ownervote.notify.testing import run_worker
from ownervote.voting.models import Extension
from ownervote.voting.services import extensions

pytestmark = pytest.mark.django_db


def ask(world, *, days: float = 2, **fields) -> Extension:
    meeting = world["meeting"]
    args = {
        "reason": "technical",
        "explanation": "短信平台故障，业主两日未收到投票通知。",
        "closes_at": meeting.voting_closes_at + dt.timedelta(days=days),
        **fields,
    }
    return extensions.extension_request(actor=world["convener"], meeting_id=meeting.pk, **args)


def test_request_tells_the_street_office(voting_world):  # R-VOTE-5
    ext = ask(voting_world)
    assert ext.status == Extension.Status.REQUESTED
    assert ext.closes_at_before == voting_world["meeting"].voting_closes_at
    assert Notification.objects.filter(
        user=voting_world["street"], kind="voting.extension_requested"
    ).exists()
    assert AuditEvent.objects.filter(action="voting.extension_requested").count() == 1
    # the request alone moves nothing
    assert Meeting.objects.get(pk=voting_world["meeting"].pk).voting_closes_at == ext.closes_at_before


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"reason": "bored"}, "reason"),
        ({"explanation": "  "}, "explanation"),
        ({"days": -0.01}, "closes_at"),
        ({"days": 0}, "closes_at"),
        ({"closes_at": "not a time"}, "closes_at"),
    ],
)
def test_request_refused_when_invalid(voting_world, fields, field):  # R-VOTE-5
    with pytest.raises(InvalidInput) as exc:
        ask(voting_world, **fields)
    assert field in exc.value.details["fields"]
    assert not Extension.objects.exists()


def test_one_pending_request_at_a_time(voting_world):  # R-VOTE-5
    ask(voting_world)
    with pytest.raises(Conflict) as exc:
        ask(voting_world, days=3)
    assert exc.value.code == "extension.pending"
    assert Extension.objects.count() == 1


def test_only_the_convener_requests(voting_world, staff):  # R-VOTE-5
    meeting = voting_world["meeting"]
    args = {
        "reason": "accident",
        "explanation": "停电",
        "closes_at": meeting.voting_closes_at + dt.timedelta(days=1),
    }
    with pytest.raises(Forbidden):
        extensions.extension_request(actor=voting_world["street"], meeting_id=meeting.pk, **args)
    with pytest.raises(Forbidden):
        extensions.extension_request(actor=voting_world["zhang"], meeting_id=meeting.pk, **args)
    with pytest.raises(NotFound):
        extensions.extension_request(actor=staff["other_convener"], meeting_id=meeting.pk, **args)
    assert not Extension.objects.exists()


def test_approval_moves_the_close_and_tells_everyone(voting_world):  # R-VOTE-5
    meeting = voting_world["meeting"]
    old_close = meeting.voting_closes_at
    ext = ask(voting_world)
    extensions.extension_decide(actor=voting_world["street"], extension_id=ext.pk, approve=True, note="")
    meeting.refresh_from_db()
    assert meeting.voting_closes_at == ext.closes_at_requested
    ext.refresh_from_db()
    assert ext.status == Extension.Status.APPROVED and ext.decided_by == voting_world["street"]
    for user in (voting_world["zhang"], voting_world["li"], voting_world["convener"]):
        assert Notification.objects.filter(user=user, kind="voting.extension_approved").exists()
    assert AuditEvent.objects.filter(action="voting.extension_approved").count() == 1
    # the first close task runs at the old close and does nothing; the new one closes
    run_worker(at=old_close + dt.timedelta(seconds=1))
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.VOTING
    run_worker(at=ext.closes_at_requested + dt.timedelta(seconds=1))
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CLOSED


def test_refusal_needs_a_note_and_changes_nothing(voting_world):  # R-VOTE-5
    meeting = voting_world["meeting"]
    old_close = meeting.voting_closes_at
    ext = ask(voting_world)
    with pytest.raises(InvalidInput):
        extensions.extension_decide(
            actor=voting_world["street"], extension_id=ext.pk, approve=False, note=" "
        )
    assert Extension.objects.get(pk=ext.pk).status == Extension.Status.REQUESTED
    extensions.extension_decide(
        actor=voting_world["street"], extension_id=ext.pk, approve=False, note="理由不充分"
    )
    assert Meeting.objects.get(pk=meeting.pk).voting_closes_at == old_close
    ext.refresh_from_db()
    assert ext.status == Extension.Status.REFUSED and ext.decision_note == "理由不充分"
    assert Notification.objects.filter(
        user=voting_world["convener"], kind="voting.extension_refused"
    ).exists()
    assert not Notification.objects.filter(
        user=voting_world["zhang"], kind__startswith="voting.extension"
    ).exists()
    with pytest.raises(Conflict) as exc:
        extensions.extension_decide(actor=voting_world["street"], extension_id=ext.pk, approve=True)
    assert exc.value.code == "extension.decided"
    assert Meeting.objects.get(pk=meeting.pk).voting_closes_at == old_close
    ask(voting_world, days=1)  # a new request may follow a refusal


def test_only_the_street_office_decides(voting_world, staff):  # R-VOTE-5
    ext = ask(voting_world)
    with pytest.raises(Forbidden):
        extensions.extension_decide(actor=voting_world["convener"], extension_id=ext.pk, approve=True)
    with pytest.raises(Forbidden):
        extensions.extension_decide(actor=staff["city"], extension_id=ext.pk, approve=True)
    with pytest.raises(NotFound):
        extensions.extension_decide(actor=staff["other_street"], extension_id=ext.pk, approve=True)
    with pytest.raises(NotFound):
        extensions.extension_decide(actor=voting_world["street"], extension_id=ext.pk + 999, approve=True)
    assert Extension.objects.get(pk=ext.pk).status == Extension.Status.REQUESTED
    assert Meeting.objects.get(pk=voting_world["meeting"].pk).voting_closes_at == ext.closes_at_before


def test_pages_request_and_decide(voting_world):  # R-VOTE-5
    meeting = voting_world["meeting"]
    convener, street = Client(), Client()
    convener.force_login(voting_world["convener"])
    street.force_login(voting_world["street"])
    new_close = (meeting.voting_closes_at + dt.timedelta(days=2)).astimezone(
        dt.timezone(dt.timedelta(hours=8))
    )
    url = reverse("voting:extension_request", args=[meeting.pk])
    bad = convener.post(
        url, {"reason": "technical", "explanation": "", "closes_at": new_close.strftime("%Y-%m-%dT%H:%M")}
    )
    assert bad.status_code == 422
    ok = convener.post(
        url,
        {"reason": "technical", "explanation": "系统故障", "closes_at": new_close.strftime("%Y-%m-%dT%H:%M")},
    )
    assert ok.status_code == 302
    ext = Extension.objects.get()
    listing = street.get(reverse("voting:extensions"))
    assert listing.status_code == 200 and f'id="vp-ext-{ext.pk}"' in listing.content.decode()
    assert convener.get(reverse("voting:extensions")).status_code == 403
    decide = reverse("voting:extension_decide", args=[ext.pk])
    assert convener.post(decide, {"decision": "approve"}).status_code == 403
    street.post(decide, {"decision": "refuse", "note": ""})
    assert Extension.objects.get().status == Extension.Status.REQUESTED
    street.post(decide, {"decision": "approve", "note": ""})
    assert Extension.objects.get().status == Extension.Status.APPROVED
    assert Meeting.objects.get(pk=meeting.pk).voting_closes_at == new_close.replace(second=0, microsecond=0)


def test_api_request_list_decide(voting_world):  # R-VOTE-5
    meeting = voting_world["meeting"]
    convener, street = Client(), Client()
    convener.force_login(voting_world["convener"])
    street.force_login(voting_world["street"])
    body = {
        "reason": "force_majeure",
        "explanation": "台风",
        "closes_at": (meeting.voting_closes_at + dt.timedelta(days=1)).isoformat(),
    }
    r = convener.post(f"/api/voting/meetings/{meeting.pk}/extensions", body, content_type="application/json")
    assert r.status_code == 201, r.content
    ext_id = r.json()["id"]
    again = convener.post(
        f"/api/voting/meetings/{meeting.pk}/extensions", body, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "extension.pending"
    assert [e["id"] for e in street.get("/api/voting/extensions").json()] == [ext_id]
    assert street.get(f"/api/voting/meetings/{meeting.pk}/extensions").json()[0]["status"] == "requested"
    refused = street.post(
        f"/api/voting/extensions/{ext_id}/decision",
        {"approve": False, "note": ""},
        content_type="application/json",
    )
    assert refused.status_code == 422
    done = street.post(
        f"/api/voting/extensions/{ext_id}/decision", {"approve": True}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert street.get("/api/voting/extensions").json() == []
