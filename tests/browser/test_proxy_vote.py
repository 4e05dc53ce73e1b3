"""A proxy votes for two owners on a phone (390x844): zhang and li each give a written proxy to
their neighbour 赵六 (owner of 1栋-201), who signs in with the mobile named in the proxies
(verified with the ID number they name), opens "owners I vote for", accepts both proxies (art. 20)
and casts one ballot for each owner on the vote page (R-VOTE-6), answering each differently: one
submission per principal (R-VOTE-10).

The proxy here is an owner of the estate: the vote page (views/owner.py) shows a meeting only to
people who see it, and a proxy who owns nothing in the estate does not yet."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ownervote.voting.models import Ballot, Choice, Proxy, Submission
from tests.browser.test_owner_journeys import fits_the_phone, owner_sign_in
from tests.owners import bind, verified_person
from tests.rosterfiles import mobile, person_id
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401
from tests.voting.proxy_fixtures import grant

NEIGHBOUR = {"name": "赵六", "id_number": person_id(4), "mobile": mobile(4)}


def test_a_proxy_votes_for_two_owners(voting_world, phone_page, screenshot):  # noqa: F811 - R-VOTE-6 R-VOTE-10
    w = voting_world
    meeting, page = w["meeting"], phone_page
    flats = w["flats"]
    zhao = verified_person(NEIGHBOUR["mobile"], NEIGHBOUR["name"], NEIGHBOUR["id_number"])
    bind(zhao, flats["1栋-201"])
    for user, flat in ((w["zhang"], flats["1栋-101"]), (w["li"], flats["1栋-102"])):
        grant(user, meeting, [flat], person=NEIGHBOUR)

    page.goto(f"/m/meetings/{meeting.pk}/proxies/held/")
    owner_sign_in(page, NEIGHBOUR["mobile"])
    expect(page).to_have_url(re.compile(rf"/m/meetings/{meeting.pk}/proxies/held/"))
    cards = page.locator("[id^=held-]")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="1栋-101")).to_be_visible()
    expect(cards.filter(has_text="1栋-102")).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "proxy-held")
    # art. 20: the proxy accepts each proxy before voting; no ballot link until one is accepted
    expect(page.locator("#go-vote")).to_have_count(0)
    for p in Proxy.objects.filter(meeting=meeting).order_by("pk"):
        page.locator(f"#accept-{p.pk}").click()
        expect(page).to_have_url(re.compile(rf"/m/meetings/{meeting.pk}/proxies/held/"))
    expect(page.locator("[id^=accept-]")).to_have_count(0)
    assert Proxy.objects.filter(meeting=meeting, confirmed_at__isnull=False).count() == 2

    for label, answer in (("1栋-101", "yes"), ("1栋-102", "no")):
        page.goto(f"/m/meetings/{meeting.pk}/proxies/held/")
        page.locator("#go-vote").click()
        expect(page).to_have_url(re.compile(rf"/m/meetings/{meeting.pk}/vote/"))
        submission = page.locator("#can-vote .ov-item").filter(has_text=label)
        expect(submission).to_be_visible()
        submission.get_by_role("link").click()
        # R-VOTE-10: each principal answered on their own (agree for one, disagree for the other);
        # the election left blank (counts as an abstention)
        question = page.locator(f"#item-{w['question'].pk}")
        question.locator(f"input[value={answer}]").check()
        fits_the_phone(page)
        page.locator("#review").click()
        expect(page.locator("#review-list")).to_be_visible()
        page.locator("#submit").click()
        expect(page).not_to_have_url(re.compile(r"/vote/ballot/"))

    proxies = list(Proxy.objects.filter(meeting=meeting))
    ballots = Ballot.objects.filter(meeting=meeting, proxy__in=proxies)
    assert sorted(str(b.flat) for b in ballots.select_related("flat__building")) == ["1栋-101", "1栋-102"]
    assert Submission.objects.filter(meeting=meeting, proxy__in=proxies).count() == 2
    marks = Choice.objects.filter(meeting=meeting, item=w["question"]).select_related(
        "ballot__flat__building"
    )
    assert {str(c.ballot.flat): c.answer for c in marks} == {"1栋-101": "yes", "1栋-102": "no"}
    page.goto(f"/m/meetings/{meeting.pk}/proxies/held/")
    expect(page.locator("[id^=held-] .ov-ok", has_text="已投票")).to_have_count(2)  # both marked voted
    screenshot(page, "proxy-voted")
