"""The street office reviews an impersonation signal (R-TRUST-1) in a real Chromium: it signs in
(password and second factor), sees the open signal on its home page, opens it, reveals one masked
mobile number with a reason (shown once, logged), records that the signal "became a complaint",
and finds that complaint in its complaints list. The signal is written directly: detection is
another part of the system."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from ownervote.complaints.models import Complaint
from ownervote.trust.models import Signal, SignalReveal
from tests.browser.test_owner_journeys import PASSWORD
from tests.trust.review.conftest import evidence_of


def test_r_trust_1_street_office_reviews_a_signal_into_a_complaint(
    staff, owner_world, estates, geo, page, login
):
    evidence = evidence_of([owner_world["zhang_binding"], owner_world["li_binding"]])
    now = timezone.now()
    signal = Signal.objects.create(
        estate=estates["a"],
        kind="shared_mobile",
        key="browser",
        measure={"flats": 2, "owners": 2, "threshold": {"flats": 2, "owners": 2}},
        evidence=evidence,
        evidence_count=len(evidence),
        handler_kind="street_office",
        handler_division=geo["shatou"],
        first_seen_at=now - dt.timedelta(days=1),
        last_seen_at=now,
    )

    login(page, staff["street"].username, PASSWORD)
    page.goto("/console/")
    expect(page.locator("#todo-signals")).to_contain_text("待核查的冒投信号：1 条")
    page.locator("#todo-signals a").click()
    expect(page).to_have_url(re.compile(r"/console/signals/\?status=open$"))
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="冒投信号")).to_be_visible()
    page.locator(f"#signal-{signal.pk} a").click()
    expect(page).to_have_url(re.compile(rf"/console/signals/{signal.pk}/$"))
    expect(page.locator("#signal-status")).to_have_text("待核查")
    expect(page.locator("#evidence-0")).to_contain_text("139****0001")

    # Reveal zhang's mobile: the reason is asked, the value shown once, the read logged.
    page.locator("#reveal-0-mobile").click()
    page.locator("#reason-0-mobile").fill("核实两户是否一家人")
    page.locator("#reveal-submit-0-mobile").click()
    expect(page.locator("#revealed")).to_contain_text("13900000001")
    assert SignalReveal.objects.filter(signal=signal, item=0, field="mobile").count() == 1
    expect(page.locator("#signal-reveals")).to_contain_text("核实两户是否一家人")

    # It becomes a complaint the office opens itself.
    page.get_by_label("由本机关主动立案为投诉").check()
    page.locator("#id_note").fill("同一手机号绑定了两户不同业主的房屋，需进一步调查。")
    page.locator("#review").click()
    expect(page.locator("#signal-status")).to_have_text("已立案为投诉")
    expect(page.locator("#signal-reviews")).to_contain_text("同一手机号绑定了两户")
    complaint = Complaint.objects.get()
    assert complaint.on_own_initiative

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="投诉").click()
    expect(page.locator(f"#complaint-{complaint.pk}")).to_contain_text(estates["a"].name)
    page.locator(f"#complaint-{complaint.pk} a").click()
    expect(page.locator("#complainant")).to_contain_text("由机关主动立案")
