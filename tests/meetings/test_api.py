"""/api/meetings and /api/calendar: what each caller gets back (who may call what is in
tests/permissions/owner_rows_meetings.py). R-MTG-1..7, R-VOTE-4."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ownervote.meetings.models import Meeting, MeetingDocument
from ownervote.notify.testing import run_worker
from ownervote.rules.calendar import SHIPPED
from tests.owners import confirm_totals

from .conftest import PDF, at, day, guide, meeting_input, today, unshipped_year, weekday_on_or_after

R = "/api/meetings"


@pytest.fixture
def login():
    def as_(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return as_


def _json(values: dict) -> dict:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def _body(estate_id: int, days: int = 25, **overrides) -> dict:
    return {"estate_id": estate_id, **_json(meeting_input(days, **overrides))}


def test_create_read_change_enter_publish(login, owner_world, staff, estates):  # R-MTG-1, R-MTG-3
    c = login(staff["convener"])
    created = c.post(R, _body(estates["a"].pk), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    mid = body["id"]
    assert body["status"] == "draft" and body["estate"]["id"] == estates["a"].pk
    assert [t["title"] for t in body["topics"]] == ["选聘物业服务企业", "选举业主委员会委员"]
    election = body["topics"][1]["items"][0]
    assert (election["position"], election["kind"], election["seats"], election["max_choices"]) == (
        2,
        "election",
        3,
        3,
    )
    assert [x["name"] for x in election["candidates"]] == ["陈一", "林二", "黄三", "周四"]
    assert election["category_label"]
    assert body["publicity"] is None and body["missing_documents"] == []

    patched = c.patch(f"{R}/{mid}", {"place": "社区活动中心"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["place"] == "社区活动中心"
    assert patched.json()["title"] == "2026年度第二次业主大会会议"  # left out: unchanged

    confirm_totals(estates["a"], staff["convener"])  # R-ROSTER-1
    submitted = c.post(f"{R}/{mid}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted" and submitted.json()["entered_on"] == today().isoformat()

    guide(Meeting.objects.get(pk=mid))  # art. 12, R-MTG-2
    published = c.post(f"{R}/{mid}/publish")
    assert published.status_code == 200
    pub = published.json()
    assert pub["status"] == "published"
    assert (
        pub["publicity"]["starts_on"] == today().isoformat()
        and pub["publicity"]["ends_on"] == day(25).isoformat()
    )
    assert pub["publicity"]["version"] == 1 and pub["publicity"]["binding_publication_id"]

    # Owners bound in the estate see it now, in the list and in detail.
    zhang = login(owner_world["zhang"])
    assert [m["id"] for m in zhang.get(R).json()] == [mid]
    assert zhang.get(f"{R}/{mid}").status_code == 200
    assert login(owner_world["wang"]).get(R).json() == []


def test_refusals_are_structured(login, staff, estates):  # R-MTG-1
    c = login(staff["convener"])
    bad = _body(estates["a"].pk)
    bad["topics"][1]["items"][0]["max_choices"] = 4
    response = c.post(R, bad, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "meeting.invalid"
    assert "topics.1.items.0.max_choices" in error["details"]["fields"]

    late = c.post(R, _body(estates["a"].pk, 19), content_type="application/json")
    assert late.status_code == 422
    error = late.json()["error"]
    assert error["code"] == "meeting.schedule"
    assert error["details"]["earliest_held_on"] == day(20).isoformat()
    assert error["details"]["problems"][0]["rule"] == "R-MTG-1"
    assert error["message"] == error["details"]["problems"][0]["message"]
    assert not Meeting.objects.exists()


def test_english_on_request(login, staff, estates):
    c = login(staff["convener"])
    response = c.post(
        R, _body(estates["a"].pk, 19), content_type="application/json", headers={"Accept-Language": "en"}
    )
    message = response.json()["error"]["message"]
    assert (
        message.startswith("art. 12 of the electronic voting rules")
        and "20 days" in message
        and day(20).isoformat() in message
    )


def test_a_late_change_is_409_with_the_earliest_date(login, staff, make_meeting):  # R-MTG-6
    meeting = make_meeting(25, "published")
    c = login(staff["convener"])
    response = c.patch(
        f"{R}/{meeting.pk}",
        {
            "reason": "提前召开",
            **_json({"starts_at": at(14), "voting_opens_at": at(14), "voting_closes_at": at(14, 18)}),
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert (
        error["code"] == "meeting.change_too_late"
        and error["details"]["earliest_held_on"] == day(15).isoformat()
    )

    changed = c.patch(
        f"{R}/{meeting.pk}", {"reason": "更正地点", "place": "会所一楼"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    versions = c.get(f"{R}/{meeting.pk}/versions").json()
    assert [(v["number"], v["reason"]) for v in versions] == [(1, ""), (2, "更正地点")]
    assert all(len(v["digest"]) == 64 for v in versions)
    diff = c.get(f"{R}/{meeting.pk}/diff?a=1&b=2").json()
    assert diff["rows"] == [
        {
            "field": "place",
            "label": diff["rows"][0]["label"],
            "before": "碧海花园会所二楼",
            "after": "会所一楼",
        }
    ]
    assert c.get(f"{R}/{meeting.pk}/diff?a=1&b=3").status_code == 404


def test_first_assembly_documents_by_multipart(login, preparatory, make_meeting):  # R-MTG-5
    meeting = make_meeting(25, "submitted", actor=preparatory, kind="first")
    c = login(preparatory)
    refused = c.post(f"{R}/{meeting.pk}/publish")
    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["missing"] == [
        str(k) for k in MeetingDocument.REQUIRED_FOR_FIRST
    ]
    ids = []
    for kind in MeetingDocument.REQUIRED_FOR_FIRST:
        upload = SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf")
        response = c.post(f"{R}/{meeting.pk}/documents", {"kind": kind, "title": "", "file": upload})
        assert response.status_code == 201, response.content
        assert response.json()["content_type"] == "application/pdf" and response.json()["title"]
        ids.append(response.json()["id"])
    assert [d["kind"] for d in c.get(f"{R}/{meeting.pk}/documents").json()] == sorted(
        str(k) for k in MeetingDocument.REQUIRED_FOR_FIRST
    )
    download = c.get(f"{R}/{meeting.pk}/documents/{ids[0]}/file")
    assert download.status_code == 200 and download.content == PDF
    assert download["Cache-Control"] == "no-store, private"
    bad = c.post(
        f"{R}/{meeting.pk}/documents",
        {"kind": "other", "file": SimpleUploadedFile("x.exe", b"MZ\x00\x00", content_type="application/pdf")},
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "meeting.file_type"
    # Issue 22 item 10: 45 bytes that only start like a PDF are refused, with a structured error.
    fake = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert len(fake) == 45
    bad = c.post(
        f"{R}/{meeting.pk}/documents",
        {"kind": "other", "file": SimpleUploadedFile("规则.pdf", fake, content_type="application/pdf")},
    )
    assert bad.status_code == 422, bad.content
    error = bad.json()["error"]
    assert error["code"] == "meeting.file_not_pdf" and "不是完整的PDF文件" in error["message"]
    guide(meeting)
    assert c.post(f"{R}/{meeting.pk}/publish").status_code == 200


def test_guidance_by_the_street_office(login, staff, make_meeting):  # R-MTG-2
    meeting = make_meeting(25, "submitted")
    street = login(staff["street"])
    assert [m["id"] for m in street.get(f"{R}/to-guide").json()] == [meeting.pk]
    given = street.post(
        f"{R}/{meeting.pk}/guidance", {"text": "请补充会议议程。"}, content_type="application/json"
    )
    assert given.status_code == 201 and given.json()["version"] == 1
    seen = login(staff["convener"]).get(f"{R}/{meeting.pk}/guidance").json()
    assert [g["text"] for g in seen] == ["请补充会议议程。"]
    Meeting.objects.filter(pk=meeting.pk).update(guidance_ends_on=day(-1))
    closed = street.post(f"{R}/{meeting.pk}/guidance", {"text": "补充意见"}, content_type="application/json")
    assert closed.status_code == 409
    assert closed.json()["error"]["details"] == {"guidance_ends_on": day(-1).isoformat()}


def test_timeline_and_preview(login, staff, make_meeting, snapshot):  # R-MTG-1..4, R-MTG-6
    meeting = make_meeting(25, "submitted")
    c = login(staff["convener"])
    timeline = c.get(f"{R}/{meeting.pk}/timeline").json()
    assert timeline["ok"] and timeline["held_on"] == day(25).isoformat()
    states = {d["code"]: d["state"] for d in timeline["deadlines"]}
    assert states["entry_by"] == "done" and states["publicity_by"] == "future"
    assert all(d["rule"].startswith("R-MTG-") and d["explanation"] for d in timeline["deadlines"])

    before = snapshot()
    new = c.post(
        f"{R}/timeline-preview", {"starts_at": at(19).isoformat()}, content_type="application/json"
    ).json()
    assert not new["ok"] and new["earliest_held_on"] == day(20).isoformat()
    assert [p["code"] for p in new["problems"]] == ["entry_too_late"]
    change = c.post(
        f"{R}/timeline-preview",
        {"starts_at": at(19).isoformat(), "meeting_id": meeting.pk},
        content_type="application/json",
    ).json()
    assert change["ok"], change  # a change is not entered again: 15 days suffice
    assert snapshot() == before


def test_public_notice_needs_no_sign_in(login, owner_world, staff, make_meeting):  # R-MTG-3
    meeting = make_meeting(25, "submitted")
    anonymous = login()
    assert anonymous.get(f"{R}/{meeting.pk}/notice").status_code == 404
    assert anonymous.get(f"{R}/{meeting.pk}").status_code == 401
    guide(meeting, "请在公告中写明投票时间。")  # art. 12, R-MTG-2
    login(staff["convener"]).post(f"{R}/{meeting.pk}/publish")
    notice = anonymous.get(f"{R}/{meeting.pk}/notice")
    assert notice.status_code == 200
    body = notice.json()
    assert body["estate"] == "碧海花园" and body["place"] == "碧海花园会所二楼" and len(body["digest"]) == 64
    assert body["topics"][1]["items"][0]["candidates"][0]["name"] == "陈一"
    # art. 12, R-MTG-2: the guidance is publicised with the notice
    assert [(g["text"], g["version"]) for g in body["guidance"]] == [("请在公告中写明投票时间。", 1)]
    assert (body["publicity_starts_on"], body["publicity_ends_on"]) == (
        today().isoformat(),
        day(25).isoformat(),
    )


def test_my_eligibility(login, owner_world, make_meeting):  # R-VOTE-4
    meeting = make_meeting(25, "published")
    zhang = login(owner_world["zhang"])
    before = zhang.get(f"{R}/{meeting.pk}/eligibility").json()
    assert before == {"meeting_id": meeting.pk, "frozen": False, "flats": []}
    run_worker(at=meeting.voting_opens_at)
    after = zhang.get(f"{R}/{meeting.pk}/eligibility").json()
    assert after["frozen"] is True
    (flat,) = after["flats"]
    # zhang bound today, the first day of the publicity: paper only, with the reason (art. 18).
    assert (flat["flat"], flat["mode"], flat["reason"]) == ("1栋-101", "paper_only", "bound_during_publicity")
    assert flat["reason_label"]
    assert login(owner_world["wang"]).get(f"{R}/{meeting.pk}/eligibility").status_code == 404


def test_cancel(login, staff, make_meeting):
    meeting = make_meeting(25, "submitted")
    c = login(staff["convener"])
    assert (
        c.post(f"{R}/{meeting.pk}/cancel", {"reason": ""}, content_type="application/json").status_code == 422
    )
    done = c.post(f"{R}/{meeting.pk}/cancel", {"reason": "暂缓"}, content_type="application/json")
    assert (
        done.status_code == 200
        and done.json()["status"] == "cancelled"
        and done.json()["cancel_reason"] == "暂缓"
    )


@pytest.mark.shipped_calendar
def test_calendar_years(login, staff):  # R-MTG-4
    city = login(staff["city"])
    years = city.get("/api/calendar/years").json()
    assert [y["year"] for y in years] == sorted(SHIPPED)
    assert all(not y["entered_by_operator"] and y["source"] for y in years)
    year = unshipped_year()
    assert city.get(f"/api/calendar/years/{year}").status_code == 404
    body = {
        "holidays": [f"{year}-01-01", f"{year}-02-06"],
        "workdays": [f"{year}-02-20"] if dt.date(year, 2, 20).weekday() >= 5 else [],
        "source": "国办发明电（测试）",
    }
    saved = city.put(f"/api/calendar/years/{year}", body, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["entered_by_operator"] and saved.json()["workdays"] == body["workdays"]
    assert saved.json()["updated_by"] == staff["city"].real_name
    assert city.get(f"/api/calendar/years/{year}").json()["holidays"] == [f"{year}-01-01", f"{year}-02-06"]
    refused = login(staff["street"]).put(
        f"/api/calendar/years/{year + 1}", body, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "calendar.forbidden"
    monday = weekday_on_or_after(dt.date(year, 2, 20), 0)
    wrong = city.put(
        f"/api/calendar/years/{year}",
        {**body, "workdays": [monday.isoformat()]},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and "workdays" in wrong.json()["error"]["details"]["fields"]
