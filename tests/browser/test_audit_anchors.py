"""The public page of audit log digests (R-SEC-5) on a phone, signed out: from an estate's landing
page, the footer leads to every estate's latest digest; the estate's own page lists its digests by
day and says how to use them. Nothing wider than the phone (the digests wrap)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from playwright.sync_api import expect

from ownervote.audit import anchors
from ownervote.audit.models import AuditHead
from ownervote.audit.services import record, stream_for
from tests.browser.test_owner_journeys import fits_the_phone, whole_page


def test_anybody_finds_and_reads_an_estates_digests(estates, phone_page, screenshot):  # R-SEC-5
    screenshot = whole_page(screenshot)
    page, estate = phone_page, estates["a"]
    for day in (dt.date(2026, 3, 1), dt.date(2026, 3, 2)):
        with transaction.atomic():
            record(actor="system", action="test.event", estate_id=estate.pk, summary={"day": str(day)})
        anchors.anchor_daily(day=day)
    head = AuditHead.objects.get(stream=stream_for(estate.pk))

    page.goto(f"/m/e/{estate.pk}/")
    page.locator("#foot-anchors").click()
    expect(page.get_by_role("heading", name="各小区审计日志的每日摘要")).to_be_visible()
    expect(page.locator(f"#anchor-estate-{estate.pk}")).to_contain_text(head.hash)
    fits_the_phone(page)
    screenshot(page, "public-audit-anchors")

    page.get_by_role("link", name=estate.name).click()
    expect(page.get_by_role("heading", name=estate.name)).to_be_visible()
    expect(page.locator("#anchor-2026-03-02")).to_contain_text(head.hash)
    expect(page.locator("#anchor-2026-03-01")).to_be_visible()
    expect(page.locator("#anchors-how")).to_contain_text("截图")
    fits_the_phone(page)
    screenshot(page, "public-audit-anchors-estate")
