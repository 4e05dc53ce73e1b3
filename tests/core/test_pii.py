"""R-SEC-1: personal data encrypted at rest, masked wherever shown, every read of unmasked data
logged; identity numbers checked by their check digits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownervote.audit.models import AuditEvent
from ownervote.core import crypto, masking, validators
from ownervote.core.errors import Forbidden
from ownervote.roster import services
from ownervote.roster.models import Owner


def test_masks():  # R-SEC-1
    assert masking.mask_name("张三丰") == "张*丰"
    assert masking.mask_name("张三") == "张*"
    assert masking.mask_name("欧阳娜娜") == "欧**娜"
    assert masking.mask_mobile("13812345678") == "138****5678"
    assert masking.mask_id_number("440304198001010012") == "4403**********0012"


def test_resident_id_checksum():  # R-SEC-1 / R-ID-1 input checks
    assert validators.is_valid_resident_id("11010519491231002X")  # GB 11643 example
    assert not validators.is_valid_resident_id("110105194912310021")  # wrong check digit
    assert not validators.is_valid_resident_id("11010519491331002X")  # month 13
    assert validators.is_valid_resident_id("11010519491231002x")  # lower-case x normalised


def test_uscc_checksum():
    assert validators.is_valid_uscc("91350100M000100Y43")
    assert not validators.is_valid_uscc("91350100M000100Y44")


@given(st.text(min_size=0, max_size=40))
def test_encryption_round_trips(value):  # R-SEC-1
    assert crypto.decrypt_text(crypto.encrypt_text(value)) == value


@given(st.from_regex(r"\A1[3-9]\d{9}\Z"))
def test_a_mobile_never_appears_in_its_ciphertext(value):  # R-SEC-1
    assert value not in crypto.encrypt_text(value)


def test_ciphertexts_differ_and_lookup_hashes_do_not():  # R-SEC-1
    assert crypto.encrypt_text("13800000000") != crypto.encrypt_text("13800000000")
    assert crypto.lookup_hash("mobile", "13800000000") == crypto.lookup_hash("mobile", "13800000000")
    assert crypto.lookup_hash("mobile", "13800000000") != crypto.lookup_hash("id_number", "13800000000")


def test_old_keys_still_decrypt_after_rotation(settings):  # R-SEC-1: key rotation without downtime
    old = settings.OWNERVOTE_ENCRYPTION_KEYS
    sealed = crypto.encrypt_text("4403")
    settings.OWNERVOTE_ENCRYPTION_KEYS = f"k2:{crypto.generate_key()},{old}"
    crypto.clear_key_cache()
    try:
        assert crypto.decrypt_text(sealed) == "4403"
        assert crypto.encrypt_text("x").startswith("v1:")
    finally:
        settings.OWNERVOTE_ENCRYPTION_KEYS = old
        crypto.clear_key_cache()


@pytest.fixture
def owner(staff, estates, small_roster):
    from tests.rosterfiles import roster_csv

    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv(small_roster)
    )
    services.import_apply(actor=staff["convener"], batch_id=batch.pk, reason="导入")
    return Owner.objects.get(name_masked="张*")


def test_reveal_is_logged_and_limited_to_the_convener(staff, owner):  # R-SEC-1
    from tests.rosterfiles import person_id

    value = services.owner_reveal(actor=staff["convener"], owner_id=owner.pk, field="id_number")
    assert value == person_id(1)
    event = AuditEvent.objects.get(action="pii.read")
    assert event.actor == staff["convener"] and event.summary["field"] == "id_number"
    with pytest.raises(Forbidden):
        services.owner_reveal(actor=staff["street"], owner_id=owner.pk, field="id_number")
    assert AuditEvent.objects.filter(action="pii.read").count() == 1


def test_export_is_masked_unless_revealed_and_reveal_is_logged(staff, estates, owner):  # R-SEC-1
    import io

    from openpyxl import load_workbook

    from tests.rosterfiles import person_id

    masked = load_workbook(io.BytesIO(services.export_xlsx(actor=staff["street"], estate_id=estates["a"].pk)))
    cells = [str(c.value) for row in masked.active.iter_rows() for c in row]
    assert person_id(1) not in cells and "4403**********" + person_id(1)[-4:] in cells
    assert not AuditEvent.objects.filter(action="pii.read").exists()
    with pytest.raises(Forbidden):
        services.export_xlsx(actor=staff["street"], estate_id=estates["a"].pk, reveal=True)
    full = load_workbook(
        io.BytesIO(services.export_xlsx(actor=staff["convener"], estate_id=estates["a"].pk, reveal=True))
    )
    cells = [str(c.value) for row in full.active.iter_rows() for c in row]
    assert person_id(1) in cells
    assert AuditEvent.objects.filter(action="pii.read", summary__purpose="roster export").count() == 1
