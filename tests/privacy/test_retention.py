"""R-SEC-7: the retention job (``audit.retention``, ``manage.py erase_expired``) erases or
anonymises what has expired, on generated data of each kind at different ages with the clock
moved, and leaves alone what has not expired and what the law keeps (the audit chain)."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ownervote.audit.models import AuditEvent
from ownervote.audit.retention import erase_expired
from ownervote.audit.services import verify_all
from ownervote.audit.tasks import ensure_daily_erase, erase_expired_daily
from ownervote.bindings.models import Binding
from ownervote.complaints.models import Complaint
from ownervote.core import files, pii, retention
from ownervote.core.appendonly import AppendOnlyModel
from ownervote.core.errors import NotFound
from ownervote.core.models import StoredFile
from ownervote.identity.models import SentSms, SmsCode
from ownervote.notify.models import Notification, OutboxMessage
from ownervote.notify.testing import run_worker
from ownervote.orgs.models import AuthorisedStaff, Membership
from ownervote.roster.models import ImportBatch
from ownervote.rules.retention import RULES
from ownervote.verification.models import FaceConsent, Method, Verification

from ..dbroles import as_role, postgres_only
from ..owners import face_consent, verified_person
from ..rosterfiles import mobile, person_id

YEAR3 = dt.timedelta(days=3 * 366 + 1)  # past three calendar years from any start


def _on_site(user, convener, estate):
    """An on-site verification of ``user`` with its two photos."""
    photos = [
        files.store(files.Upload(f"{n}.jpg", b"\xff\xd8photo" + n.encode()), uploaded_by=convener)
        for n in "ab"
    ]
    v = Verification(
        user=user,
        method=Method.ON_SITE,
        status=Verification.Status.PASSED,
        estate=estate,
        checked_by=convener,
        checker_real_name="核验员",
        id_photo=photos[0],
        holding_photo=photos[1],
        device_hash="d" * 64,
        client_ip="10.0.0.9",
        provider_ref="",
        finished_at=timezone.now(),
    )
    for attr, value in (("name", "赵六"), ("id_number", person_id(6)), ("mobile", mobile(6))):
        pii.seal(v, attr, value)
    v.save()
    return v


def _complaint(estate, user, street, staff_user):
    c = Complaint(
        estate=estate,
        subject=Complaint.Subject.BINDING,
        text="隔壁冒用我的房屋绑定",
        filed_by=user,
        handler_kind="street_office",
        handler_division=street,
        filed_on=timezone.localdate(),
        accept_by=timezone.localdate(),
        status=Complaint.Status.CONCLUDED,
        decided_by=staff_user,
        decided_at=timezone.now(),
        conclude_by=timezone.localdate(),
        concluded_by=staff_user,
        concluded_at=timezone.now(),
        concluder_real_name="处理人",
    )
    pii.seal(c, "name", "钱七")
    pii.seal(c, "mobile", mobile(7))
    c.save()
    c.files.add(files.store(files.Upload("evidence.pdf", b"%PDF-evidence"), uploaded_by=user))
    return c


def _generation(world, staff, estates, geo, tag: str) -> dict:
    """One row of every kind, made now."""
    user = verified_person(mobile(10 + len(tag)), f"孙{tag}", person_id(10 + len(tag)))
    consent = face_consent(user)
    FaceConsent.objects.filter(pk=consent.pk).update(device_hash="c" * 64, client_ip="10.0.0.1")
    binding = Binding.objects.create(
        user=user,
        estate=estates["a"],
        flat=world["zhang_binding"].flat,
        owner=world["zhang_binding"].owner,
        verification=user.verified_identity.verification,
        status=Binding.Status.ENDED,
        ended_at=timezone.now(),
        end_reason=Binding.EndReason.BY_OWNER,
        end_note="不再是业主",
        device_hash="b" * 64,
        client_ip="10.0.0.2",
    )
    session = Session.objects.create(
        session_key=f"retention{tag}".ljust(32, "x"), session_data="e30", expire_date=timezone.now()
    )
    code = SmsCode.objects.create(
        mobile_hash="h" * 64,
        mobile_masked="138****0000",
        purpose="sign_in",
        code_hash="x",
        expires_at=timezone.now(),
    )
    sms = SentSms.objects.create(template="sign_in_code", backend="test", mobile_masked="138****0000")
    note = Notification.objects.create(
        user=user, kind="binding.ended", title="解除绑定", body="您的房屋 1栋-101 已解除绑定"
    )
    out = OutboxMessage.objects.create(
        event=f"retention:{tag}",
        channel="sms",
        user=user,
        kind="binding.ended",
        title="解除绑定",
        body="您的房屋 1栋-101 已解除绑定",
        not_before=timezone.now(),
        next_attempt_at=timezone.now(),
        status="sent",
    )
    attempt = AccessAttempt.objects.create(
        username=f"someone{tag}",
        ip_address="10.0.0.3",
        user_agent="ua",
        failures_since_start=1,
        attempt_time=timezone.now(),
    )
    failure = AccessFailureLog.objects.create(username=f"someone{tag}", ip_address="10.0.0.3", user_agent="u")
    authorised = AuthorisedStaff(
        organisation=Membership.objects.filter(user=staff["convener"]).first().organisation,
        valid_from=timezone.localdate(),
        revoked_at=timezone.now(),
        authorised_by=staff["convener"],
    )
    for attr, value in (("name", "周八"), ("id_number", person_id(8)), ("mobile", mobile(8))):
        pii.seal(authorised, attr, value)
    authorised.save()
    return {
        "authorised": authorised,
        "verification": user.verified_identity.verification,
        "on_site": _on_site(user, staff["convener"], estates["a"]),
        "consent": consent,
        "binding": binding,
        "session": session,
        "code": code,
        "sms": sms,
        "note": note,
        "out": out,
        "attempt": attempt,
        "failure": failure,
        "complaint": _complaint(estates["a"], user, geo["shatou"], staff["street"]),
    }


def _erased(rows: dict) -> dict[str, bool]:
    """Per row: is its personal data gone?"""
    v = Verification.objects.get(pk=rows["verification"].pk)
    on_site = Verification.objects.get(pk=rows["on_site"].pk)
    photo = StoredFile.objects.get(pk=on_site.id_photo_id)
    binding = Binding.objects.get(pk=rows["binding"].pk)
    complaint = Complaint.objects.get(pk=rows["complaint"].pk)
    return {
        "verification": v.name_enc == v.id_number_enc == v.id_number_hash == v.mobile_masked == ""
        and v.erased_at is not None,
        "on_site": on_site.checker_real_name == on_site.device_hash == ""
        and on_site.client_ip is None
        and photo.erased_at is not None
        and bytes(photo.data_enc) == b""
        and photo.name == "",
        "consent": FaceConsent.objects.get(pk=rows["consent"].pk).device_hash == "",
        "binding": binding.device_hash == binding.end_note == "" and binding.client_ip is None,
        "session": not Session.objects.filter(pk=rows["session"].pk).exists(),
        "code": not SmsCode.objects.filter(pk=rows["code"].pk).exists(),
        "sms": not SentSms.objects.filter(pk=rows["sms"].pk).exists(),
        "note": Notification.objects.get(pk=rows["note"].pk).body == "",
        "out": OutboxMessage.objects.get(pk=rows["out"].pk).body == "",
        "attempt": not AccessAttempt.objects.filter(pk=rows["attempt"].pk).exists(),
        "failure": not AccessFailureLog.objects.filter(pk=rows["failure"].pk).exists(),
        "authorised": AuthorisedStaff.objects.get(pk=rows["authorised"].pk).id_number_enc == "",
        "complaint": complaint.text == complaint.name_enc == complaint.mobile_hash == ""
        and not complaint.files.filter(erased_at__isnull=True).exists(),
    }


@pytest.fixture
def aged(owner_world, staff, estates, geo):
    """A generation of every kind made three years and a day ago (``old``) and one made now
    (``young``), the clock standing at now (moved three years and a day past the old one)."""
    start = timezone.now()
    with time_machine.travel(start - YEAR3, tick=False):
        old = _generation(owner_world, staff, estates, geo, "old")
    young = _generation(owner_world, staff, estates, geo, "young")
    ImportBatch.objects.update(created_at=start - dt.timedelta(days=31))  # owner_world's roster import
    return {"old": old, "young": young, "start": start}


def test_r_sec_7_job_erases_what_expired_and_keeps_the_rest(aged, staff):
    """R-SEC-7: past three years, every kind of the old generation is erased or anonymised, except
    the face consents (six years); nothing of the young generation is touched; an audit event per
    kind records the counts, never the data; the audit chain still verifies; the rows stay."""
    events_before = AuditEvent.objects.count()
    counts = erase_expired()
    old, young = _erased(aged["old"]), _erased(aged["young"])
    assert {k: v for k, v in old.items() if not v} == {"consent": False}
    # The young generation's session expired at its creation: sessions are deleted on expiry.
    assert {k for k, v in young.items() if v} == {"session"}
    assert ImportBatch.objects.filter(
        file__erased_at__isnull=False
    ).exists()  # the roster import of owner_world
    assert counts["verification"] >= 2 and counts["complaint"] == 1 and counts["face_consent"] == 0
    assert counts["authorised_staff"] == 1
    events = AuditEvent.objects.filter(action="retention.erased")
    assert AuditEvent.objects.count() == events_before + events.count()
    assert {e.object_id for e in events} == {k for k, n in counts.items() if n}
    for event in events:
        assert event.summary["rows"] == counts[event.summary["kind"]]
        assert set(event.summary) == {"kind", "action", "rows", "period", "cutoff"}
    text = " ".join(str(e.summary) for e in events)
    assert "赵六" not in text and mobile(6) not in text and "10.0.0" not in text
    with pytest.raises(NotFound):
        files.read(Verification.objects.get(pk=aged["old"]["on_site"].pk).id_photo)
    assert Verification.objects.filter(pk=aged["old"]["on_site"].pk).exists()
    assert Binding.objects.filter(pk=aged["old"]["binding"].pk).exists()
    _, breaks = verify_all()
    assert breaks == []


def test_r_sec_7_second_run_changes_nothing(aged):
    """R-SEC-7: the job is idempotent: a second run finds nothing and writes no audit event."""
    erase_expired()
    events = AuditEvent.objects.count()
    assert sum(erase_expired().values()) == 0
    assert AuditEvent.objects.count() == events


def test_r_sec_7_dry_run_changes_nothing(aged):
    """R-SEC-7: ``--dry-run`` counts what would change and changes nothing."""
    events = AuditEvent.objects.count()
    out = StringIO()
    call_command("erase_expired", "--dry-run", stdout=out)
    assert "verification: " in out.getvalue() and "would change" in out.getvalue()
    assert not any(_erased(aged["old"]).values())
    assert AuditEvent.objects.count() == events
    dry = erase_expired(dry_run=True)
    assert dry == erase_expired()  # the dry run counted exactly what the real run changed


def test_r_sec_7_face_consent_kept_six_years(aged):
    """R-SEC-7: a face consent's device and address outlive the attempts it covered by three years."""
    erase_expired()
    assert not _erased(aged["old"])["consent"]
    with time_machine.travel(aged["start"] + YEAR3, tick=False):
        erase_expired()
    assert _erased(aged["old"])["consent"]
    assert not _erased(aged["young"])["consent"]


def test_r_sec_7_not_before_the_period_ends(owner_world, staff, estates, geo):
    """R-SEC-7: a day before three years, the three-year kinds are untouched; the short ones
    (SMS codes, sessions, sign-in attempts, the SMS log, notifications) are gone."""
    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(days=3 * 365 - 1), tick=False):
        rows = _generation(owner_world, staff, estates, geo, "mid")
    erase_expired()
    state = _erased(rows)
    assert {k for k, v in state.items() if v} == {
        "session",
        "code",
        "sms",
        "note",
        "out",
        "attempt",
        "failure",
    }


def test_r_sec_7_the_command_prints_counts_per_kind(aged):
    """R-SEC-7: ``manage.py erase_expired`` prints the rows changed per kind."""
    out = StringIO()
    call_command("erase_expired", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == list(retention.erasers())
    assert lines[-1].startswith("total: ")


def test_r_sec_7_every_rule_has_an_eraser():
    """R-SEC-7: every kind of the periods' table is erased by some app, none twice."""
    assert list(retention.erasers()) == list(RULES)


# --- the inventory and the periods' table agree --------------------------------------------------

INVENTORY = Path(__file__).resolve().parents[2] / "docs" / "privacy" / "inventory.md"


def _inventory_rows() -> list[list[str]]:
    """The inventory's data rows: data, storage, protection, who, period, basis, enforcement."""
    rows = []
    for line in INVENTORY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 7 and "`" in cells[1]:
            rows.append(cells)
    return rows


def test_r_sec_7_the_inventory_states_each_rule():
    """R-SEC-7: every field the job erases is in the inventory, on a row that gives the same
    period and says the job enforces it, under the same kind."""
    rows = _inventory_rows()
    for rule in RULES.values():
        for field in rule.fields:
            found = [r for r in rows if f"`{field}`" in r[1]]
            assert len(found) == 1, f"{field}: {len(found)} rows in docs/privacy/inventory.md"
            period, enforcement = found[0][4], found[0][6]
            assert rule.period.describe() in period, f"{field}: the inventory says {period!r}"
            assert enforcement.startswith("任务") and f"`{rule.kind}`" in enforcement, (
                f"{field}: the inventory says {enforcement!r}, the job erases it as {rule.kind!r}"
            )


def test_r_sec_7_the_inventory_claims_no_other_job():
    """R-SEC-7: a row that says the job enforces it names kinds of the table, and the job's own
    section lists every kind with its period."""
    text = INVENTORY.read_text(encoding="utf-8")
    for row in _inventory_rows():
        if row[6].startswith("任务"):
            kinds = re.findall(r"`(\w+)`", row[6])
            assert kinds and set(kinds) <= set(RULES), row
    for rule in RULES.values():
        assert f"| `{rule.kind}` | {rule.period.describe()}（" in text, rule.kind
        assert rule.basis and rule.action in {"delete", "anonymise"}


def test_r_sec_7_the_job_never_touches_append_only_tables():
    """R-SEC-7, R-SEC-5: no kind erases a field of an append-only table (ballots, submissions, the
    audit log)."""
    for rule in RULES.values():
        for field in rule.fields:
            model = apps.get_model(field.rsplit(".", 1)[0])
            assert not issubclass(model, AppendOnlyModel), field


@postgres_only
def test_r_sec_7_the_job_runs_as_the_application_role(aged, app_role):
    """R-SEC-7, R-SEC-5: in production the job runs as the application role, which may not change
    the append-only tables: it still erases every kind (it never needs to touch them)."""
    with as_role(app_role):
        counts = erase_expired()
    assert counts["verification"] >= 2 and counts["session"] >= 1
    assert _erased(aged["old"])["on_site"]


def test_r_sec_7_the_worker_runs_the_job_every_night(aged):
    """R-SEC-7: the worker keeps one nightly run queued (``core.periodic``); a run erases what
    expired and queues the next night's run at 03:30 Beijing time."""
    assert ensure_daily_erase() is True
    assert ensure_daily_erase() is False  # one is waiting
    run_worker()
    assert _erased(aged["old"])["verification"]
    waiting = DBTaskResult.objects.get(task_path=erase_expired_daily.module_path, status="READY")
    at = timezone.localtime(waiting.run_after)
    assert (at.hour, at.minute) == (3, 30) and at > timezone.now()
    assert AuditEvent.objects.filter(action="retention.erased", object_id="verification").count() == 1
