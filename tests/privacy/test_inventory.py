"""R-SEC-7: the data inventory (docs/privacy/inventory.md) lists every model field that holds
personal data, so that the document stays true as the code grows.

``PERSONAL`` is the list, written by hand; ``name_*`` stands for the three sealed columns of an
attribute (``core.pii.pii_fields``: ``_enc``, ``_masked``, ``_hash``). The tests check that every
entry names a real field, that the inventory names every entry, and that every field which looks
like personal data (sealed columns, real names, network addresses, device hashes, WeChat ids,
stored files, binary blobs) is in the list: a new one fails here until it is documented."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

INVENTORY = Path(__file__).resolve().parents[2] / "docs" / "privacy" / "inventory.md"

PERSONAL = [
    # accounts and sign-in
    "orgs.User.mobile_*",
    "orgs.User.real_name",
    "orgs.User.username",
    "orgs.User.first_name",
    "orgs.User.last_name",
    "orgs.User.email",
    "orgs.AuthorisedStaff.name_*",
    "orgs.AuthorisedStaff.id_number_*",
    "orgs.AuthorisedStaff.mobile_*",
    "identity.SmsCode.mobile_masked",
    "identity.SmsCode.mobile_hash",
    "identity.SmsCode.ip",
    "identity.SentSms.mobile_*",
    "identity.SentSms.params_enc",
    "identity.WeChatAccount.openid",
    "identity.WeChatAccount.unionid",
    "sessions.Session.session_data",
    "axes.AccessAttempt.ip_address",
    "axes.AccessAttempt.username",
    "axes.AccessAttempt.user_agent",
    "axes.AccessFailureLog.ip_address",
    "axes.AccessFailureLog.username",
    "axes.AccessFailureLog.user_agent",
    "axes.AccessLog.ip_address",
    "axes.AccessLog.username",
    "axes.AccessLog.user_agent",
    "otp_totp.TOTPDevice.key",
    "django_tasks_database.DBTaskResult.args_kwargs",
    # the roster
    "roster.Owner.name_*",
    "roster.Owner.id_number_*",
    "roster.Owner.mobile_*",
    "roster.ImportBatch.file",
    "roster.ImportBatch.rows_sealed",
    "roster.RosterChange.submitter_real_name",
    # verification (R-SEC-7: the face provider's ticket and outcome, never an image)
    "verification.Verification.name_*",
    "verification.Verification.id_number_*",
    "verification.Verification.mobile_*",
    "verification.Verification.provider_ref",
    "verification.Verification.provider_result",
    "verification.Verification.id_photo",
    "verification.Verification.holding_photo",
    "verification.Verification.checker_real_name",
    "verification.Verification.device_hash",
    "verification.Verification.client_ip",
    "verification.VerifiedIdentity.name_*",
    "verification.VerifiedIdentity.id_number_*",
    "verification.MethodNotice.publisher_real_name",
    "verification.FaceConsent.device_hash",
    "verification.FaceConsent.client_ip",
    "verification.DevFaceSession.name_masked",
    # bindings and the binding list
    "bindings.Binding.device_hash",
    "bindings.Binding.client_ip",
    "bindinglist.Objection.corrected_name_*",
    "bindinglist.Objection.corrected_mobile_*",
    "bindinglist.Objection.decider_real_name",
    "bindinglist.Publication.publisher_real_name",
    "bindinglist.Extension.extender_real_name",
    # voting, proxies, results
    "voting.Submission.device_hash",
    "voting.Submission.client_ip",
    "voting.Proxy.name_*",
    "voting.Proxy.id_number_*",
    "voting.Proxy.mobile_*",
    "voting.Proxy.document",
    "voting.Proxy.device_hash",
    "voting.Proxy.client_ip",
    "voting.ProxyHolder.id_number_hash",
    "meetings.Candidate.name",
    "meetings.Guidance.author_real_name",
    "meetings.MeetingDocument.file",
    "meetings.NoticeService.photo",
    "results.ResultGuidance.author_real_name",
    "results.Result.result_scan",
    "results.Result.flats_scan",
    "results.ResultDocument.file",
    # complaints, objections, signals
    "complaints.Complaint.name_*",
    "complaints.Complaint.mobile_*",
    "complaints.Complaint.text",
    "complaints.Complaint.decider_real_name",
    "complaints.Complaint.concluder_real_name",
    "objections.ResultObjection.text",
    "trust.Signal.evidence",
    "trust.SignalReview.reviewer_real_name",
    # messages, audit, files
    "notify.Notification.body",
    "notify.OutboxMessage.body",
    "audit.AuditEvent.actor_label",
    "audit.AuditEvent.summary",
    "core.StoredFile.data_enc",
    "core.StoredFile.name",
    "core.StoredFile.uploaded_by",
]

SEALED = ("_enc", "_masked", "_hash")
# The other apps whose tables hold personal data: sessions, sign-in lockouts, second factors, tasks.
THIRD_PARTY = {"sessions", "axes", "otp_totp", "django_tasks_database", "admin"}
LOOKS_PERSONAL = re.compile(
    r"(^|_)(real_name|client_ip|ip|device_hash|openid|unionid|mobile_hash|mobile_masked|id_number_hash)$|_enc$"
)


def expand(entry: str) -> list[tuple[str, str]]:
    """("app.Model", field) of an entry; ``name_*`` is the three sealed columns."""
    label, _, field = entry.rpartition(".")
    if field.endswith("_*"):
        return [(label, field[:-2] + suffix) for suffix in SEALED]
    return [(label, field)]


def listed() -> set[tuple[str, str]]:
    return {pair for entry in PERSONAL for pair in expand(entry)}


def looks_personal(field: models.Field) -> bool:
    if isinstance(field, models.GenericIPAddressField | models.BinaryField):
        return True
    related = field.related_model if field.is_relation else None
    label = related if isinstance(related, str) or related is None else related._meta.label
    if label == "core.StoredFile":
        return True
    model = field.model
    if any(field.name.endswith(s) for s in SEALED):  # one of three sealed columns
        base = field.name.rsplit("_", 1)[0]
        if any(f.name == f"{base}_enc" for f in model._meta.concrete_fields):
            return True
    return bool(LOOKS_PERSONAL.search(field.name))


def test_r_sec_7_every_entry_names_a_real_field():
    for label, name in sorted(listed()):
        model = apps.get_model(label)
        assert name in {f.name for f in model._meta.concrete_fields}, f"{label}.{name} does not exist"


def test_r_sec_7_the_inventory_names_every_entry():
    text = INVENTORY.read_text(encoding="utf-8")
    missing = [entry for entry in PERSONAL if f"`{entry}`" not in text]
    assert not missing, f"docs/privacy/inventory.md does not list: {missing}"


def test_r_sec_7_every_field_that_looks_personal_is_listed():
    known = listed()
    unlisted = []
    for model in apps.get_models():
        if not (model.__module__.startswith("ownervote.") or model._meta.app_label in THIRD_PARTY):
            continue
        unlisted.extend(
            f"{model._meta.label}.{f.name}"
            for f in model._meta.concrete_fields
            if looks_personal(f) and (model._meta.label, f.name) not in known
        )
    assert not unlisted, (
        f"personal data not in the inventory (PERSONAL and docs/privacy/inventory.md): {unlisted}"
    )


@isolate_apps("ownervote.core")
def test_r_sec_7_the_check_catches_a_new_personal_field():
    """The detector is not blind: a sealed column, an address and a stored file are each caught."""

    class Probe(models.Model):
        mobile_enc = models.TextField()
        mobile_masked = models.CharField(max_length=64)
        ip = models.GenericIPAddressField()
        scan = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT)
        title = models.CharField(max_length=10)

        class Meta:
            app_label = "core"

    fields = {f.name: looks_personal(f) for f in Probe._meta.concrete_fields}
    assert fields == {
        "id": False,
        "mobile_enc": True,
        "mobile_masked": True,
        "ip": True,
        "scan": True,
        "title": False,
    }
