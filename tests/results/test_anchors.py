"""R-SEC-5: each result version and each archive carries its estate's audit chain head as it was
at that moment (stream, seq, hash), published where people keep copies (the version's frozen
content and its public page; the archive's manifest), and ``verify_audit`` checks the log still
extends them, from the database and from the archive file kept elsewhere."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from ownervote.audit.chainer import chain_pending
from ownervote.audit.models import AuditAnchor, AuditHead
from ownervote.audit.services import stream_for
from ownervote.results.services import results
from ownervote.verify import __main__ as verify_cli
from ownervote.verify import heads as verify_heads
from tests.results.test_archive import client_for, console_url, publicise, world  # noqa: F401

TABLES = ("audit_auditevent", "audit_auditlink", "audit_audithead", "audit_auditanchor")


def _head(meeting) -> AuditHead:
    return AuditHead.objects.get(stream=stream_for(meeting.estate_id))


def test_a_result_version_carries_the_estates_chain_head(world):  # noqa: F811 - R-SEC-5
    """The version froze the head as it was when it was generated (the events before it), the
    head is covered by its result hash and kept as an anchor; the public page shows it."""
    meeting = world["meeting"]
    v1 = results.current(meeting)
    (head,) = v1.content["audit_heads"]
    assert head["stream"] == stream_for(meeting.estate_id)
    assert results.digest_of(v1.content) == v1.digest  # the head is inside what the hash covers
    anchor = AuditAnchor.objects.get(kind="result", ref=f"result:{v1.pk}")
    assert (anchor.stream, anchor.seq, anchor.hash) == (head["stream"], head["seq"], head["hash"])
    chain_pending()  # the worker links what was recorded since
    assert _head(meeting).seq > head["seq"]  # generating, submitting were audited after it
    publicise(world)
    page = client_for().get(reverse("results:public", args=[meeting.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and head["hash"] in text
    assert "生成本版本时本小区审计日志的摘要" in text
    assert reverse("portal:anchors_estate", args=[meeting.estate_id]) in text
    notice = client_for().get(reverse("meetings:notice", args=[meeting.pk])).content.decode()
    assert reverse("portal:anchors_estate", args=[meeting.estate_id]) in notice


def test_an_archive_carries_the_head_when_exported_and_verifies_it(world, tmp_path):  # noqa: F811 - R-SEC-5
    meeting = world["meeting"]
    chain_pending()  # the worker has caught up: the export's head is this one
    before = _head(meeting)
    data = json.loads(client_for(world["convener"]).get(console_url(meeting)).content)
    assert data["audit_heads"] == [{"stream": before.stream, "seq": before.seq, "hash": before.hash}]
    assert AuditAnchor.objects.filter(kind="archive", seq=before.seq, hash=before.hash).exists()
    # The standalone verifier shows the heads (it cannot recompute them: the archive holds no
    # audit events) and says how to compare them.
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    out = io.StringIO()
    assert verify_cli.run(str(path), out=out) == verify_cli.OK
    text = out.getvalue()
    assert f"审计日志链头（导出时）：{before.stream} 第 {before.seq} 条，摘要 {before.hash}" in text
    assert "/p/audit/" in text and "verify_audit --anchors" in text
    # The archive, kept outside, is an anchor verify_audit checks.
    call_command("verify_audit", "--anchors", str(path), stdout=io.StringIO())
    with connection.cursor() as cur:  # the tail after the export is cut, head and anchors too
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cur.execute(
            "SELECT event_id FROM audit_auditlink WHERE stream = %s AND seq >= %s",
            [before.stream, before.seq],
        )
        for (event_id,) in cur.fetchall():
            cur.execute("DELETE FROM audit_auditpending WHERE event_id = %s", [event_id])
            cur.execute("DELETE FROM audit_auditlink WHERE event_id = %s", [event_id])
            cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])
        cur.execute("DELETE FROM audit_auditanchor")
        cur.execute("UPDATE audit_audithead SET seq = %s WHERE stream = %s", [before.seq - 1, before.stream])
        cur.execute(
            "UPDATE audit_audithead SET hash = (SELECT hash FROM audit_auditlink WHERE stream = %s "
            "AND seq = %s) WHERE stream = %s",
            [before.stream, before.seq - 1, before.stream],
        )
        if connection.vendor == "postgresql":
            for table in TABLES:
                cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    call_command("verify_audit", stdout=io.StringIO())  # the database alone agrees with itself
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", "--anchors", str(path), stdout=io.StringIO(), stderr=err)
    assert f"BROKEN stream {before.stream}, seq {before.seq} (missing row)" in err.getvalue()


def test_the_verifier_refuses_malformed_heads(world, tmp_path):  # noqa: F811 - R-SEC-5
    data = json.loads(client_for(world["convener"]).get(console_url(world["meeting"])).content)
    data["audit_heads"][0]["hash"] = "not-a-hash"
    with pytest.raises(verify_heads.Malformed):
        verify_heads.heads(data)
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    out = io.StringIO()
    assert verify_cli.run(str(path), out=out) == verify_cli.DIFFERS
    assert "审计日志链头格式有误：audit_heads[0].hash" in out.getvalue()
