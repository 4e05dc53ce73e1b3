"""The paper count's entry page offers a flat only the items of its voting scope (R-MTG-9): a meeting
with an estate-wide item and one for building 2栋 only. Before a flat is chosen every item is shown
(the scoped one with its scope); once the clerk has entered the flat, an item outside its scope is
greyed out ("不在表决范围", disabled: Tab skips it); posting it anyway is refused by the service
(``ballot.out_of_scope``), the refusal shown on the page and nothing saved."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ownervote.meetings.models import Item
from ownervote.voting.models import PaperEntry
from tests.results.test_scoped_items import scoped_topics
from tests.voting.paper_fixtures import close_now, open_session

pytestmark = pytest.mark.django_db

OUT = "不在表决范围"
SCOPE = "表决范围：2栋业主"


@pytest.fixture
def scoped_count(staff, owner_world, make_voting_meeting):
    meeting = close_now(make_voting_meeting(topics=scoped_topics()))
    whole, lift = Item.objects.filter(meeting=meeting).order_by("position")
    session = open_session(staff["convener"], meeting, double_entry=True)
    client = Client()
    client.force_login(staff["convener"])
    return {
        "meeting": meeting,
        "whole": whole,
        "lift": lift,
        "client": client,
        "url": reverse("voting:count_session", args=[session.pk]),
    }


def _post(w, flat: str, **typed) -> dict:
    received = timezone.localtime(w["meeting"].voting_closes_at - dt.timedelta(hours=1))
    return {
        "round": "1",
        "flat": flat,
        "dated_on": "",
        "received_at": received.strftime("%Y-%m-%d %H:%M"),
        "received_via": "box",
        **{f"item_{w[k].pk}": v for k, v in typed.items()},
    }


def _field(page: str, item: Item) -> str:
    """The item's entry field (its <div class="rs-field">) on the page."""
    found = re.search(rf'<div class="rs-field[^"]*" data-item="{item.pk}".*?</div>', page, re.S)
    assert found, f"no field for item {item.pk}"
    return found.group(0)


def _input(page: str, item: Item) -> str:
    found = re.search(rf'<input [^>]*id="id_item_{item.pk}"[^>]*>', page)
    assert found
    return found.group(0)


def test_entry_page_offers_a_flat_only_the_items_of_its_scope(scoped_count):  # R-MTG-9
    w = scoped_count
    c = w["client"]
    empty = c.get(w["url"]).content.decode()
    # no flat chosen yet: every item, the scoped one naming its scope
    assert " disabled" not in _input(empty, w["lift"]) and SCOPE in _field(empty, w["lift"])
    assert OUT not in empty

    # a flat of 1栋 (entered alone, then the answers): the lift of 2栋 is not offered
    outside = c.post(w["url"], _post(w, "1-101"))
    page = outside.content.decode()
    assert outside.status_code == 200 and 'value="1栋-101"' in page
    assert " disabled" in _input(page, w["lift"]) and OUT in _field(page, w["lift"])
    assert " disabled" not in _input(page, w["whole"]) and OUT not in _field(page, w["whole"])
    assert " autofocus" in _input(page, w["whole"])  # the answers start at its first item

    # a flat of 2栋: both are offered
    inside = c.post(w["url"], _post(w, "2-301")).content.decode()
    assert 'value="2栋-301"' in inside
    assert " disabled" not in _input(inside, w["lift"]) and OUT not in inside
    assert SCOPE in _field(inside, w["lift"])
    assert not PaperEntry.objects.exists()

    c.post(w["url"], _post(w, "2-301", whole="1", lift="1"))
    entry = PaperEntry.objects.get()
    assert entry.answers == {str(w["whole"].pk): "yes", str(w["lift"].pk): "yes"}


def test_an_out_of_scope_answer_posted_anyway_is_refused_on_the_page(scoped_count):  # R-MTG-9
    w = scoped_count
    refused = w["client"].post(w["url"], _post(w, "1-101", whole="1", lift="2"))
    page = refused.content.decode()
    assert refused.status_code == 422
    # the service's refusal (ballot.out_of_scope), at the top and on the item
    assert 'id="entry-error"' in page and "而您的房屋不在其范围内" in page
    lift = _field(page, w["lift"])
    assert f'id="item_{w["lift"].pk}_error"' in lift and OUT in lift
    assert not PaperEntry.objects.exists()
    # sent again as the page now offers it (the disabled field is not posted): saved
    again = w["client"].post(w["url"], _post(w, "1-101", whole="1"))
    assert again.status_code == 302
    assert PaperEntry.objects.get().answers == {str(w["whole"].pk): "yes"}


def test_what_was_entered_is_summarised_over_the_flats_own_items(scoped_count):  # R-MTG-9
    w = scoped_count
    url, c = w["url"], w["client"]
    c.post(url, _post(w, "1-101", whole="1"))
    c.post(url, {**_post(w, "1-101", whole="2"), "round": "2"})
    page = c.get(url).content.decode()
    mismatch = re.search(r'<ul id="mismatches">.*?</ul>', page, re.S).group(0)
    assert "1栋-101" in mismatch and "1. " in mismatch
    assert f"{w['lift'].position}. —" not in mismatch  # the 2栋 item is not on 1栋-101's ballot
    flat_id = PaperEntry.objects.first().flat_id
    resolve = c.get(url + f"?round=3&flat={flat_id}").content.decode()
    panel = re.search(r'<div class="rs-panel" id="resolving">.*?</div>', resolve, re.S).group(0)
    assert f"{w['lift'].position}. —" not in panel
    assert " disabled" in _input(resolve, w["lift"]) and " disabled" not in _input(resolve, w["whole"])
