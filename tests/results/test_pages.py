"""The result console and the public result page (art. 25-27; R-RES-1..4), rendered for each role
(in Chinese: the tests run with zh-hans active, so they assert data and element ids, never text)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.meetings.models import Meeting
from ownervote.notify.testing import run_worker
from ownervote.results import texts
from ownervote.results.models import Result, ResultGuidance, ResultPublicity
from ownervote.results.services import results
from ownervote.voting.services import cast
from tests.voting.paper_fixtures import close_now

from .scans import files
from .test_services import close, generated, make_closed, publicise, submitted, window_over

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_world(voting_world):
    return make_closed(voting_world)


def client_for(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def console(w):
    return reverse("results:console", args=[w["meeting"].pk])


def post(w, user, name: str, data=None):
    return client_for(user).post(reverse(f"results:{name}", args=[w["meeting"].pk]), data or {})


# --- the console, by role ----------------------------------------------------------------------


def test_console_is_chinese_and_closes_the_voting_once_the_period_passed(voting_world):  # R-RES-1
    w = voting_world
    page = client_for(w["convener"]).get(console(w))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="zh-CN"' in html
    assert 'id="close-voting"' not in html  # the period has not passed
    refused = post(w, w["convener"], "close_voting")
    assert refused.status_code == 302
    w["meeting"].refresh_from_db()
    assert w["meeting"].status == Meeting.Status.VOTING

    close_now(w["meeting"])
    assert 'id="close-voting"' in client_for(w["convener"]).get(console(w)).content.decode()
    assert 'id="close-voting"' not in client_for(w["street"]).get(console(w)).content.decode()
    assert post(w, w["street"], "close_voting").status_code == 403
    assert post(w, w["convener"], "close_voting").status_code == 302
    w["meeting"].refresh_from_db()
    assert w["meeting"].status == Meeting.Status.CLOSED
    assert 'id="generate"' in client_for(w["convener"]).get(console(w)).content.decode()


def test_convener_generates_and_a_second_version_needs_its_reason(closed_world):  # R-RES-1
    w = closed_world
    done = post(w, w["convener"], "generate")
    assert done.status_code == 302
    run_worker()  # the worker generates it (results.services.generation)
    v1 = Result.objects.get()
    html = client_for(w["convener"]).get(console(w)).content.decode()
    assert v1.digest in html and v1.merkle_root in html
    assert 'id="result-table"' in html and 'id="version-1"' in html
    assert reverse("results:pdf", args=[w["meeting"].pk, 1, "result"]) in html
    assert reverse("results:xlsx", args=[w["meeting"].pk, 1, "flats"]) in html
    assert f'id="rr-item-{w["question"].pk}"' in html
    # the result table: zhang's ballot, 1 owner; the question passed or not per the tally
    assert 'id="rr-owners">1<' in html

    again = post(w, w["convener"], "generate")
    assert again.status_code == 422
    assert "rs-field-invalid" in again.content.decode()
    assert Result.objects.count() == 1
    assert post(w, w["convener"], "generate", {"reason": "更正纸质票"}).status_code == 302
    run_worker()
    assert list(Result.objects.order_by("number").values_list("number", "reason")) == [
        (1, ""),
        (2, "更正纸质票"),
    ]
    html = client_for(w["convener"]).get(console(w)).content.decode()
    assert 'id="version-2"' in html and "rr-superseded" in html


def test_submit_and_submitting_twice(closed_world):  # R-RES-2
    w = closed_world
    generated(w)
    assert 'id="submit-result"' in client_for(w["convener"]).get(console(w)).content.decode()
    assert post(w, w["street"], "submit", files()).status_code == 403
    assert post(w, w["convener"], "submit", files()).status_code == 302
    at = Result.objects.get().submitted_at
    assert at is not None
    follow = client_for(w["convener"])
    again = follow.post(reverse("results:submit", args=[w["meeting"].pk]), files())
    assert again.status_code == 409 and 'id="submit-error"' in again.content.decode()
    assert Result.objects.get().submitted_at == at
    html = follow.get(console(w)).content.decode()
    assert 'id="guidance-window-open"' in html and 'id="publicity-waits"' in html


def test_street_office_gives_guidance_on_the_page(closed_world):  # R-RES-2
    w = closed_world
    submitted(w)
    html = client_for(w["street"]).get(console(w)).content.decode()
    assert 'id="guidance-form"' in html
    assert 'id="generate"' not in html and 'id="publicity-form"' not in html
    assert post(w, w["street"], "guidance", {"text": ""}).status_code == 422
    assert post(w, w["street"], "guidance", {"text": "请核对2栋面积。"}).status_code == 302
    assert ResultGuidance.objects.get().text == "请核对2栋面积。"
    html = client_for(w["convener"]).get(console(w)).content.decode()
    assert "请核对2栋面积。" in html and 'id="publicity-form"' in html  # guided: may publicise now
    assert post(w, w["convener"], "guidance", {"text": "自己给自己意见"}).status_code == 403


def test_guidance_after_the_window_shows_the_refusal(closed_world):  # R-RES-2
    w = closed_world
    submitted(w)
    window_over(w)
    html = client_for(w["street"]).get(console(w)).content.decode()
    assert 'id="guidance-form"' not in html
    late = post(w, w["street"], "guidance", {"text": "迟到的意见"})
    assert late.status_code == 409 and "rs-alert-error" in late.content.decode()
    assert ResultGuidance.objects.count() == 0


def test_district_and_city_read_only_others_not_found(closed_world, staff):  # R-RES-1 R-RES-2
    w = closed_world
    made = submitted(w)
    for reader in (staff["district"], staff["city"]):
        html = client_for(reader).get(console(w)).content.decode()
        assert made.digest in html and 'id="read-only"' in html
        assert 'id="guidance-form"' not in html and 'id="submit-result"' not in html
        assert post(w, reader, "generate", {"reason": "x"}).status_code == 403
    for outsider in (staff["other_convener"], staff["other_street"]):
        assert client_for(outsider).get(console(w)).status_code == 404
    assert client_for(w["zhang"]).get(console(w)).status_code == 403  # an owner: no console (orgs/staff.py)
    anonymous = client_for().get(console(w))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_publicity_form_refusals_and_late_reason(closed_world):  # R-RES-3
    w = closed_world
    made = submitted(w)
    pending = post(
        w,
        w["convener"],
        "publicise",
        {"starts_on": results.today(), "ends_on": results.today() + dt.timedelta(days=10)},
    )
    assert pending.status_code == 409
    window_over(w)
    html = client_for(w["convener"]).get(console(w)).content.decode()
    today = results.today()
    assert (
        f'value="{today.isoformat()}"' in html
        and f'value="{(today + dt.timedelta(days=10)).isoformat()}"' in html
    )
    short = post(w, w["convener"], "publicise", {"starts_on": today, "ends_on": today + dt.timedelta(days=9)})
    assert short.status_code == 422
    late = results.publicity_due_by(made) + dt.timedelta(days=2)
    no_reason = post(
        w, w["convener"], "publicise", {"starts_on": late, "ends_on": late + dt.timedelta(days=10)}
    )
    assert no_reason.status_code == 422
    assert 'id="id_late_reason_error"' in no_reason.content.decode()
    assert ResultPublicity.objects.count() == 0
    ok = post(
        w,
        w["convener"],
        "publicise",
        {"starts_on": late, "ends_on": late + dt.timedelta(days=10), "late_reason": "物业停电"},
    )
    assert ok.status_code == 302
    assert ResultPublicity.objects.get().late_reason == "物业停电"
    html = client_for(w["street"]).get(console(w)).content.decode()
    assert 'id="late-reason"' in html and "物业停电" in html


def test_version_page_shows_the_frozen_version_and_its_flats(closed_world, staff):  # R-RES-1
    w = closed_world
    generated(w)
    generated(w, reason="第二版")
    url = reverse("results:version", args=[w["meeting"].pk, 1])
    page = client_for(w["convener"]).get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="superseded"' in html
    assert Result.objects.get(number=1).digest in html
    assert 'id="flats-table"' in html and "101" in html
    assert client_for(staff["street"]).get(url).status_code == 200
    assert client_for(w["zhang"]).get(url).status_code == 403  # an owner: no console (orgs/staff.py)
    assert (
        client_for(w["convener"]).get(reverse("results:version", args=[w["meeting"].pk, 9])).status_code
        == 404
    )


def test_version_page_words_an_abstained_and_an_unmarked_election(voting_world, staff):  # R-RES-1, R-TALLY-1
    # The demo's closed meeting once answered 500 here: an election answered "abstain" in the
    # per-flat rows was read as a candidate id.
    w = voting_world
    question, election = w["question"], w["election"]
    cast.ballot_cast(
        actor=w["zhang"],
        meeting_id=w["meeting"].pk,
        flat_ids=[w["flats"]["1栋-101"].pk],
        answers={str(question.pk): "yes", str(election.pk): "abstain"},
    )
    cast.ballot_cast(
        actor=w["li"],
        meeting_id=w["meeting"].pk,
        flat_ids=[w["flats"]["1栋-102"].pk],
        answers={str(question.pk): "no"},  # the election left unmarked
    )
    close(w["meeting"])
    generated(w)
    url = reverse("results:version", args=[w["meeting"].pk, 1])
    for user in (w["convener"], staff["street"], staff["district"], staff["city"]):
        page = client_for(user).get(url)
        assert page.status_code == 200, user
    html = page.content.decode()
    rows = {
        flat["room"]: flat["answer_words"]
        for flat in page.context["flats"].object_list
        if flat["room"] in ("101", "102")
    }
    label = texts.answer_label
    assert rows == {"101": [label("yes"), label("abstain")], "102": [label("no"), label("")]}
    assert label("abstain") in html and label("") in html


# --- the public page (R-RES-3, R-RES-4) --------------------------------------------------------------


def test_public_page_is_404_before_the_publicity(closed_world):  # R-RES-3
    w = closed_world
    url = reverse("results:public", args=[w["meeting"].pk])
    assert client_for().get(url).status_code == 404
    submitted(w)
    assert client_for().get(url).status_code == 404
    window_over(w)
    publicise(w, start=results.today() + dt.timedelta(days=1))
    assert client_for().get(url).status_code == 404


def test_public_page_finds_a_receipt_and_never_shows_how_it_voted(closed_world):  # R-RES-3 R-RES-4
    w = closed_world
    made = submitted(w)
    window_over(w)
    publicise(w)
    url = reverse("results:public", args=[w["meeting"].pk])
    page = client_for().get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'lang="zh-CN"' in html
    assert made.digest in html and made.merkle_root in html
    assert reverse("results:public_pdf", args=[w["meeting"].pk]) in html
    assert reverse("results:owner_archive", args=[w["meeting"].pk]) in html
    sub = w["submission"]
    assert f'id="r-{sub.digest}"' in html  # the list of counted ballots' hashes
    assert 'id="outcome-lines"' in html

    code = cast.display_code(sub.code).lower()
    found = client_for().get(url, {"code": code}).content.decode()
    assert 'id="receipt-counted"' in found and f'id="receipt-hash">{sub.digest}<' in found
    assert 'class="rp-mine"' in found
    for private in ("张三", "1栋-101", 'data-answer="yes">'):  # nobody's name, flat or marks
        assert private not in found.split('id="rp-table"')[0]
    assert "张三" not in found and "1栋-101" not in found

    missing = client_for().get(url, {"code": "AAAA-BBBB-CCCC"}).content.decode()
    assert 'id="receipt-missing"' in missing and 'id="receipt-counted"' not in missing


# --- the links into the result --------------------------------------------------------------------


def test_meeting_page_links_the_result(closed_world):
    w = closed_world
    html = client_for(w["convener"]).get(reverse("meetings:detail", args=[w["meeting"].pk])).content.decode()
    assert console(w) in html


def test_public_notice_leads_to_the_publicised_result(closed_world):  # R-RES-3 (art. 26)
    w = closed_world
    notice = reverse("meetings:notice", args=[w["meeting"].pk])
    target = reverse("results:public", args=[w["meeting"].pk])
    submitted(w)
    window_over(w)
    assert target not in client_for().get(notice).content.decode()
    publicise(w)
    html = client_for().get(notice).content.decode()
    assert 'id="result-link"' in html and target in html and "投票结果" in html
