"""The convener's meeting pages in the console: the list, the form entered in one sitting (with
rows added and removed, and the meeting moved to the earliest date that works, by htmx requests
that bring back only what changed, or without a script by posting the whole page; the live
timeline; the refusals with the earliest date that works), the meeting's page with its actions,
documents and versions (R-MTG-1, R-MTG-3, R-MTG-5, R-MTG-6, R-MTG-7). Who may open which page: 404
for a meeting one may not see, 403 for a change one may not make."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from ownervote.core.files import Upload
from ownervote.meetings import services
from ownervote.meetings.models import Item, Meeting, MeetingDocument, MeetingVersion
from ownervote.rules import schedule
from tests.pdfs import minimal_pdf

from .conftest import attach_all, day, guide


def form_data(days: int = 30, **extra) -> dict:
    """The meeting form as a browser posts it: a question under topic 0 and an election under
    topic 1 (row numbers as the page's script would give them)."""
    d = day(days).isoformat()
    data = {
        "kind": "temporary",
        "method": "mixed",
        "title": "2026年第二次临时业主大会会议",
        "place": "碧海花园会所一楼大厅",
        "starts_at": f"{d}T09:00",
        "voting_opens_at": f"{d}T09:00",
        "voting_closes_at": f"{(day(days) + dt.timedelta(days=7)).isoformat()}T18:00",
        "t0-title": "续聘物业服务企业",
        "t0-description": "",
        "t0-i0-title": "是否同意续聘深圳市某某物业服务有限公司",
        "t0-i0-kind": "question",
        "t0-i0-category": "4",
        "t3-title": "选举业主委员会",
        "t3-i5-title": "选举第二届业主委员会委员",
        "t3-i5-kind": "election",
        "t3-i5-category": "3",
        "t3-i5-seats": "2",
        "t3-i5-max_choices": "",
        "t3-i5-candidates": "陈一：退休教师\n刘二\n\n黄三：会计师",
    }
    data.update(extra)
    return data


def create_url(estate) -> str:
    return reverse("meetings:create", args=[estate.pk])


def detail_url(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def page(response) -> str:
    return response.content.decode()


# --- the lists --------------------------------------------------------------------------------


def test_console_nav_and_index_list_the_meetings_one_sees(client, staff, estates, make_meeting):
    entered = make_meeting(state="submitted", title="碧海花园年度会议")
    draft = make_meeting(title="尚未录入的草稿")
    client.force_login(staff["street"])
    body = page(client.get(reverse("meetings:index")))
    assert reverse("meetings:index") in body  # the console's navigation links here
    assert "碧海花园年度会议" in body and detail_url(entered) in body
    assert "尚未录入的草稿" not in body  # a draft is the convener's own (R-MTG-1: not entered yet)
    assert reverse("meetings:to_guide") in body  # a street office is led to its guidance list
    client.force_login(staff["convener"])
    body = page(client.get(reverse("meetings:index")))
    assert detail_url(draft) in body and create_url(estates["a"]) in body
    client.force_login(staff["other_convener"])
    body = page(client.get(reverse("meetings:index")))
    assert detail_url(entered) not in body and create_url(estates["a"]) not in body


def test_estate_meetings_page_for_the_estate_one_sees(client, staff, estates, make_meeting):
    m = make_meeting(state="submitted")
    url = reverse("meetings:estate_meetings", args=[estates["a"].pk])
    client.force_login(staff["convener"])
    body = page(client.get(url))
    assert detail_url(m) in body and 'id="new-meeting"' in body
    client.force_login(staff["street"])
    body = page(client.get(url))
    assert detail_url(m) in body and 'id="new-meeting"' not in body  # sees, does not convene
    client.force_login(staff["other_convener"])
    assert client.get(url).status_code == 404


def test_pages_need_the_console_sign_in(client, make_meeting):
    m = make_meeting()
    response = client.get(detail_url(m))
    assert response.status_code == 302 and "/console/login/" in response["Location"]


# --- the form: who opens it -------------------------------------------------------------------


def test_only_the_convener_opens_the_new_meeting_form(client, staff, estates):  # R-MTG-1
    client.force_login(staff["convener"])
    body = page(client.get(create_url(estates["a"])))
    assert 'id="meeting-form"' in body
    # One topic with one item to start with, the nine categories of Civil Code art. 278 to choose.
    assert 'name="t0-title"' in body and 'name="t0-i0-title"' in body
    for category in Item.Category:
        assert f'<option value="{category.value}">{escape(str(category.label))}</option>' in body
    assert 'type="datetime-local"' in body
    # The row buttons post to this page with htmx, which swaps the rows back in (no full page).
    add_topic = body[body.index('id="add-topic"') - 120 : body.index('id="add-topic"') + 120]
    assert f'hx-post="{create_url(estates["a"])}"' in add_topic and 'hx-target="#topics"' in body
    client.force_login(staff["street"])
    assert client.get(create_url(estates["a"])).status_code == 403  # sees the estate, does not convene
    client.force_login(staff["other_convener"])
    assert client.get(create_url(estates["a"])).status_code == 404
    client.force_login(staff["pending"])
    assert client.get(create_url(estates["b"])).status_code == 404


# --- the form: saving -------------------------------------------------------------------------


def test_a_plain_post_creates_the_draft_with_its_topics_items_and_candidates(client, staff, estates):
    # R-MTG-1, R-MTG-7: everything in one sitting; blank lines among the candidates are skipped
    client.force_login(staff["convener"])
    response = client.post(create_url(estates["a"]), form_data(30))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(meeting)
    assert (meeting.status, meeting.kind, meeting.method) == ("draft", "temporary", "mixed")
    assert timezone.localtime(meeting.starts_at) == dt.datetime.combine(
        day(30), dt.time(9), tzinfo=timezone.get_current_timezone()
    ).astimezone(timezone.get_current_timezone())
    assert [t.title for t in meeting.topics.all()] == ["续聘物业服务企业", "选举业主委员会"]
    question, election = meeting.items.order_by("position")
    assert (question.kind, question.category, question.seats) == ("question", 4, None)
    # An empty "choices per ballot" means as many as the seats.
    assert (election.kind, election.category, election.seats, election.max_choices) == ("election", 3, 2, 2)
    assert [(c.name, c.profile) for c in election.candidates.order_by("position")] == [
        ("陈一", "退休教师"),
        ("刘二", ""),
        ("黄三", "会计师"),
    ]
    body = page(client.get(detail_url(meeting)))
    assert _("The meeting was saved as a draft.") in body


def test_form_errors_are_shown_in_place_and_nothing_is_saved(client, staff, estates):
    # R-MTG-1: a missing title, an item without its category, an election without seats
    client.force_login(staff["convener"])
    data = form_data(30, title="", **{"t0-i0-category": "", "t3-i5-seats": ""})
    response = client.post(create_url(estates["a"]), data)
    assert response.status_code == 422
    body = page(response)
    assert 'id="form-errors"' in body
    assert 'id="id_title_error"' in body
    assert 'id="id_t0-i0-category_error"' in body and _("Choose the decision category.") in body
    assert 'id="id_t3-i5-seats_error"' in body and _("Enter how many seats the election fills.") in body
    # What was typed stays, in the same rows.
    assert 'value="是否同意续聘深圳市某某物业服务有限公司"' in body and "陈一：退休教师" in body
    assert not Meeting.objects.exists()


def test_the_services_refusals_are_shown_next_to_their_fields(client, staff, estates):
    # R-MTG-1: the service refuses an election with fewer candidates than seats; the message sits
    # under the candidates of that item, not somewhere on top
    client.force_login(staff["convener"])
    response = client.post(create_url(estates["a"]), form_data(30, **{"t3-i5-seats": "4"}))
    assert response.status_code == 422
    body = page(response)
    assert 'id="id_t3-i5-candidates_error"' in body
    assert not Meeting.objects.exists()


def test_a_date_too_early_is_refused_with_the_rule_and_the_earliest_date(client, staff, estates):
    # R-MTG-1, R-MTG-3: entered today, a meeting in 12 days breaks the 20- and 15-day rules
    client.force_login(staff["convener"])
    response = client.post(create_url(estates["a"]), form_data(12))
    assert response.status_code == 422
    body = page(response)
    earliest = day(schedule.ENTRY_MIN_DAYS).isoformat()
    assert 'id="refusal-problems"' in body and 'data-rule="R-MTG-1"' in body and 'data-rule="R-MTG-3"' in body
    assert f'name="use_date" value="{earliest}"' in body
    assert not Meeting.objects.exists()

    # The button moves the meeting to that day (time and voting period kept); nothing is saved yet.
    response = client.post(create_url(estates["a"]), {**form_data(12), "use_date": earliest})
    assert response.status_code == 200
    body = page(response)
    assert f'value="{earliest}T09:00"' in body
    assert f'value="{(day(20) + dt.timedelta(days=7)).isoformat()}T18:00"' in body
    assert 'id="schedule-ok"' in body and 'id="refusal-problems"' not in body
    assert not Meeting.objects.exists()
    # Posted again as shown, it is saved.
    response = client.post(create_url(estates["a"]), form_data(schedule.ENTRY_MIN_DAYS))
    assert response.status_code == 302 and Meeting.objects.count() == 1


def test_rows_are_added_and_removed_without_a_script(client, staff, estates):
    client.force_login(staff["convener"])
    url = create_url(estates["a"])
    body = page(client.post(url, {**form_data(30), "rows": "add-item-3"}))
    assert 'name="t3-i6-title"' in body and 'name="t3-i5-title"' in body
    assert "rs-field-invalid" not in body  # nothing was submitted: no error marks
    body = page(client.post(url, {**form_data(30), "rows": "add-topic"}))
    assert 'name="t4-title"' in body and 'name="t4-i0-title"' in body
    body = page(client.post(url, {**form_data(30), "rows": "remove-topic-0"}))
    assert 'name="t0-title"' not in body and 'name="t3-title"' in body
    body = page(client.post(url, {**form_data(30), "rows": "remove-item-3-5"}))
    assert 'name="t3-i5-title"' not in body and 'name="t3-title"' in body
    assert not Meeting.objects.exists()


def test_rows_are_added_and_removed_by_htmx_without_the_page(client, staff, estates):
    # htmx posts the form and gets back only the rows (#topics), the added row focused; nothing saved
    client.force_login(staff["convener"])
    url = create_url(estates["a"])
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(url, {**form_data(30), "rows": "add-item-3"}, **htmx)
    body = page(response)
    assert response.status_code == 200 and "<html" not in body and 'id="meeting-form"' not in body
    assert (
        'name="title"' not in body and 'name="starts_at"' not in body
    )  # the meeting's fields stay as they are
    assert 'name="t3-i5-title"' in body and 'value="选举第二届业主委员会委员"' in body  # typed values kept
    new_row = body[body.index('name="t3-i6-title"') - 200 : body.index('name="t3-i6-title"') + 200]
    assert "autofocus" in new_row
    assert body.count("autofocus") == 1 and "rs-field-invalid" not in body
    assert f'hx-post="{url}"' in body  # the rows' own buttons post with htmx again
    body = page(client.post(url, {**form_data(30), "rows": "add-topic"}, **htmx))
    assert 'name="t4-title"' in body and 'name="t4-i0-title"' in body and "<html" not in body
    assert "autofocus" in body[body.index('name="t4-title"') - 200 : body.index('name="t4-title"') + 200]
    body = page(client.post(url, {**form_data(30), "rows": "remove-topic-0"}, **htmx))
    assert 'name="t0-title"' not in body and 'name="t3-title"' in body
    assert '<span class="mt-topic-no">1</span>' in body  # numbered again from 1
    body = page(client.post(url, {**form_data(30), "rows": "remove-item-3-5"}, **htmx))
    assert 'name="t3-i5-title"' not in body and 'name="t3-title"' in body
    assert not Meeting.objects.exists()


def test_the_earliest_date_is_used_by_htmx_without_the_page(client, staff, estates):
    # R-MTG-1: htmx gets back the three dates moved, and out of band the timeline they give and
    # the refusal they answer cleared; the rest of the form is left as typed; nothing saved
    client.force_login(staff["convener"])
    url = create_url(estates["a"])
    earliest = day(schedule.ENTRY_MIN_DAYS).isoformat()
    body = page(client.post(url, form_data(12)))
    assert f'hx-post="{url}" hx-target="#meeting-dates"' in body  # the refusal's button, with htmx
    response = client.post(url, {**form_data(12), "use_date": earliest}, HTTP_HX_REQUEST="true")
    body = page(response)
    assert response.status_code == 200 and "<html" not in body and 'id="meeting-form"' not in body
    assert f'value="{earliest}T09:00"' in body
    assert f'value="{(day(20) + dt.timedelta(days=7)).isoformat()}T18:00"' in body
    assert 'name="title"' not in body and 'name="t0-title"' not in body
    preview = body[body.index('id="timeline-preview"') :]
    assert 'hx-swap-oob="innerHTML"' in preview[:80] and 'id="schedule-ok"' in preview
    assert 'data-code="held_on"' in preview and earliest in preview
    assert '<div id="refusal-box" hx-swap-oob="innerHTML"></div>' in body
    assert not Meeting.objects.exists()
    # The live timeline's own button posts to the form's page too.
    preview_url = reverse("meetings:preview", args=[estates["a"].pk])
    body = page(client.post(preview_url, form_data(12), HTTP_HX_REQUEST="true"))
    assert f'name="use_date" value="{earliest}"' in body and f'hx-post="{url}"' in body


def test_the_timeline_preview_explains_each_date(client, staff, estates):
    # R-MTG-1..4: the htmx fragment of the form, date by date, with the rule of each
    client.force_login(staff["convener"])
    url = reverse("meetings:preview", args=[estates["a"].pk])
    body = page(client.post(url, form_data(30), HTTP_HX_REQUEST="true"))
    assert 'id="schedule-ok"' in body
    for code, rule, on in (
        ("entry_by", "R-MTG-1", day(30 - schedule.ENTRY_MIN_DAYS)),
        ("publicity_by", "R-MTG-3", day(30 - schedule.PUBLICITY_BEFORE_DAYS)),
        ("held_on", "R-MTG-1", day(30)),
    ):
        start = body.index(f'data-code="{code}"')
        row = body[start : body.index("</li>", start)]
        assert rule in row and on.isoformat() in row
    assert 'data-code="invitation_on"' in body and 'data-code="guidance_until"' in body
    assert 'data-code="voting_opens"' in body and 'data-code="voting_closes"' in body
    body = page(client.post(url, form_data(10)))
    assert 'id="schedule-problems"' in body and f'value="{day(20).isoformat()}"' in body
    body = page(client.post(url, {"starts_at": ""}))
    assert 'id="preview-empty"' in body
    client.force_login(staff["street"])
    assert client.post(url, form_data(30)).status_code == 403
    client.force_login(staff["other_convener"])
    assert client.post(url, form_data(30)).status_code == 404


# --- editing and changing ---------------------------------------------------------------------


def test_a_draft_is_edited_in_place(client, staff, make_meeting):
    m = make_meeting()
    client.force_login(staff["convener"])
    url = reverse("meetings:edit", args=[m.pk])
    body = page(client.get(url))
    assert "选举第二届业主委员会委员" in body and "陈一：1栋业主" in body  # the stored rows, to edit
    assert 'name="reason"' not in body  # a draft needs no reason
    response = client.post(url, form_data(30, place="碧海花园会所二楼多功能厅"))
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.place == "碧海花园会所二楼多功能厅" and m.version == 1 and not m.versions.exists()
    assert m.items.count() == 2


def test_a_published_meeting_is_changed_with_a_reason_as_a_new_version(client, staff, make_meeting):
    # R-MTG-6: the earlier version is kept and the notice is publicised again today
    m = make_meeting(25, state="published")
    client.force_login(staff["convener"])
    url = reverse("meetings:edit", args=[m.pk])
    body = page(client.get(url))
    assert 'id="change-warning"' in body and 'name="reason"' in body
    data = form_data(25, kind="regular", place="碧海花园会所二楼多功能厅")
    response = client.post(url, data)  # no reason
    assert response.status_code == 422 and 'id="id_reason_error"' in page(response)
    m.refresh_from_db()
    assert m.version == 1
    response = client.post(url, {**data, "reason": "会所一楼装修，改到二楼"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.version == 2 and m.place == "碧海花园会所二楼多功能厅"
    assert list(m.versions.values_list("number", flat=True)) == [1, 2]
    body = page(client.get(detail_url(m)))
    assert "会所一楼装修，改到二楼" in body
    assert _("The change was saved as version %(n)d.") % {"n": 2} in body


def test_a_change_too_late_is_refused_with_the_earliest_new_date(client, staff, make_meeting):
    # R-MTG-6: republished today, the notice would not run 15 days before a meeting in 10 days
    m = make_meeting(25, state="published")
    client.force_login(staff["convener"])
    url = reverse("meetings:edit", args=[m.pk])
    before = list(MeetingVersion.objects.values_list("pk", "digest"))
    response = client.post(url, {**form_data(10, kind="regular"), "reason": "提前开会"})
    assert response.status_code == 409
    body = page(response)
    earliest = day(schedule.PUBLICITY_BEFORE_DAYS).isoformat()
    assert 'data-rule="R-MTG-6"' in body and f'name="use_date" value="{earliest}"' in body
    m.refresh_from_db()
    assert m.version == 1 and timezone.localtime(m.starts_at).date() == day(25)
    assert list(MeetingVersion.objects.values_list("pk", "digest")) == before


def test_only_the_meetings_convener_opens_its_edit_page(client, staff, make_meeting):
    m = make_meeting(state="submitted")
    url = reverse("meetings:edit", args=[m.pk])
    client.force_login(staff["street"])
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(30)).status_code == 403
    client.force_login(staff["other_convener"])
    assert client.get(url).status_code == 404
    draft = make_meeting()
    client.force_login(staff["street"])
    assert client.get(reverse("meetings:edit", args=[draft.pk])).status_code == 404  # a draft is not shown


# --- the meeting's page and its actions -------------------------------------------------------


def test_detail_shows_status_timeline_topics_and_actions(client, staff, make_meeting):
    m = make_meeting(25)
    client.force_login(staff["convener"])
    body = page(client.get(detail_url(m)))
    assert m.get_status_display() in body and 'id="submit"' in body and 'id="edit"' in body
    assert (
        'id="timeline"' in body and 'data-code="invitation_on"' in body and 'data-code="voting_opens"' in body
    )
    assert "选举第二届业主委员会委员" in body and escape(str(Item.Category.COMMITTEE.label)) in body
    assert "陈一（1栋业主）" in body
    # The street office and the other estate's convener do not see a draft.
    client.force_login(staff["street"])
    assert client.get(detail_url(m)).status_code == 404
    client.force_login(staff["other_convener"])
    assert client.get(detail_url(m)).status_code == 404


def test_the_street_office_sees_an_entered_meeting_without_the_conveners_buttons(client, staff, make_meeting):
    m = make_meeting(state="submitted")
    for who in ("street", "community", "district", "city"):
        client.force_login(staff[who])
        body = page(client.get(detail_url(m)))
        assert 'id="publish"' not in body and 'id="edit"' not in body and 'id="cancel-box"' not in body, who
    client.force_login(staff["street"])
    assert 'id="give-guidance"' in page(client.get(detail_url(m)))
    client.force_login(staff["other_street"])
    assert client.get(detail_url(m)).status_code == 404


def test_entering_and_publicising_ask_for_confirmation_first(client, staff, make_meeting):
    # R-MTG-1 R-MTG-3, issue 22 item 10: neither can be undone, so each button only opens a second
    # step that says what follows, with the button that does it (no script, no dialog)
    m = make_meeting(25)
    client.force_login(staff["convener"])
    body = page(client.get(detail_url(m)))
    box = body[body.index('id="submit-box"') : body.index("</details>", body.index('id="submit-box"'))]
    assert '<details class="mt-confirm" id="submit-box"><summary' in body and ">录入系统</summary>" in box
    assert (
        "录入后，会议不能再作为草稿修改" in box and ">确认录入系统</button>" in box and 'id="submit"' in box
    )
    client.post(reverse("meetings:submit", args=[m.pk]))
    body = page(client.get(detail_url(m)))
    box = body[body.index('id="publish-box"') : body.index("</details>", body.index('id="publish-box"'))]
    assert ">发布公示</summary>" in box and "发布公示后不能撤回" in box and ">确认发布公示</button>" in box


def test_submit_and_publish_from_the_meeting_page(client, staff, make_meeting):
    # R-MTG-1 entered, R-MTG-3 publicised with the binding list
    m = make_meeting(25)
    client.force_login(staff["convener"])
    response = client.post(reverse("meetings:submit", args=[m.pk]), follow=True)
    m.refresh_from_db()
    assert m.status == "submitted" and m.entered_on == day(0)
    assert 'id="publish"' in page(response)
    guide(m)  # art. 12, R-MTG-2
    response = client.post(reverse("meetings:publish", args=[m.pk]), follow=True)
    m.refresh_from_db()
    assert m.status == "published"
    body = page(response)
    assert 'id="publicities"' in body and 'id="public-link"' in body
    assert reverse("meetings:notice", args=[m.pk]) in body


def test_a_refused_action_is_shown_and_changes_nothing(client, staff, make_meeting, snapshot):
    m = make_meeting(25)
    client.force_login(staff["convener"])
    before = snapshot()
    response = client.post(reverse("meetings:publish", args=[m.pk]), follow=True)  # a draft
    assert response.status_code == 200 and 'class="msg msg-error"' in page(response)
    assert snapshot() == before
    m.refresh_from_db()
    assert m.status == "draft"
    client.force_login(staff["street"])
    assert client.post(reverse("meetings:submit", args=[m.pk])).status_code == 404
    m2 = make_meeting(state="submitted")
    assert client.post(reverse("meetings:publish", args=[m2.pk])).status_code == 403
    m2.refresh_from_db()
    assert m2.status == "submitted"


def test_cancel_needs_a_reason(client, staff, make_meeting):
    m = make_meeting(state="submitted")
    client.force_login(staff["convener"])
    response = client.post(reverse("meetings:cancel", args=[m.pk]), {"reason": ""}, follow=True)
    assert _("Give the reason for the cancellation.") in page(response)
    m.refresh_from_db()
    assert m.status == "submitted"
    response = client.post(
        reverse("meetings:cancel", args=[m.pk]), {"reason": "业主委员会决定延期"}, follow=True
    )
    m.refresh_from_db()
    assert m.status == "cancelled" and 'id="cancelled"' in page(response)
    assert "业主委员会决定延期" in page(response)


# --- documents (R-MTG-5) ----------------------------------------------------------------------


def test_first_assembly_checklist_and_publish_refused_until_all_five_are_attached(
    client, staff, preparatory, make_meeting
):
    # R-MTG-5: the owner list, the totals, the draft management rules, the draft rules of
    # procedure and the voting rules
    m = make_meeting(25, state="submitted", actor=preparatory, kind="first")
    client.force_login(preparatory)
    body = page(client.get(detail_url(m)))
    assert 'id="first-assembly-checklist"' in body and 'id="documents-missing"' in body
    assert body.count('class="mt-missing"') == 5
    response = client.post(reverse("meetings:publish", args=[m.pk]), follow=True)
    assert str(MeetingDocument.Kind.VOTING_RULES.label) in page(response)
    m.refresh_from_db()
    assert m.status == "submitted" and not m.publicities.exists()

    attach_all(preparatory, m, kinds=MeetingDocument.REQUIRED_FOR_FIRST[:4])
    # The fifth through the page.
    upload = Upload("投票规则.pdf", minimal_pdf("rules"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("meetings:document_add", args=[m.pk]),
        {
            "kind": "voting_rules",
            "title": "碧海花园电子投票规则",
            "file": SimpleUploadedFile(upload.name, upload.content, "application/pdf"),
        },
        follow=True,
    )
    body = page(response)
    assert "碧海花园电子投票规则" in body and 'id="documents-missing"' not in body
    assert body.count('class="mt-have"') == 5
    guide(m)  # art. 12, R-MTG-2
    client.post(reverse("meetings:publish", args=[m.pk]))
    m.refresh_from_db()
    assert m.status == "published"


def test_a_document_is_downloaded_and_removed_by_the_convener(client, staff, make_meeting):
    m = make_meeting()
    doc = services.document_add(
        actor=staff["convener"],
        meeting_id=m.pk,
        kind="other",
        title="物业服务合同草案",
        upload=Upload("合同.pdf", minimal_pdf("hello")),
    )
    client.force_login(staff["convener"])
    response = client.get(reverse("meetings:document", args=[m.pk, doc.pk]))
    assert response.status_code == 200 and b"".join(response).startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    client.force_login(staff["street"])  # a draft is not visible to it
    assert client.get(reverse("meetings:document", args=[m.pk, doc.pk])).status_code == 404
    assert client.post(reverse("meetings:document_remove", args=[m.pk, doc.pk])).status_code == 404
    client.force_login(staff["convener"])
    client.post(reverse("meetings:document_remove", args=[m.pk, doc.pk]))
    assert not MeetingDocument.objects.filter(pk=doc.pk).exists()


def test_a_file_that_is_not_a_document_is_refused(client, staff, make_meeting):
    from django.core.files.uploadedfile import SimpleUploadedFile

    m = make_meeting()
    client.force_login(staff["convener"])
    response = client.post(
        reverse("meetings:document_add", args=[m.pk]),
        {
            "kind": "other",
            "title": "x",
            "file": SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/pdf"),
        },
        follow=True,
    )
    assert 'class="msg msg-error"' in page(response)
    assert not MeetingDocument.objects.exists()


# --- versions side by side (R-MTG-6) ----------------------------------------------------------


def test_two_versions_side_by_side_with_the_changed_fields_marked(client, staff, make_meeting):
    m = make_meeting(25, state="published")
    services.meeting_change(
        actor=staff["convener"], meeting_id=m.pk, reason="会所装修", place="碧海花园会所二楼多功能厅"
    )
    client.force_login(staff["street"])
    body = page(client.get(detail_url(m)))
    assert 'id="compare-form"' in body
    response = client.get(reverse("meetings:compare", args=[m.pk]), {"a": 1, "b": 2})
    assert response.status_code == 200
    body = page(response)
    start = body.index('id="compare"')
    table = body[start : body.index("</table>", start)]
    changed = [row for row in table.split("<tr") if 'class="mt-changed"' in row]
    assert len(changed) == 1 and "碧海花园会所二楼多功能厅" in changed[0] and "碧海花园会所二楼" in changed[0]
    assert 'data-field="place"' in body and "会所装修" in body
    assert client.get(reverse("meetings:compare", args=[m.pk]), {"a": 1, "b": 9}).status_code == 404
    client.force_login(staff["other_convener"])
    assert client.get(reverse("meetings:compare", args=[m.pk])).status_code == 404


def test_the_notice_pdf_is_printed_from_the_console(client, staff, make_meeting):
    m = make_meeting(state="submitted")
    client.force_login(staff["convener"])
    response = client.get(reverse("meetings:print_pdf", args=[m.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(staff["other_convener"])
    assert client.get(reverse("meetings:print_pdf", args=[m.pk])).status_code == 404
