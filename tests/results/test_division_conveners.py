"""R-ORG-3, R-ORG-4: a result whose meeting a street office convened says so in the frozen content,
the result table (PDF and .xlsx), the public result page and the archive, and the archive still
verifies. The meeting of voting_world is convened by its organisation, made a street office here:
what is marked depends only on the convener's kind."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ownervote.orgs.models import Organisation
from ownervote.results.models import Result
from ownervote.results.services import results
from ownervote.verify import archive as verifier
from ownervote.voting.services import progress
from tests.results.scans import uploads
from tests.voting.paper_fixtures import cast, close_now, roll_of

CAPACITY = "街道办事处依照《深圳经济特区物业管理条例》第二十八条代行召集人职责"


@pytest.fixture
def street_result(voting_world, staff):
    w = voting_world
    meeting = w["meeting"]
    Organisation.objects.filter(pk=meeting.convener_id).update(kind="street_office", name="沙头街道办事处")
    meeting.convener.refresh_from_db()
    roll = roll_of(meeting)
    cast(meeting, [roll["1栋-101"]], user=w["zhang"])
    close_now(meeting)
    progress.voting_close(meeting_id=meeting.pk)
    result = results.result_generate(actor=w["convener"], meeting_id=meeting.pk)
    return {**w, **staff, "meeting": meeting, "result": result}


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_r_org_3_the_frozen_result_names_the_capacity(street_result):
    console = client_for(street_result["convener"]).get(
        reverse("results:console", args=[street_result["meeting"].pk])
    )
    page = console.content.decode()
    assert "由其所属区住房和建设部门进行指导" in page
    # the submission goes to the district bureau, never "to the street office" (it convened)
    assert "将第1版提交区住房和建设部门" in page and "提交街道办事处" not in page
    m = street_result["result"].content["meeting"]
    assert (m["convener"], m["convener_kind"]) == ("沙头街道办事处", "street_office")
    assert CAPACITY in m["convener_capacity"] and "第三十三条" in m["convener_capacity"]


def test_r_org_3_the_result_table_pdf_and_xlsx_say_so(street_result, tmp_path):
    w = street_result
    client = client_for(w["convener"])
    pdf = client.get(reverse("results:pdf", args=[w["meeting"].pk, 1, "result"])).content
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["/usr/bin/pdftotext", str(path), "-"], capture_output=True, text=True, check=True)  # noqa: S603
    text = "".join(done.stdout.split())
    assert "沙头街道办事处（" + CAPACITY in text
    from openpyxl import load_workbook

    xlsx = client.get(reverse("results:xlsx", args=[w["meeting"].pk, 1, "result"])).content
    cells = [str(c.value) for row in load_workbook(BytesIO(xlsx)).active.iter_rows() for c in row if c.value]
    assert any(CAPACITY in c for c in cells)


def test_r_org_3_the_public_result_and_the_archive_say_so(street_result):
    w = street_result
    meeting = w["meeting"]
    results.result_submit(actor=w["convener"], meeting_id=meeting.pk, **uploads())
    today = timezone.localdate()
    Result.objects.filter(meeting=meeting).update(guidance_ends_on=today - dt.timedelta(days=1))
    results.result_publicise(
        actor=w["convener"], meeting_id=meeting.pk, starts_on=today, ends_on=today + dt.timedelta(days=10)
    )
    assert CAPACITY in client_for().get(reverse("results:public", args=[meeting.pk])).content.decode()
    data = json.loads(client_for(w["convener"]).get(reverse("results:archive", args=[meeting.pk])).content)
    assert data["meeting"]["convener_kind"] == "street_office"
    assert CAPACITY in data["meeting"]["convener_capacity"]
    assert verifier.check(data).ok
