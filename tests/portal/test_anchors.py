"""The public page of audit chain digests /p/audit/ (R-SEC-5): without signing in, anybody reads
each estate's daily anchor of its audit log head, one estate's history by day, how to use it, and
downloads it as JSON that ``verify_audit --anchors`` reads. Queries stay bounded with many
estates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ownervote.audit import anchors
from ownervote.audit.models import AuditHead
from ownervote.audit.services import record, stream_for
from ownervote.roster.models import Estate

from .conftest import text

DAY1, DAY2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)


def _events(estate, n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            record(actor="system", action="test.event", object_id=i, estate_id=estate.pk)


@pytest.fixture
def anchored(estates):
    """Estate a anchored on two days (2 events, then 3), estate b on the second day only."""
    a, b = estates["a"], estates["b"]
    _events(a, 2)
    anchors.anchor_daily(day=DAY1)
    first = AuditHead.objects.get(stream=stream_for(a.pk))
    first = (first.seq, first.hash)
    _events(a, 1)
    _events(b, 4)
    anchors.anchor_daily(day=DAY2)
    heads = {e: AuditHead.objects.get(stream=stream_for(e.pk)) for e in (a, b)}
    return {"a": a, "b": b, "first": first, "heads": heads}


def test_the_index_lists_every_estates_latest_digest_without_sign_in(client, anchored):  # R-SEC-5
    page = client.get(reverse("portal:anchors"))
    body = text(page)
    assert page.status_code == 200
    a, b = anchored["a"], anchored["b"]
    for estate in (a, b):
        head = anchored["heads"][estate]
        assert head.hash in body and estate.name in body
        assert reverse("portal:anchors_estate", args=[estate.pk]) in body
    assert anchored["first"][1] not in body  # the index shows the latest day only
    assert "各小区审计日志的每日摘要" in body and "最近一次记录于 2026-03-02" in body
    assert "如何使用这些摘要" in body and "截图" in body and "verify_audit --anchors" in body
    found = text(client.get(reverse("portal:anchors"), {"q": b.name}))
    assert anchored["heads"][b].hash in found and anchored["heads"][a].hash not in found


def test_one_estates_page_shows_its_digest_by_day(client, anchored):  # R-SEC-5
    a = anchored["a"]
    body = text(client.get(reverse("portal:anchors_estate", args=[a.pk])))
    assert body.index("2026-03-02") < body.index("2026-03-01")  # newest first
    assert anchored["heads"][a].hash in body and anchored["first"][1] in body
    assert anchored["heads"][anchored["b"]].hash not in body
    assert reverse("portal:anchors_estate_json", args=[a.pk]) in body
    assert client.get(reverse("portal:anchors_estate", args=[999999])).status_code == 404


def test_the_json_is_what_verify_audit_reads(client, anchored, tmp_path, capsys):  # R-SEC-5 R-SEC-2
    a = anchored["a"]
    response = client.get(reverse("portal:anchors_estate_json", args=[a.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["format"] == "ownervote.audit-anchors" and data["estate"]["name"] == a.name
    head = anchored["heads"][a]
    assert data["anchors"] == [
        {"stream": head.stream, "seq": head.seq, "hash": head.hash, "day": "2026-03-02"},
        {
            "stream": head.stream,
            "seq": anchored["first"][0],
            "hash": anchored["first"][1],
            "day": "2026-03-01",
        },
    ]
    day = client.get(reverse("portal:anchors_day_json")).json()  # by default the latest day
    assert day["day"] == "2026-03-02" and {x["stream"] for x in day["anchors"]} >= {
        stream_for(a.pk),
        stream_for(anchored["b"].pk),
    }
    kept = tmp_path / "anchors.json"
    kept.write_bytes(response.content)
    call_command("verify_audit", "--anchors", str(kept))
    assert "and 2 given from outside" in capsys.readouterr().out
    # Cut the last event of estate a (and its head): the downloaded file proves it.
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cur.execute("ALTER TABLE audit_auditlink DISABLE TRIGGER USER")
            cur.execute("ALTER TABLE audit_audithead DISABLE TRIGGER USER")
        cur.execute("SELECT event_id FROM audit_auditlink WHERE stream = %s AND seq = 3", [head.stream])
        (event_id,) = cur.fetchone()
        cur.execute("DELETE FROM audit_auditlink WHERE event_id = %s", [event_id])
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])
        cur.execute(
            "UPDATE audit_audithead SET seq = 2, hash = %s WHERE stream = %s",
            [anchored["first"][1], head.stream],
        )
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            cur.execute("ALTER TABLE audit_auditlink ENABLE TRIGGER USER")
            cur.execute("ALTER TABLE audit_audithead ENABLE TRIGGER USER")
    with pytest.raises(CommandError):
        call_command("verify_audit", "--anchors", str(kept))
    assert f"BROKEN stream {head.stream}, seq 3 (missing row)" in capsys.readouterr().err


def test_a_bad_day_is_a_json_error_not_a_500(client, anchored):  # R-SEC-5
    response = client.get(reverse("portal:anchors_day_json"), {"day": "9999-99-99"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert "YYYY-MM-DD" in response.json()["error"]["message"]
    empty = client.get(reverse("portal:anchors_day_json"), {"day": "2020-01-01"}).json()
    assert empty["anchors"] == [] and empty["next"] is None


def test_the_public_pages_link_the_digests(client, anchored):  # R-SEC-5
    a = anchored["a"]
    estate_page = text(client.get(f"/m/e/{a.pk}/"))
    assert reverse("portal:anchors_estate", args=[a.pk]) in estate_page
    assert 'id="foot-anchors"' in estate_page and reverse("portal:anchors") in estate_page


def test_the_index_queries_stay_bounded_with_many_estates(client, anchored, estates):  # R-SEC-5
    street = anchored["a"].street
    Estate.objects.bulk_create(Estate(name=f"测试小区{i}", street=street) for i in range(120))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:anchors"))
    more = [Estate(name=f"更多小区{i}", street=street) for i in range(200)]
    Estate.objects.bulk_create(more)
    with CaptureQueriesContext(connection) as many:
        body = text(client.get(reverse("portal:anchors"), {"page": 3}))
    assert len(many) == len(few) <= 8
    assert "第 3 页" in body
