"""The kinds of organisation an account acts for (``scoping.user_kinds``): what the second-factor
middleware asks on every request (R-SEC-4), read by a statement of its own unless the request read
the account's associations already. Both ways must give the same answer, and only an *approved*
association counts (R-ORG-1)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ownervote.orgs import scoping
from ownervote.orgs.models import Association, Membership, Organisation, User

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # nothing cached on it


def test_kinds_by_their_own_statement_match_the_associations(staff):
    """R-SEC-4: the same kinds whether the request read the associations or not."""
    for user in staff.values():
        by_associations = {a.organisation.kind for a in scoping.approved_associations(_fresh(user))}
        assert scoping.user_kinds(_fresh(user)) == by_associations
        cached = _fresh(user)
        scoping.approved_associations(cached)
        assert scoping.user_kinds(cached) == by_associations
    assert scoping.user_kinds(_fresh(staff["street"])) == {Organisation.Kind.STREET_OFFICE}
    assert scoping.user_kinds(_fresh(staff["pending"])) == set()  # R-ORG-1: pending acts for nothing
    assert scoping.user_kinds(AnonymousUser()) == set()


def test_an_owner_acts_for_no_kind(owner_world):
    owner = User.objects.filter(memberships__isnull=True).first()
    assert owner is not None
    assert scoping.user_kinds(owner) == set()


def test_every_organisation_and_only_approved_associations_count(staff, geo, estates):
    """R-ORG-1: a member of two organisations acts for the kinds of those approved; a refused,
    revoked or pending one counts for nothing, and the answer follows a decision once the
    request's cache is dropped (``forget``)."""
    user = _fresh(staff["convener"])
    street = Organisation.objects.create(kind=Organisation.Kind.STREET_OFFICE, name="second")
    Membership.objects.create(user=user, organisation=street)
    assoc = Association.objects.create(organisation=street, division=geo["shatou"], applied_by=user)
    assert scoping.user_kinds(user) == {Organisation.Kind.OWNERS_COMMITTEE}
    assoc.status = Association.Status.APPROVED
    assoc.save()
    assert scoping.user_kinds(user) == {Organisation.Kind.OWNERS_COMMITTEE}  # this request's answer
    scoping.forget(user)
    assert scoping.user_kinds(user) == {Organisation.Kind.OWNERS_COMMITTEE, Organisation.Kind.STREET_OFFICE}
    for status in (Association.Status.REVOKED, Association.Status.REFUSED, Association.Status.PENDING):
        assoc.status = status
        assoc.save()
        scoping.forget(user)
        assert scoping.user_kinds(user) == {Organisation.Kind.OWNERS_COMMITTEE}, status


def test_asked_once_a_request(staff):
    user = _fresh(staff["district"])
    with CaptureQueriesContext(connection) as q:
        first = scoping.user_kinds(user)
        first.add("changed by a caller")  # a copy: the cached answer stays
        second = scoping.user_kinds(user)
    assert len(q.captured_queries) == 1
    assert second == {Organisation.Kind.DISTRICT_BUREAU}
