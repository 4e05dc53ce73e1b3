"""/api/objections/: the whole life of an objection by API, with its structured refusals (R-TRUST-2)."""

from __future__ import annotations

import pytest

from ownervote.objections.models import ResultObjection

R = "/api/objections"
J = "application/json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(client):
    def login(user):
        client.logout()
        client.force_login(user)
        return client

    return login


def test_r_trust_2_raise_answer_dispute_by_api(as_, publicised_world):
    w = publicised_world
    meeting = w["meeting"]
    flat = w["flats"]["1栋-102"]
    c = as_(w["wang"])
    made = c.post(R, {"meeting_id": meeting.pk, "flat_id": flat.pk, "kind": "never_voted"}, content_type=J)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["flat"] == "1栋-102" and body["status"] == "open"
    assert body["answer_by"] == w["publicity"].ends_on.isoformat()
    assert [o["id"] for o in c.get(f"{R}/mine").json()] == [body["id"]]
    early = c.post(f"{R}/{body['id']}/accept")
    assert early.status_code == 409 and early.json()["error"]["code"] == "objection.not_answered"
    self_answer = c.post(f"{R}/{body['id']}/answer", {"answer": "自答"}, content_type=J)
    assert self_answer.status_code == 403 and self_answer.json()["error"]["code"] == "objection.forbidden"

    k = as_(w["convener"])
    listed = k.get(f"{R}/meetings/{meeting.pk}")
    assert [o["id"] for o in listed.json()] == [body["id"]]
    empty = k.post(f"{R}/{body['id']}/answer", {"answer": " "}, content_type=J)
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "objection.answer_required"
    answered = k.post(f"{R}/{body['id']}/answer", {"answer": "该票由共有人投出。"}, content_type=J)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    twice = k.post(f"{R}/{body['id']}/answer", {"answer": "再答"}, content_type=J)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "objection.already_answered"

    c = as_(w["wang"])
    disputed = c.post(f"{R}/{body['id']}/dispute", {"reason": "未授权"}, content_type=J)
    assert disputed.status_code == 200 and disputed.json()["status"] == "disputed"
    assert disputed.json()["complaint_id"]

    counts = as_(w["zhang"]).get(f"{R}/meetings/{meeting.pk}/counts")
    assert counts.json() == {"raised": 1, "answered": 1}


def test_r_trust_2_api_refusals_are_structured_and_change_nothing(as_, publicised_world):
    w = publicised_world
    meeting = w["meeting"]
    c = as_(w["wang"])
    other = c.post(
        R,
        {"meeting_id": meeting.pk, "flat_id": w["flats"]["1栋-101"].pk, "kind": "never_voted"},
        content_type=J,
    )
    assert other.status_code == 422 and other.json()["error"]["code"] == "objection.not_own_flat"
    bad_kind = c.post(
        R, {"meeting_id": meeting.pk, "flat_id": w["flats"]["1栋-102"].pk, "kind": "referred"}, content_type=J
    )
    assert bad_kind.status_code == 422
    stranger = as_(w["newcomer"]).post(
        R,
        {"meeting_id": meeting.pk, "flat_id": w["flats"]["1栋-102"].pk, "kind": "never_voted"},
        content_type=J,
    )
    assert stranger.status_code == 403 and stranger.json()["error"]["code"] == "objection.not_owner"
    assert as_(w["zhang"]).get(f"{R}/meetings/{meeting.pk}").status_code == 404
    assert not ResultObjection.objects.exists()


def test_r_trust_2_counts_are_public_only_once_publicised(client, voting_world):
    assert client.get(f"{R}/meetings/{voting_world['meeting'].pk}/counts").status_code == 404
