"""The casting API and the owner's pages (R-VOTE-1, R-VOTE-3, R-VOTE-8): the same service behind
both; plain forms that work without JavaScript."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from ownervote.voting.models import Ballot, Representative, Submission
from ownervote.voting.services import cast

R = "/api/voting"


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_api_cast_receipt_and_my_ballots(cast_world):  # R-VOTE-1 R-VOTE-3
    w = cast_world
    zhang = _client(w["zhang"])
    m = w["meeting"].pk
    flats = zhang.get(f"{R}/meetings/{m}/flats").json()
    assert flats == [
        {
            "flat_id": w["flat"]["1栋-101"],
            "flat": "1栋-101",
            "via": "owner",
            "proxy_id": None,
            "can_vote": True,
            "code": "",
            "reason": "",
            "voted_at": None,
            "area": "89.50",
            "submit_with": [w["flat"]["1栋-101"]],
        }
    ]
    body = {"flat_ids": [w["flat"]["1栋-101"]], "answers": {str(w["question"].pk): "no"}}
    r = zhang.post(f"{R}/meetings/{m}/ballots", body, content_type="application/json")
    assert r.status_code == 201, r.content
    receipt = r.json()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", receipt["code"])
    assert receipt["flats"] == ["1栋-101"] and receipt["partial"] is True and len(receipt["digest"]) == 64
    # a second ballot: 409 with when, never how
    r = zhang.post(f"{R}/meetings/{m}/ballots", body, content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "ballot.already_voted"
    assert "voted_at" in r.json()["error"]["details"]
    mine = zhang.get(f"{R}/meetings/{m}/my-ballots").json()
    assert [a["answer"] for a in mine[0]["answers"] if a["item_id"] == w["question"].pk] == ["no"]
    # the public check: no sign-in, no answers
    r = Client().get(f"{R}/receipts/{receipt['code'].lower()}")
    assert r.status_code == 200
    assert r.json() == {
        "code": receipt["code"],
        "meeting_id": m,
        "meeting": w["meeting"].title,
        "estate": w["meeting"].estate.name,
        "cast_at": receipt["cast_at"],
        "digest": receipt["digest"],
    }
    assert Client().get(f"{R}/receipts/XXXX").status_code == 404


def test_api_group_and_representatives(cast_world):  # R-TALLY-9 R-VOTE-8
    w = cast_world
    m = w["meeting"].pk
    r = _client(w["zhao"]).post(
        f"{R}/meetings/{m}/ballots",
        {"flat_ids": [w["flat"]["1栋-201"]], "answers": w["answers"]},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "ballot.group_incomplete"
    li = _client(w["li"])
    r = li.post(
        f"{R}/meetings/{m}/representatives",
        {"flat_id": w["flat"]["1栋-102"], "user_id": w["wang"].pk},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "proposed"
    rows = _client(w["wang"]).get(f"{R}/meetings/{m}/representatives").json()
    assert rows[0]["flat"] == "1栋-102" and rows[0]["status"] == "proposed"
    assert {c["user_id"]: c["consented"] for c in rows[0]["co_owners"]} == {
        w["li"].pk: True,
        w["wang"].pk: False,
    }
    r = _client(w["wang"]).post(f"{R}/representatives/{r.json()['id']}/consent")
    assert r.status_code == 200 and r.json()["status"] == "effective"
    r = li.post(
        f"{R}/meetings/{m}/ballots",
        {"flat_ids": [w["flat"]["1栋-102"]], "answers": w["answers"]},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "ballot.representative"


def test_pages_vote_review_submit_receipt_without_javascript(cast_world):  # R-VOTE-1 R-VOTE-3
    w = cast_world
    m = w["meeting"].pk
    zhang = _client(w["zhang"])
    page = zhang.get(reverse("voting:vote", args=[m]))
    assert page.status_code == 200
    form_url = _form_url(page.content.decode())
    assert "1栋-101" in page.content.decode()
    form = zhang.get(form_url)
    assert form.status_code == 200
    html = form.content.decode()
    assert f'name="item_{w["question"].pk}" value="yes"' in html
    assert all(f'value="{c.pk}"' in html for c in w["candidates"])
    data = {"flats": str(w["flat"]["1栋-101"]), f"item_{w['question'].pk}": "yes"}
    # too many candidates: the form again, with the item's message, nothing written
    bad = zhang.post(
        reverse("voting:ballot_form", args=[m]),
        {**data, f"item_{w['election'].pk}": [c.pk for c in w["candidates"]], "action": "review"},
    )
    assert bad.status_code == 422 and "最多选" in bad.content.decode()
    review = zhang.post(reverse("voting:ballot_form", args=[m]), {**data, "action": "review"})
    assert review.status_code == 200
    text = review.content.decode()
    assert 'id="blank-warning"' in text and w["election"].title in text  # the blank item is named
    assert Submission.objects.count() == 0
    done = zhang.post(reverse("voting:ballot_form", args=[m]), {**data, "action": "submit"})
    assert done.status_code == 302 and done["Location"] == reverse("voting:ballot", args=[m])
    sub = Submission.objects.get()
    mine = zhang.get(reverse("voting:ballot", args=[m])).content.decode()
    assert cast.display_code(sub.code) in mine and sub.digest in mine
    assert 'id="progress"' in mine  # R-VOTE-3: who voted sees the progress
    assert Ballot.objects.get().partial
    # the public receipt check page
    check = Client().get(reverse("voting:receipt_check"), {"code": cast.display_code(sub.code)})
    assert check.status_code == 200 and sub.digest in check.content.decode()
    assert w["question"].title not in check.content.decode()
    assert Client().get(reverse("voting:receipt_check"), {"code": "nope"}).status_code == 404
    # the flat is done: the vote page says so, the form sends back
    again = zhang.get(form_url)
    assert again.status_code == 302


def test_pages_representative_forms(cast_world):  # R-VOTE-8
    w = cast_world
    m = w["meeting"].pk
    li = _client(w["li"])
    page = li.get(reverse("voting:vote", args=[m])).content.decode()
    assert 'id="representatives"' in page
    r = li.post(
        reverse("voting:representative_propose", args=[m]),
        {"flat_id": w["flat"]["1栋-102"], "user_id": w["li"].pk},
    )
    assert r.status_code == 302
    rep = Representative.objects.get()
    r = _client(w["wang"]).post(reverse("voting:representative_consent", args=[rep.pk]))
    assert r.status_code == 302
    rep.refresh_from_db()
    assert rep.status == "effective"
    page = _client(w["wang"]).get(reverse("voting:vote", args=[m])).content.decode()
    assert "ballot.representative" in page  # wang's flat: li votes it


def test_pages_need_sign_in_and_visibility(cast_world, staff):
    w = cast_world
    m = w["meeting"].pk
    r = Client().get(reverse("voting:vote", args=[m]))
    assert r.status_code == 302 and "/m/login/" in r["Location"]
    assert _client(staff["other_convener"]).get(reverse("voting:vote", args=[m])).status_code == 404
    assert _client(w["newcomer"]).get(reverse("voting:ballot", args=[m])).status_code == 404


def _form_url(html: str) -> str:
    found = re.search(r'href="(/m/meetings/\d+/vote/ballot/\?[^"]+)"', html)
    assert found, html
    return found.group(1).replace("&amp;", "&")
