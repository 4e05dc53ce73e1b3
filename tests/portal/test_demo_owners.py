"""The demo's owners (``make run``): verified owners of 深圳湾畔花园 with bindings, made by
``seed_demo`` through the binding service, so the owner pages and the binding list show something."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client

from ownervote.audit.models import AuditEvent
from ownervote.audit.services import verify_all
from ownervote.bindings.models import Binding
from ownervote.bindings.selectors import my_matching_flats
from ownervote.core import pii
from ownervote.demo import seed as seed_demo
from ownervote.identity.accounts import find_by_mobile
from ownervote.notify.models import Notification
from ownervote.orgs.models import User
from ownervote.roster import demo
from ownervote.roster.models import Ownership
from ownervote.verification.models import Verification, VerifiedIdentity


def test_demo_owners_are_roster_owners():  # R-BIND-1
    rows = demo.build_demo_roster_rows()
    owners = demo.demo_owners(rows)
    assert demo.demo_owners() == owners  # deterministic
    listed = {(r["楼栋"], r["房号"]): r["证件号码"].split("、") for r in rows if r["业主类型"] == "个人"}
    for owner in owners:
        for flat in owner.flats:
            assert owner.person.id_number in listed[flat]
    assert len(owners[0].flats) == 2  # the owner of two flats signs in first
    assert owners[1].flats == owners[2].flats  # two co-owners of one flat, each bound
    assert owners[-1].flats == ()  # verified, binding still to do
    assert len({o.person.mobile for o in owners}) == len(owners)


@pytest.mark.django_db
def test_seed_demo_makes_verified_bound_owners(client):  # R-BIND-1, R-SEC-2
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    owners = demo.demo_owners()
    first, unbound = owners[0], owners[-1]
    text = out.getvalue()
    assert f"  {first.person.mobile} " in text and "/m/login/" in text
    assert f"  {unbound.person.mobile} " in text

    assert set(Binding.objects.values_list("estate__name", flat=True)) == {demo.DEMO_ESTATE_NAME}
    for owner in owners:
        user = find_by_mobile(owner.person.mobile)
        identity = VerifiedIdentity.objects.get(user=user)
        assert identity.id_number_hash == pii.lookup("id_number", owner.person.id_number)
        bound = Binding.objects.filter(user=user, status=Binding.Status.ACTIVE).select_related(
            "flat__building"
        )
        assert sorted((b.flat.building.name, b.flat.room) for b in bound) == sorted(owner.flats)
        for b in bound:  # bound as the roster's current owner of that flat
            assert Ownership.objects.filter(flat=b.flat, owner=b.owner, ended_at__isnull=True).exists()
            assert b.owner.id_number_hash == identity.id_number_hash
    assert Binding.objects.count() == 7
    # The unbound owner has a flat waiting in the roster.
    estate = Binding.objects.first().estate
    assert my_matching_flats(find_by_mobile(unbound.person.mobile), estate)
    # Every verification and binding is in the audit log, and the log is intact.
    assert AuditEvent.objects.filter(action="verification.passed").count() == 7
    assert AuditEvent.objects.filter(action="binding.created").count() == 7
    assert verify_all()[1] == []

    # The sign-in owner's home shows the two flats and a message.
    owner_client = Client()
    owner_client.force_login(find_by_mobile(first.person.mobile))
    page = owner_client.get("/m/").content.decode()
    assert "您已验证身份" in page and first.person.name not in page
    for building, room in first.flats:
        assert f"{building}-{room}" in page
    # A welcome; the closed meeting's notice, its binding list, "voting is open", the owner's ballot
    # receipt and the result; the meeting voting now: its notice and "voting is open"; the
    # publicised meeting: its notice and its binding list (published anew: the first one ended).
    kinds = Counter(
        Notification.objects.filter(user=find_by_mobile(first.person.mobile)).values_list("kind", flat=True)
    )
    assert kinds == {
        "demo.welcome": 1,
        "bindinglist.published": 2,
        "meeting.published": 3,
        "meeting.voting_open": 2,
        "ballot.receipt": 1,
        "result.publicised": 1,
        "complaint.received": 1,  # R-SEC-4: the owner's complaint about the voting
        "objection.answered": 1,  # R-TRUST-2: the convener answered the owner's objection to the result
    }
    assert "您有 12 条未读消息" in page
    assert seed_demo.DEMO_MEETING_TITLE in page  # R-MTG-3: the owner sees the publicised meeting

    # Idempotent: a second run adds nothing.
    def counts():
        return [
            m.objects.count()
            for m in (User, Verification, VerifiedIdentity, Binding, Notification, AuditEvent)
        ]

    # Except for one thing: each run prints a fresh enrolment code for the unenrolled demo account
    # (demo/secondfactor.py; a code is stored hashed, so an earlier one cannot be shown again): its
    # audit event and the account holder's notice (R-SEC-1).
    before = counts()
    last = AuditEvent.objects.order_by("-pk").first().pk
    call_command("seed_demo", stdout=io.StringIO())
    after = counts()
    assert after[:4] == before[:4]
    added = AuditEvent.objects.filter(pk__gt=last).values_list("action", flat=True)
    assert list(added) == ["2fa.code_issued"]
    assert after[4:] == [before[4] + 1, before[5] + 1]
