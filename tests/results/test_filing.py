"""The filing export of a publicised result (备案, R-DATA-1), format ``ownervote-filing/1``
(docs/filing-format.md): its content (identifiers, the frozen result with exact figures, the
publicity, the audit anchors), that it names no person, who may export it and when, and that every
export is audited; the documented example is a real export that validates."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ownervote.audit.anchors import from_document, verify_with_anchors
from ownervote.audit.models import AuditAnchor, AuditEvent
from ownervote.core.errors import Conflict, NotFound
from ownervote.results.errors import Code
from ownervote.results.models import Result
from ownervote.results.services import export, filing
from ownervote.verify.merkle import canonical
from tests.results.test_archive import publicise, world  # noqa: F401 - the archive tests' world
from tests.rosterfiles import mobile, person_id

pytestmark = pytest.mark.django_db

EXPORTED = "result.filing_exported"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "filing.json"


def exported() -> int:
    return AuditEvent.objects.filter(action=EXPORTED).count()


def api(user, meeting, query: str = ""):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/api/results/meetings/{meeting.pk}/filing{query}")


def test_the_filing_holds_the_publicised_result_as_frozen(world):  # noqa: F811 - R-DATA-1
    """Identifiers, the version's content exactly as its hash covers it (exact areas and rational
    shares), its Merkle root (the archive's), the publicity dates and the audit anchors."""
    w = world
    meeting = w["meeting"]
    publicise(w)
    made = filing.filing_export(actor=w["street"], meeting_id=meeting.pk)
    data = made.data
    result = Result.objects.get(meeting=meeting, number=1)
    assert filing.problems(data) == []
    assert data["format"] == "ownervote-filing/1"
    assert data["meeting"]["id"] == meeting.pk and data["meeting"]["title"] == meeting.title
    assert data["meeting"]["convener"]["kind"] == meeting.convener.kind
    estate = meeting.estate
    assert data["estate"]["id"] == estate.pk and data["estate"]["street"]["code"] == estate.street.code
    assert data["estate"]["district"]["code"] == estate.street.parent.code
    assert data["result"]["version"] == 1 and data["result"]["digest"] == result.digest
    assert hashlib.sha256(canonical(data["result_content"])).hexdigest() == result.digest
    assert data["result"]["merkle_root"] == result.merkle_root
    archive = export.archive_of(meeting, result)
    assert archive["merkle_root"] == data["result"]["merkle_root"]  # the archive recounts the same ballots
    tally = data["result_content"]["result"]
    assert isinstance(tally["totals"]["area"], str) and "/" in tally["participating"]["area_of_total"]
    assert tally == archive["result"]
    today = timezone.localdate()
    assert data["publicity"]["starts_on"] == today.isoformat()
    assert data["publicity"]["ends_on"] == (today + dt.timedelta(days=10)).isoformat()
    assert data["result"]["signed_tables"]["result_sha256"] == result.result_scan_sha256
    heads = [a for a in data["anchors"] if a["kind"] == "export"]
    assert len(heads) == 1 and heads[0]["stream"] == f"estate:{estate.pk}"
    kinds = {(a["kind"], a["ref"]) for a in data["anchors"]}
    assert ("result", f"result:{result.pk}") in kinds
    # R-SEC-5: verify_audit --anchors reads the file as it is, and the log extends every anchor
    assert len(from_document(data, "filing.json")) == len(data["anchors"])
    assert verify_with_anchors(from_document(data, "filing.json")).breaks == []
    assert made.content == filing.to_bytes(data) and made.filename == f"ownervote-filing-{meeting.pk}-v1.json"


def test_the_filing_names_nobody(world):  # noqa: F811 - R-DATA-1 R-SEC-1
    """The filing carries flats by building and room (the per-flat table the street office holds),
    never an owner's name, mobile or ID number."""
    w = world
    publicise(w)
    text = filing.filing_export(actor=w["convener"], meeting_id=w["meeting"].pk).content.decode()
    for secret in ("张三", "李四", "王五", mobile(1), mobile(2), person_id(1), person_id(2)):
        assert secret not in text
    assert "1栋" in text  # the per-flat table, by flat


def test_each_export_is_audited_and_its_heads_kept(world):  # noqa: F811 - R-DATA-1 R-SEC-5
    w = world
    meeting = w["meeting"]
    publicise(w)
    before = exported()
    response = api(w["street"], meeting)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "ownervote-filing-" in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action=EXPORTED).latest("id")
    assert exported() == before + 1
    assert event.summary["file_sha256"] == hashlib.sha256(response.content).hexdigest()
    assert event.summary["number"] == 1 and event.estate_id == meeting.estate_id
    result = Result.objects.get(meeting=meeting)
    kept = AuditAnchor.objects.filter(ref=f"filing:{result.pk}")
    data = json.loads(response.content)
    assert [(a.stream, a.seq, a.hash) for a in kept] == [
        (h["stream"], h["seq"], h["hash"]) for h in data["anchors"] if h["kind"] == "export"
    ]
    # the next export lists the anchor the first one kept
    again = filing.filing_export(actor=w["convener"], meeting_id=meeting.pk)
    listed = {(a["kind"], a["ref"]) for a in again.data["anchors"]}
    assert ("archive", f"filing:{result.pk}") in listed


def test_before_the_publicity_nothing_is_exported(world):  # noqa: F811 - R-DATA-1
    """Generated and submitted, not publicised: 409, nothing audited, no anchor kept; a publicity
    that starts tomorrow is not yet a publicised result either."""
    w = world
    meeting = w["meeting"]
    anchors = AuditAnchor.objects.count()
    with pytest.raises(Conflict) as refused:
        filing.filing_export(actor=w["street"], meeting_id=meeting.pk)
    assert refused.value.code == Code.NOT_PUBLICISED
    response = api(w["convener"], meeting)
    assert response.status_code == 409 and response.json()["error"]["code"] == Code.NOT_PUBLICISED
    assert exported() == 0 and AuditAnchor.objects.count() == anchors
    publicise(w)
    yesterday = timezone.now() - dt.timedelta(days=1)
    with pytest.raises(Conflict):
        filing.filing_export(actor=w["street"], meeting_id=meeting.pk, now=yesterday)
    with pytest.raises(Conflict):  # no version 2 was publicised
        filing.filing_export(actor=w["street"], meeting_id=meeting.pk, number=2)
    assert exported() == 0
    assert api(w["street"], meeting, "?version=1").status_code == 200


def test_only_the_convener_and_the_supervising_staff_export_it(world, staff):  # noqa: F811 - R-DATA-1
    w = world
    meeting = w["meeting"]
    publicise(w)
    for user in (w["convener"], staff["street"], staff["district"], staff["city"]):
        assert api(user, meeting).status_code == 200
    for user in (w["zhang"], w["li"], w["newcomer"], staff["other_convener"], staff["other_street"]):
        with pytest.raises(NotFound):
            filing.filing_export(actor=user, meeting_id=meeting.pk)
        assert api(user, meeting).status_code == 404
    assert api(None, meeting).status_code == 401
    assert exported() == 4


def test_the_street_office_downloads_it_from_the_console(world):  # noqa: F811 - R-DATA-1
    """The console result page and the oversight list link the download once publicised; before, the
    download goes back to the result page with the reason."""
    w = world
    meeting = w["meeting"]
    client = Client()
    client.force_login(w["street"])
    url = reverse("results:filing", args=[meeting.pk])
    page = client.get(reverse("results:console", args=[meeting.pk])).content.decode()
    assert url not in page
    refused = client.get(url)
    assert refused.status_code == 302 and refused["Location"] == reverse("results:console", args=[meeting.pk])
    publicise(w)
    assert url in client.get(reverse("results:console", args=[meeting.pk])).content.decode()
    assert url in client.get(reverse("results:oversight")).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert filing.problems(json.loads(response.content)) == []


def test_a_tampered_filing_is_caught(world):  # noqa: F811 - R-DATA-1
    w = world
    publicise(w)
    data = filing.filing_export(actor=w["street"], meeting_id=w["meeting"].pk).data
    forged = json.loads(json.dumps(data))
    forged["result_content"]["result"]["participating"]["owners"] += 1
    assert any("digest" in p for p in filing.problems(forged))
    broken = json.loads(json.dumps(data))
    del broken["publicity"]["starts_on"]
    assert filing.problems(broken) == ["$.publicity.starts_on: missing"]
    other = {**data, "format": "ownervote-filing/2"}
    assert filing.problems(other) == ["$.format: expected 'ownervote-filing/1'"]


def test_the_documented_example_validates(world):  # noqa: F811 - R-DATA-1
    """docs/examples/filing.json is a real export (this world's): it validates, and it has every key a
    fresh export has. OWNERVOTE_WRITE_FILING_EXAMPLE=1 writes it again."""
    w = world
    publicise(w)
    fresh = filing.filing_export(actor=w["street"], meeting_id=w["meeting"].pk)
    if os.environ.get("OWNERVOTE_WRITE_FILING_EXAMPLE"):
        EXAMPLE.parent.mkdir(parents=True, exist_ok=True)
        EXAMPLE.write_bytes(fresh.content)
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert filing.problems(example) == []

    def keys(value, where="$"):
        if isinstance(value, dict):
            return {where} | {k for key, v in value.items() for k in keys(v, f"{where}.{key}")}
        return {where}

    assert keys(example) == keys(fresh.data)
