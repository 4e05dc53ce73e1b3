"""What owners and the public see of a meeting: the notice page without sign-in and its printable
PDF with the estate's QR code and a place for the seal (R-MTG-3), the documents publicised with a
first assembly (R-MTG-5), "changed on … because …" after a change (R-MTG-6); on the owner home
and the estate's page, the current meetings and, once voting opened, how the owner may vote:
electronically, or on paper only with the reason in plain words (R-VOTE-4)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from ownervote.bindings.models import Binding
from ownervote.core.files import Upload
from ownervote.meetings import documents, services
from ownervote.meetings.models import Eligibility, Item, Meeting, MeetingDocument
from ownervote.verification.models import Verification, VerifiedIdentity
from ownervote.voting.services.opening import voting_open
from tests.pdfs import minimal_pdf

from .conftest import attach_all, day
from .test_pages_support import inflated, layout_text, pdf_text


def notice_url(meeting) -> str:
    return reverse("meetings:notice", args=[meeting.pk])


def body(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page with HTML entities decoded (a translation may or may not come out escaped)."""
    return html.unescape(response.content.decode())


# --- the public notice page -------------------------------------------------------------------


def test_the_notice_is_public_once_publicised(client, staff, make_meeting):
    # R-MTG-3, art. 29: no sign-in; everything an owner needs to know
    m = make_meeting(25, state="published")
    response = client.get(notice_url(m))
    assert response.status_code == 200
    page = body(response)
    for shown in (
        m.title,
        "碧海花园",
        m.convener.name,
        m.place,
        escape(str(Meeting.Kind.REGULAR.label)),
        escape(str(Meeting.Method.MIXED.label)),
        f"{day(25).isoformat()} 09:00",
        f"{day(25).isoformat()} 18:00",
        f"{day(0).isoformat()} — {m.publicity_ends_on.isoformat()}",
        "是否续聘深圳市某物业服务有限公司",
        escape(str(Item.Category.MANAGER.label)),
        "选举第二届业主委员会委员",
        escape(str(Item.Category.COMMITTEE.label)),
        "陈一（1栋业主）、林二、黄三、周四",
    ):
        assert shown in page, shown
    assert reverse("bindinglist:owner", args=[m.estate_id]) in page  # the binding list, published with it
    assert reverse("meetings:notice_pdf", args=[m.pk]) in page
    assert 'class="ov-change' not in page and 'id="my-eligibility"' not in page


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_a_meeting_not_publicised_has_no_public_notice(client, staff, make_meeting, state):
    m = make_meeting(25, state=state)
    assert client.get(notice_url(m)).status_code == 404
    assert client.get(reverse("meetings:notice_pdf", args=[m.pk])).status_code == 404
    client.force_login(staff["convener"])  # not even for its convener: it is not public yet
    assert client.get(notice_url(m)).status_code == 404
    assert client.get(reverse("meetings:notice", args=[999999])).status_code == 404


def test_a_change_is_announced_on_the_notice(client, staff, make_meeting):
    # R-MTG-6: the notice says when it changed and why, with the version
    m = make_meeting(25, state="published")
    services.meeting_change(
        actor=staff["convener"], meeting_id=m.pk, reason="会所一楼装修", place="碧海花园会所二楼多功能厅"
    )
    page = body(client.get(notice_url(m)))
    assert "碧海花园会所二楼多功能厅" in page and "会所一楼装修" in page
    assert 'class="ov-attention ov-change"' in page and day(0).isoformat() in page
    assert re.search(r"version 2|版本\s*2|第\s*2\s*版", page)


def test_a_cancelled_meeting_keeps_its_notice_with_the_cancellation(client, staff, make_meeting):
    m = make_meeting(25, state="published")
    services.meeting_cancel(actor=staff["convener"], meeting_id=m.pk, reason="业主委员会决定延期")
    page = body(client.get(notice_url(m)))
    assert 'id="cancelled"' in page and "业主委员会决定延期" in page


def test_first_assembly_documents_are_downloadable_by_anyone(client, staff, preparatory, make_meeting):
    # R-MTG-5: the owner list, totals and draft rules are publicised with a first assembly; the
    # owner list names every owner, so it is for those who see the meeting (its owners, staff).
    m = make_meeting(25, state="published", actor=preparatory, kind="first")
    docs = list(MeetingDocument.objects.filter(meeting=m))
    assert len(docs) == 5
    page = body(client.get(notice_url(m)))
    for doc in docs:
        url = reverse("meetings:notice_document", args=[m.pk, doc.pk])
        assert url in page
        response = client.get(url)
        if doc.kind == MeetingDocument.Kind.OWNER_LIST:
            assert response.status_code == 404
            client.force_login(staff["street"])
            response = client.get(url)
            client.logout()
        assert response.status_code == 200 and b"".join(response).startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"
    # A document of another meeting, or one removed, is not served here.
    other = make_meeting(30, state="submitted", actor=preparatory, kind="first")
    attach_all(preparatory, other, kinds=["other"])
    other_doc = MeetingDocument.objects.get(meeting=other)
    assert client.get(reverse("meetings:notice_document", args=[m.pk, other_doc.pk])).status_code == 404
    assert client.get(reverse("meetings:notice_document", args=[other.pk, other_doc.pk])).status_code == 404
    extra = services.document_add(
        actor=preparatory,
        meeting_id=m.pk,
        kind="other",
        title="旧稿",
        upload=Upload("旧稿.pdf", minimal_pdf("draft")),
    )
    services.document_remove(actor=preparatory, document_id=extra.pk)
    assert client.get(reverse("meetings:notice_document", args=[m.pk, extra.pk])).status_code == 404


# --- the notice PDF ---------------------------------------------------------------------------


def test_the_notice_pdf_has_the_chinese_text_the_qr_code_and_the_seal(client, staff, make_meeting, tmp_path):
    # R-MTG-3: printable, sealed and posted in the estate (art. 29), with the estate's QR code (art. 8)
    m = make_meeting(25, state="published")
    response = client.get(reverse("meetings:notice_pdf", args=[m.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response)
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+Noto-?Sans-?CJK", inflated(pdf)), (
        "the Noto CJK subset is embedded"
    )
    text = pdf_text(pdf, tmp_path) or layout_text(documents.notice_pdf_document(documents.notice_for(m)))
    flat = re.sub(r"\s+", "", text)
    for shown in (
        m.title,
        "碧海花园",
        m.convener.name,
        "碧海花园会所二楼",
        "是否续聘深圳市某物业服务有限公司",
        "选举第二届业主委员会委员",
        "陈一（1栋业主）",
        _("Place for the seal"),
        _("Convener (seal)"),
        str(Item.Category.COMMITTEE.label),
        f"/p/meetings/{m.pk}/",
    ):
        assert re.sub(r"\s+", "", shown) in flat, shown


def test_the_notice_html_carries_the_estates_qr_code(staff, make_meeting):
    m = make_meeting(25, state="published")
    markup = documents.notice_html(documents.notice_for(m))
    assert "<svg" in markup and "<path" in markup  # segno's QR code, drawn as vector paths
    assert markup.count(escape(_("Place for the seal"))) == 1


def test_the_pdf_numbers_items_across_the_meeting(staff, make_meeting):
    m = make_meeting(25, state="published")
    text = layout_text(documents.notice_pdf_document(documents.notice_for(m)))
    assert "1." in text and "2." in text
    assert text.index("是否续聘深圳市某物业服务有限公司") < text.index("选举第二届业主委员会委员")


# --- owners: the home, the estate's page, how they vote (R-VOTE-4) ----------------------------


@pytest.fixture
def voting(owner_world, make_meeting):
    """A meeting of estate a whose voting has opened through the service (R-BIND-2, R-VOTE-4):
    zhang verified and bound a month before the publicity (electronic); li verified then but
    bound on the publicity's first day (paper only)."""
    past = timezone.now() - dt.timedelta(days=30)
    for key in ("zhang", "li"):
        user = owner_world[key]
        Verification.objects.filter(user=user).update(finished_at=past)
        VerifiedIdentity.objects.filter(user=user).update(verified_at=past)
    Binding.objects.filter(pk=owner_world["zhang_binding"].pk).update(bound_at=past)
    m = make_meeting(25, state="published")
    now = timezone.now()
    Meeting.objects.filter(pk=m.pk).update(
        starts_at=now - dt.timedelta(hours=1),
        voting_opens_at=now - dt.timedelta(hours=1),
        voting_closes_at=now + dt.timedelta(days=7),
    )
    voting_open(meeting_id=m.pk)
    m.refresh_from_db()
    assert m.status == Meeting.Status.VOTING
    return m


def test_the_home_shows_the_estates_current_meeting(client, owner_world, make_meeting):
    m = make_meeting(25, state="published")
    draft = make_meeting(30, title="尚未公示的会议")
    client.force_login(owner_world["zhang"])
    page = body(client.get("/m/"))
    assert 'id="card-meetings"' in page and m.title in page and notice_url(m) in page
    assert "尚未公示的会议" not in page and notice_url(draft) not in page
    assert 'class="ov-eligibility' not in page  # voting has not opened: nothing frozen yet
    client.force_login(owner_world["newcomer"])  # owns nothing here
    assert 'id="card-meetings"' not in body(client.get("/m/"))


def test_owners_see_how_they_vote_once_voting_opened(client, owner_world, voting):
    # R-VOTE-4, art. 18: electronic for zhang; paper only for li, with the reason in plain words
    rows = {e.user_id: e for e in Eligibility.objects.filter(meeting=voting)}
    assert rows[owner_world["zhang"].pk].mode == Eligibility.Mode.ELECTRONIC
    assert rows[owner_world["li"].pk].reason == Eligibility.Reason.BOUND_DURING_PUBLICITY

    client.force_login(owner_world["zhang"])
    page = text(client.get("/m/"))
    # The home says where the meeting stands for her (issue 22 item 6): she can vote now, no paper row.
    assert 'data-state="vote_now"' in page and 'class="ov-eligibility-paper_only"' not in page
    page = text(client.get(notice_url(voting)))
    assert 'class="ov-eligibility-electronic"' in page and 'class="ov-eligibility-paper_only"' not in page
    assert _("You can vote on your phone, or on paper.") in page

    client.force_login(owner_world["li"])
    for url in ("/m/", notice_url(voting), f"/m/e/{voting.estate_id}/"):
        page = text(client.get(url))
        assert "ov-eligibility-paper_only" in page, url
        assert _("Paper ballot only in this meeting.") in page, url
        assert "1栋-102" in page
        assert (
            _(
                "Why: you bound this flat after the meeting's notice was posted. The rules say an owner "
                "who binds a flat during the notice period or the meeting votes on paper in that meeting "
                "(art. 18)."
            )
            in page
        ), url


def test_the_estate_page_shows_the_current_meeting_to_anyone(client, estates, make_meeting):
    m = make_meeting(25, state="published")
    make_meeting(30, title="尚未公示的会议")
    page = body(client.get(f"/m/e/{m.estate_id}/"))
    assert 'id="card-meetings"' in page and m.title in page and notice_url(m) in page
    assert "尚未公示的会议" not in page and 'class="ov-eligibility' not in page
    # Another estate's page does not show it.
    assert m.title not in body(client.get(f"/m/e/{estates['c'].pk}/"))


def test_a_cancelled_or_closed_meeting_leaves_the_home(client, owner_world, make_meeting, staff):
    m = make_meeting(25, state="published")
    services.meeting_cancel(actor=staff["convener"], meeting_id=m.pk, reason="延期")
    client.force_login(owner_world["zhang"])
    assert 'id="card-meetings"' not in body(client.get("/m/"))
    assert 'id="card-meetings"' not in body(client.get(f"/m/e/{m.estate_id}/"))


def test_the_convener_sees_the_eligibility_counts_once_voting_opened(client, staff, voting):
    # R-VOTE-4: how many owners vote electronically and how many on paper only
    client.force_login(staff["convener"])
    page = body(client.get(reverse("meetings:detail", args=[voting.pk])))
    start = page.index('id="eligibility-counts"')
    counts = re.findall(r"<dd>(\d+)</dd>", page[start : page.index("</dl>", start)])
    assert counts == ["1", "1"]
    assert 'id="publish"' not in page and 'id="edit"' not in page  # voting: no more changes
