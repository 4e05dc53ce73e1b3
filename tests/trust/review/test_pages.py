"""The console pages of the signals (R-TRUST-1): the list, the detail with masked evidence, the
review form, the reveal shown once and logged, and the 冒投信号 nav item."""

from __future__ import annotations

import pytest

from ownervote.trust.models import Signal, SignalReveal, SignalReview

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    return as_


def test_r_trust_1_list_detail_and_nav(login, staff, signal):
    s = login(staff["street"])
    page = s.get("/console/signals/").content.decode()
    assert "冒投信号" in page and f'id="signal-{signal.pk}"' in page and "待核查" in page
    detail = s.get(f"/console/signals/{signal.pk}/").content.decode()
    assert "139****0001" in detail and "13900000001" not in detail
    assert 'id="reveal-0-mobile"' in detail and 'id="review"' in detail
    home = s.get("/console/").content.decode()
    assert 'id="todo-signals"' in home
    # the district reads, without the forms
    d = login(staff["district"]).get(f"/console/signals/{signal.pk}/").content.decode()
    assert "139****0001" in d and 'id="review"' not in d and 'id="reveal-0-mobile"' not in d


def test_r_trust_1_reveal_is_shown_once_and_logged(login, staff, signal):
    s = login(staff["street"])
    shown = s.post(
        f"/console/signals/{signal.pk}/reveal/", {"item": "0", "field": "mobile", "reason": "核对"}
    )
    assert shown.status_code == 200 and "13900000001" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"] or "no-cache" in shown["Cache-Control"]
    assert SignalReveal.objects.count() == 1
    assert "13900000001" not in s.get(f"/console/signals/{signal.pk}/").content.decode()  # once


def test_r_trust_1_reveal_without_reason_shows_nothing(login, staff, signal):
    s = login(staff["street"])
    refused = s.post(f"/console/signals/{signal.pk}/reveal/", {"item": "0", "field": "mobile", "reason": " "})
    assert refused.status_code == 422 and "13900000001" not in refused.content.decode()
    assert not SignalReveal.objects.exists()


def test_r_trust_1_review_form(login, staff, signal):
    s = login(staff["street"])
    blank = s.post(f"/console/signals/{signal.pk}/", {"outcome": "dismissed", "note": ""})
    assert blank.status_code == 422 and not SignalReview.objects.exists()
    done = s.post(
        f"/console/signals/{signal.pk}/", {"outcome": "dismissed", "note": "一家人共用手机"}, follow=True
    )
    assert done.status_code == 200 and "已排除" in done.content.decode()
    signal.refresh_from_db()
    assert signal.status == Signal.Status.DISMISSED


def test_r_trust_1_detail_says_what_was_measured_in_words(login, staff, signal):
    """The measure and the thresholds are labelled in Chinese, the evidence's times are Beijing
    time to the minute, and a signal about bindings alone offers no referral to a convener (only a
    meeting's votes become an objection, R-TRUST-2)."""
    page = login(staff["street"]).get(f"/console/signals/{signal.pk}/").content.decode()
    assert "房屋数" in page and "不同业主数" in page and "房屋数至少 2" in page
    assert ">flats<" not in page and "+00:00" not in page
    assert 'value="dismissed"' in page and 'value="complaint"' in page
    assert 'value="referred"' not in page
    refused = login(staff["street"]).post(
        f"/console/signals/{signal.pk}/", {"outcome": "referred", "note": "转召集人"}
    )
    assert refused.status_code == 422
    signal.refresh_from_db()
    assert signal.status == Signal.Status.OPEN
