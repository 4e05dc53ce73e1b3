"""Complaint pages (R-SEC-4): the owner's form, list and detail; the office's queue and detail with
its forms; the district's figures. Who may open which page: tests/permissions/test_page_matrix.py."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from ownervote.complaints.models import Complaint

from .conftest import PNG, TEXT


@pytest.fixture
def login(client):
    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    return as_


def test_owner_complains_and_the_office_handles(login, owner_world, estates, staff):
    c = login(owner_world["zhang"])
    form = c.get("/m/complaints/new/")
    assert form.status_code == 200 and "碧海花园" in form.content.decode()
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    sent = c.post(
        "/m/complaints/new/",
        {"estate": estates["a"].pk, "subject": "binding", "text": TEXT, "files": [photo]},
    )
    complaint = Complaint.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/m/complaints/{complaint.pk}/"
    detail = c.get(sent["Location"]).content.decode()
    assert complaint.accept_by.isoformat() in detail
    stored = complaint.files.get()
    own = f"/m/complaints/{complaint.pk}/files/{stored.pk}/"
    assert own in detail  # R-SEC-4: the owner opens what they sent
    got = c.get(own)
    assert got.status_code == 200 and b"".join(got) == PNG
    assert f"/m/complaints/{complaint.pk}/" in c.get("/m/complaints/").content.decode()
    s = login(staff["street"])
    queue = s.get("/console/complaints/").content.decode()
    assert f"complaint-{complaint.pk}" in queue
    page = s.get(f"/console/complaints/{complaint.pk}/").content.decode()
    assert "张*" in page and "现场.png" in page
    s.post(f"/console/complaints/{complaint.pk}/", {"action": "accept", "note": ""})
    blank = s.post(f"/console/complaints/{complaint.pk}/", {"action": "extend", "reason": ""})
    assert blank.status_code == 422
    extended = s.post(
        f"/console/complaints/{complaint.pk}/", {"action": "extend", "reason": "需调取监控录像"}
    )
    assert extended.status_code == 302
    complaint.refresh_from_db()
    owner_page = login(owner_world["zhang"]).get(f"/m/complaints/{complaint.pk}/").content.decode()
    assert "需调取监控录像" in owner_page and complaint.conclude_by.isoformat() in owner_page
    s = login(staff["street"])
    assert 'id="extend"' not in s.get(f"/console/complaints/{complaint.pk}/").content.decode()  # once only
    refused = s.post(
        f"/console/complaints/{complaint.pk}/", {"action": "conclude", "investigation": "", "outcome": "x"}
    )
    assert refused.status_code == 422
    s.post(
        f"/console/complaints/{complaint.pk}/",
        {"action": "conclude", "investigation": "调阅录像", "outcome": "投诉不成立"},
    )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CONCLUDED
    assert "投诉不成立" in login(owner_world["zhang"]).get(f"/m/complaints/{complaint.pk}/").content.decode()


def test_refusals_on_the_form(login, owner_world, estates):
    c = login(owner_world["newcomer"])
    page = c.get("/m/complaints/new/")
    assert page.status_code == 200 and 'id="refusal"' in page.content.decode()
    c = login(owner_world["zhang"])
    short = c.post("/m/complaints/new/", {"estate": estates["a"].pk, "subject": "binding", "text": "短短短"})
    assert short.status_code == 422
    bad = SimpleUploadedFile("a.txt", b"hello world", content_type="image/png")
    refused = c.post(
        "/m/complaints/new/", {"estate": estates["a"].pk, "subject": "binding", "text": TEXT, "files": [bad]}
    )
    assert refused.status_code == 422 and "a.txt" in refused.content.decode()
    assert not Complaint.objects.exists()


def test_overdue_on_the_district_page_without_identity(login, owner_world, estates, staff):
    login(owner_world["zhang"]).post(
        "/m/complaints/new/", {"estate": estates["a"].pk, "subject": "binding", "text": TEXT}
    )
    complaint = Complaint.objects.get()
    late = complaint.accept_by + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(late, dt.time(4), tzinfo=dt.UTC), tick=False):
        page = login(staff["district"]).get("/console/complaints/oversight/").content.decode()
        assert f"overdue-{complaint.pk}" in page and "碧海花园" in page
        assert "张" not in page.split('id="overdue"')[1]
        queue = login(staff["street"]).get("/console/complaints/").content.decode()
        assert 'id="overdue-count"' in queue
