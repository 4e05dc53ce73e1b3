"""Publishing the binding list (R-BIND-3, art. 14, 29): by the estate's convener only, for at
least 10 days counted without the first day (Civil Code art. 201), one live publication at a
time, recording what was published; bound owners are told in their inbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ownervote.bindinglist import selectors, services
from ownervote.bindinglist.models import Publication
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.identity.models import SentSms
from ownervote.rules.publicity import PUBLICITY_MIN_DAYS

from .conftest import actions, days, inbox


def test_convener_publishes_for_ten_days(owner_world, staff, estates, django_capture_on_commit_callbacks):
    # R-BIND-3, art. 14: the list, published by the convener, at least 10 days
    convener, a = staff["convener"], estates["a"]
    with django_capture_on_commit_callbacks(execute=True):
        p = services.publish(
            actor=convener, estate_id=a.pk, starts_on=days(0), ends_on=days(10), note="第一次会议"
        )
    p.refresh_from_db()
    assert (p.starts_on, p.ends_on, p.note) == (days(0), days(10), "第一次会议")
    assert p.binding_count == 2
    rows = selectors.list_rows(a)
    assert p.list_digest == selectors.list_digest(rows) and len(p.list_digest) == 64
    assert p.publisher_real_name == convener.real_name
    assert p.publisher_organisation == convener.memberships.get().organisation
    assert p.withdrawn_at is None
    assert actions(a)[-1] == "bindinglist.published"
    # Bound owners are told in their inbox, with the dates; no SMS.
    for who in ("zhang", "li"):
        (note,) = inbox(owner_world[who], "bindinglist.published")
        assert days(0).isoformat() in note.body and days(10).isoformat() in note.body
        assert "公示" in note.title
        assert note.link == reverse("bindinglist:owner", args=[a.pk])
    assert not inbox(owner_world["wang"]) and not inbox(owner_world["newcomer"])
    assert not SentSms.objects.filter(template="notice").exists()


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (0, PUBLICITY_MIN_DAYS - 1, "publication.too_short"),  # 9 counted days: the first is not counted
        (0, 0, "publication.too_short"),
        (3, 2, "publication.ends_before_start"),
        (-1, 12, "publication.starts_in_past"),
    ],
)
def test_period_is_checked(owner_world, staff, estates, snapshot, start, end, code):
    # R-BIND-3, art. 14 "至少10日", art. 29, Civil Code art. 201
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.publish(
            actor=staff["convener"], estate_id=estates["a"].pk, starts_on=days(start), ends_on=days(end)
        )
    assert exc.value.code == code
    assert not Publication.objects.exists()
    assert snapshot() == before


def test_too_short_message_names_the_earliest_end(owner_world, staff, estates):  # R-BIND-3
    with pytest.raises(InvalidInput) as exc:
        services.publish(
            actor=staff["convener"], estate_id=estates["a"].pk, starts_on=days(0), ends_on=days(9)
        )
    assert "10" in str(exc.value.message) and days(10).isoformat() in str(exc.value.message)
    assert exc.value.details == {"problems": ["too_short"]}


def test_overlapping_publication_is_refused(
    owner_world, staff, estates, make_publication, snapshot
):  # R-BIND-3
    make_publication(0, 10)
    before = snapshot()
    for start, end in ((5, 15), (10, 20), (-0, 10)):
        with pytest.raises(Conflict) as exc:
            services.publish(
                actor=staff["convener"], estate_id=estates["a"].pk, starts_on=days(start), ends_on=days(end)
            )
        assert exc.value.code == "publication.overlap"
    assert Publication.objects.count() == 1
    assert snapshot() == before
    # The day after it ends is free; so is a withdrawn publication's period; other estates don't clash.
    services.publish(actor=staff["convener"], estate_id=estates["a"].pk, starts_on=days(11), ends_on=days(21))
    assert Publication.objects.count() == 2


def test_withdrawn_publication_does_not_block(owner_world, staff, estates, make_publication):  # R-BIND-3
    make_publication(0, 10, withdrawn=True)
    services.publish(actor=staff["convener"], estate_id=estates["a"].pk, starts_on=days(0), ends_on=days(10))
    assert Publication.objects.filter(withdrawn_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("who", "error", "code"),
    [
        ("street", Forbidden, "binding_list.forbidden"),  # sees the estate, is not its convener
        ("city", Forbidden, "binding_list.forbidden"),
        ("zhang", Forbidden, "binding_list.forbidden"),  # a bound owner sees the list
        ("other_convener", NotFound, "estate.not_found"),
        ("wang", Forbidden, "binding_list.forbidden"),  # an unbound owner sees the list (R-BIND-4)
        ("newcomer", NotFound, "estate.not_found"),  # owns nothing: sees nothing
    ],
)
def test_only_the_convener_publishes(owner_world, staff, estates, snapshot, who, error, code):  # R-BIND-3
    actor = staff.get(who) or owner_world[who]
    before = snapshot()
    with pytest.raises(error) as exc:
        services.publish(actor=actor, estate_id=estates["a"].pk, starts_on=days(0), ends_on=days(10))
    assert exc.value.code == code
    assert not Publication.objects.exists()
    assert snapshot() == before


def test_withdraw(owner_world, staff, estates, make_publication, snapshot):  # R-BIND-3
    p = make_publication(0, 10)
    before = snapshot()
    with pytest.raises(InvalidInput):
        services.withdraw(actor=staff["convener"], publication_id=p.pk, reason="  ")
    with pytest.raises(Forbidden):
        services.withdraw(actor=staff["street"], publication_id=p.pk, reason="日期有误")
    with pytest.raises(NotFound):
        services.withdraw(actor=owner_world["newcomer"], publication_id=p.pk, reason="日期有误")
    assert snapshot() == before
    services.withdraw(actor=staff["convener"], publication_id=p.pk, reason="日期有误，重新发布")
    p.refresh_from_db()
    assert p.withdrawn_at is not None and p.withdraw_reason == "日期有误，重新发布"
    assert actions(estates["a"])[-1] == "bindinglist.withdrawn"
    assert inbox(owner_world["zhang"], "bindinglist.withdrawn")
    assert selectors.running_publication(estates["a"]) is None
    with pytest.raises(Conflict) as exc:
        services.withdraw(actor=staff["convener"], publication_id=p.pk, reason="再次撤回")
    assert exc.value.code == "publication.withdrawn"


def test_ended_publication_cannot_be_withdrawn(owner_world, staff, make_publication):  # R-BIND-3
    p = make_publication(-12, -1)
    with pytest.raises(Conflict) as exc:
        services.withdraw(actor=staff["convener"], publication_id=p.pk, reason="补撤")
    assert exc.value.code == "publication.ended"


# --- the console page ---------------------------------------------------------------------------


def test_console_page_publishes_and_lists(client, owner_world, staff, estates):  # R-BIND-3
    a = estates["a"]
    client.force_login(staff["convener"])
    url = reverse("bindinglist:console", args=[a.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "发布绑定信息公示" in text and "当前未在公示" in text
    response = client.post(
        url, {"starts_on": days(0).isoformat(), "ends_on": days(9).isoformat(), "note": ""}
    )
    assert response.status_code == 422
    assert "至少 10 日" in response.content.decode()
    assert not Publication.objects.exists()
    response = client.post(
        url, {"starts_on": days(0).isoformat(), "ends_on": days(10).isoformat(), "note": ""}
    )
    assert response.status_code == 302
    text = client.get(url).content.decode()
    assert days(10).isoformat() in text and "公示中" in text
    assert 'id="publications"' in text


def test_console_page_is_read_only_for_the_street(client, owner_world, staff, estates):  # R-BIND-3
    client.force_login(staff["street"])
    url = reverse("bindinglist:console", args=[estates["a"].pk])
    text = client.get(url).content.decode()
    assert "发布绑定信息公示" not in text and 'id="binding-list"' in text
    response = client.post(url, {"starts_on": days(0).isoformat(), "ends_on": days(10).isoformat()})
    assert response.status_code == 403
    assert not Publication.objects.exists()


def test_console_page_is_not_found_for_others(client, owner_world, staff, estates):  # R-BIND-3
    url = reverse("bindinglist:console", args=[estates["a"].pk])
    client.force_login(staff["other_convener"])
    assert client.get(url).status_code == 404
    client.force_login(owner_world["zhang"])
    assert client.get(url).status_code == 403  # an owner: no console at all (orgs/staff.py)


def test_withdraw_from_the_console(client, owner_world, staff, estates, make_publication):  # R-BIND-3
    p = make_publication(0, 10)
    client.force_login(staff["convener"])
    url = reverse("bindinglist:withdraw", args=[estates["a"].pk, p.pk])
    response = client.post(url, {"reason": "公示日期写错了"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.withdraw_reason == "公示日期写错了"
