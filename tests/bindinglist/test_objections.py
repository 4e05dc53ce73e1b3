"""Objections to the binding list (R-BIND-4, art. 15): during the publicity any owner of the
estate, bound or not, verified, objects in writing; the convener checks it, records what was checked and
the outcome under their real name; an upheld objection ends the binding; both sides are told."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ownervote.audit.models import AuditEvent
from ownervote.bindinglist import services
from ownervote.bindinglist.models import Objection
from ownervote.bindings.models import Binding
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.core.files import Upload
from ownervote.identity.models import SentSms
from ownervote.notify.testing import run_worker

from .conftest import PDF_FILE, PNG, REASON, actions, inbox


def _file(actor_world, binding_key="zhang_binding", who="li", reason=REASON, files=()):
    return services.objection_file(
        actor=actor_world[who], binding_id=actor_world[binding_key].pk, reason=reason, files=files
    )


def test_objection_upheld_ends_the_binding(
    owner_world, staff, estates, running, django_capture_on_commit_callbacks
):  # R-BIND-4, art. 15: file -> check -> upheld -> the binding is ended, both sides told
    li, zhang, convener, a = owner_world["li"], owner_world["zhang"], staff["convener"], estates["a"]
    zhang_binding = owner_world["zhang_binding"]
    with django_capture_on_commit_callbacks(execute=True):
        objection = _file(owner_world, files=[Upload("产权证明.png", PNG, "application/octet-stream")])
    assert objection.status == Objection.Status.FILED
    assert objection.publication == running and objection.filed_by == li
    (stored,) = objection.files.all()
    assert stored.content_type == "image/png"  # sniffed, not the client's claim
    assert actions(a)[-1] == "bindinglist.objection_filed"
    # The conveners are told; so is the bound owner, without learning who objected.
    (to_convener,) = inbox(convener, "objection.filed")
    assert "1栋-101" in to_convener.title
    assert to_convener.link == reverse("bindinglist:objection_detail", args=[a.pk, objection.pk])
    (to_zhang,) = inbox(zhang, "objection.against_you")
    assert "有业主对您的房屋绑定提出异议，召集人将核实" in to_zhang.body
    assert "李" not in to_zhang.body + to_zhang.title
    assert not inbox(staff["street"]) and not inbox(staff["other_convener"])
    assert not SentSms.objects.filter(template="notice").exists()  # filing sends no SMS

    with django_capture_on_commit_callbacks(execute=True):
        decided = services.objection_decide(
            actor=convener,
            objection_id=objection.pk,
            outcome="upheld",
            check_note="核对不动产登记：101房已于去年过户。",
            outcome_note="101房绑定已解除。",
        )
    decided.refresh_from_db()
    assert decided.status == Objection.Status.UPHELD
    assert decided.decided_by == convener and decided.decider_real_name == convener.real_name
    assert decided.check_note.startswith("核对不动产登记") and decided.decided_at is not None
    zhang_binding.refresh_from_db()
    assert zhang_binding.status == Binding.Status.ENDED
    assert zhang_binding.end_reason == Binding.EndReason.OBJECTION_UPHELD
    assert zhang_binding.end_note == "101房绑定已解除。" and zhang_binding.ended_by == convener
    # Both sides are told, with an SMS copy each.
    (to_li,) = inbox(li, "objection.decided")
    assert "成立" in to_li.title and "1栋-101" in to_li.body
    # The bound owner gets one message for one event: the ended binding, with the outcome.
    assert not inbox(zhang, "objection.decided")
    (ended,) = inbox(zhang, "binding.ended")
    assert "异议成立，经核实并非真实绑定" in ended.body and "101房绑定已解除。" in ended.body
    run_worker()  # the SMS copies leave through the outbox worker
    for person in (li, zhang):
        assert SentSms.objects.filter(template="notice", mobile_hash=person.mobile_hash).count() == 1
    # Everything is in the audit log, in order.
    log = [x for x in actions(a) if not x.startswith("notify.")]  # the SMS' delivery reports
    assert log[-3:] == ["bindinglist.objection_filed", "binding.ended", "bindinglist.objection_decided"]
    event = AuditEvent.objects.filter(action="bindinglist.objection_decided").get()
    assert event.summary["outcome"] == "upheld" and event.summary["binding_ended"] is True
    assert event.actor == convener


def test_objection_dismissed_leaves_the_binding(
    owner_world, staff, estates, running, django_capture_on_commit_callbacks
):  # R-BIND-4
    objection = _file(owner_world)
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(
            actor=staff["convener"],
            objection_id=objection.pk,
            outcome="dismissed",
            check_note="核对产权证书原件，张三仍为业主。",
            outcome_note="",
        )
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED
    owner_world["zhang_binding"].refresh_from_db()
    assert owner_world["zhang_binding"].status == Binding.Status.ACTIVE
    assert "不成立" in inbox(owner_world["li"], "objection.decided")[0].title
    assert "不成立" in inbox(owner_world["zhang"], "objection.decided")[0].title
    assert not inbox(owner_world["zhang"], "binding.ended")
    run_worker()
    for person in (owner_world["li"], owner_world["zhang"]):
        assert SentSms.objects.filter(template="notice", mobile_hash=person.mobile_hash).count() == 1
    # the last of the objection's own events (the SMS then reports its delivery: notify.delivered)
    own = [a for a in actions(estates["a"]) if a.startswith("bindinglist.")]
    assert own[-1] == "bindinglist.objection_decided"


def test_upheld_after_the_owner_unbound_keeps_their_reason(
    owner_world, staff, running, django_capture_on_commit_callbacks
):  # R-BIND-4: the binding already ended while the objection was checked
    objection = _file(owner_world)
    Binding.objects.filter(pk=owner_world["zhang_binding"].pk).update(
        status=Binding.Status.ENDED, end_reason=Binding.EndReason.BY_OWNER, ended_at=running.published_at
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(
            actor=staff["convener"],
            objection_id=objection.pk,
            outcome="upheld",
            check_note="已核实",
            outcome_note="",
        )
    owner_world["zhang_binding"].refresh_from_db()
    assert owner_world["zhang_binding"].end_reason == Binding.EndReason.BY_OWNER
    event = AuditEvent.objects.filter(action="bindinglist.objection_decided").get()
    assert event.summary["binding_ended"] is False
    assert "check_note" not in event.summary and len(event.summary["check_note_sha256"]) == 64
    # No binding.ended SMS went to zhang this time, so the outcome carries one.
    zhang = owner_world["zhang"]
    run_worker()
    assert SentSms.objects.filter(template="notice", mobile_hash=zhang.mobile_hash).count() == 1


def test_decision_is_final_and_needs_what_was_checked(owner_world, staff, running, snapshot):  # R-BIND-4
    objection = _file(owner_world)
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.objection_decide(
            actor=staff["convener"],
            objection_id=objection.pk,
            outcome="upheld",
            check_note="  ",
            outcome_note="",
        )
    assert exc.value.code == "objection.check_required"
    assert snapshot() == before
    services.objection_decide(
        actor=staff["convener"],
        objection_id=objection.pk,
        outcome="dismissed",
        check_note="已核实",
        outcome_note="",
    )
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.objection_decide(
            actor=staff["convener"],
            objection_id=objection.pk,
            outcome="upheld",
            check_note="再次核实",
            outcome_note="",
        )
    assert exc.value.code == "objection.decided"
    assert snapshot() == before
    owner_world["zhang_binding"].refresh_from_db()
    assert owner_world["zhang_binding"].status == Binding.Status.ACTIVE


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("street", Forbidden),
        ("city", Forbidden),
        ("li", Forbidden),
        ("other_convener", NotFound),
        ("zhang", NotFound),
    ],
)
def test_only_the_convener_decides(owner_world, staff, running, snapshot, who, error):  # R-BIND-4
    objection = _file(owner_world)
    before = snapshot()
    with pytest.raises(error):
        services.objection_decide(
            actor=staff.get(who) or owner_world[who],
            objection_id=objection.pk,
            outcome="upheld",
            check_note="已核实",
            outcome_note="",
        )
    objection.refresh_from_db()
    assert objection.status == Objection.Status.FILED
    owner_world["zhang_binding"].refresh_from_db()
    assert owner_world["zhang_binding"].status == Binding.Status.ACTIVE
    assert snapshot() == before


# --- refusals: nothing is written ------------------------------------------------------------


def _refused(owner_world, snapshot, error, code, **kwargs):
    before = snapshot()
    with pytest.raises(error) as exc:
        _file(owner_world, **kwargs)
    assert exc.value.code == code
    assert not Objection.objects.exists()
    assert snapshot() == before


def test_no_objection_without_a_publication(owner_world, snapshot):  # R-BIND-4, art. 15
    _refused(owner_world, snapshot, Conflict, "objection.outside_publicity")


@pytest.mark.parametrize(
    ("start", "end", "withdrawn"),
    [(1, 11, False), (-11, -1, False), (0, 10, True)],
    ids=["not started", "ended yesterday", "withdrawn"],
)
def test_no_objection_outside_the_publicity(owner_world, make_publication, snapshot, start, end, withdrawn):
    # R-BIND-4, art. 15: "公示期间"
    make_publication(start, end, withdrawn=withdrawn)
    _refused(owner_world, snapshot, Conflict, "objection.outside_publicity")


def test_last_day_of_the_publicity_is_included(
    owner_world, make_publication
):  # R-BIND-4, Civil Code art. 203
    make_publication(-10, 0)
    assert _file(owner_world).status == Objection.Status.FILED


def test_no_objection_against_an_ended_binding(owner_world, running, snapshot):  # R-BIND-4
    Binding.objects.filter(pk=owner_world["zhang_binding"].pk).update(
        status=Binding.Status.ENDED, end_reason=Binding.EndReason.BY_OWNER, ended_at=running.published_at
    )
    _refused(owner_world, snapshot, Conflict, "objection.binding_ended")


def test_r_bind_4_a_verified_owner_without_a_binding_objects(owner_world, running):
    """R-BIND-4: wang, a verified co-owner of 1栋-102 who has not bound it, objects to zhang's binding."""
    objection = _file(owner_world, who="wang")
    assert objection.filed_by == owner_world["wang"] and objection.publication == running
    assert AuditEvent.objects.filter(action="bindinglist.objection_filed", actor=owner_world["wang"]).exists()


def test_no_objection_by_someone_who_is_no_owner(owner_world, staff, running, snapshot):  # R-BIND-4
    _refused(
        owner_world, snapshot, NotFound, "binding.not_found", who="newcomer"
    )  # not verified, owns nothing
    staff_world = {**owner_world, "convener": staff["convener"], "street": staff["street"]}
    _refused(staff_world, snapshot, Forbidden, "objection.not_owner", who="convener")  # sees, not an owner
    _refused(staff_world, snapshot, Forbidden, "objection.not_owner", who="street")


def test_r_bind_4_an_owner_whose_binding_ended_still_objects(owner_world, running):
    """R-BIND-4: li unbound, but the roster still lists li as an owner of the estate."""
    Binding.objects.filter(pk=owner_world["li_binding"].pk).update(
        status=Binding.Status.ENDED, end_reason=Binding.EndReason.BY_OWNER, ended_at=running.published_at
    )
    assert _file(owner_world).filed_by == owner_world["li"]


def test_no_objection_to_ones_own_binding(owner_world, running, snapshot):  # R-BIND-4
    _refused(owner_world, snapshot, InvalidInput, "objection.own_binding", who="zhang")


@pytest.mark.parametrize("reason", ["", "   ", "不是业主", "一二三四五六七八九"])
def test_written_reason_of_ten_characters(owner_world, running, snapshot, reason):  # R-BIND-4: "书面提出"
    _refused(owner_world, snapshot, InvalidInput, "objection.reason_too_short", reason=reason)


def test_ten_characters_are_enough(owner_world, running):  # R-BIND-4
    assert _file(owner_world, reason="一二三四五六七八九十").reason == "一二三四五六七八九十"


def test_files_must_be_images_or_pdf(owner_world, running, snapshot):  # R-BIND-4
    fake = Upload("证明.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    _refused(owner_world, snapshot, InvalidInput, "objection.file_type", files=[fake])
    cut = Upload("证明.pdf", PDF_FILE[:-40], "application/pdf")  # a download cut short
    _refused(owner_world, snapshot, InvalidInput, "file.not_pdf", files=[cut])
    many = [Upload(f"p{i}.png", PNG, "image/png") for i in range(6)]
    _refused(owner_world, snapshot, InvalidInput, "objection.too_many_files", files=many)
    objection = _file(owner_world, files=[Upload("证明.pdf", PDF_FILE, "application/octet-stream")])
    assert [f.content_type for f in objection.files.all()] == ["application/pdf"]


def test_files_are_size_limited(owner_world, running, snapshot, settings):  # R-BIND-4
    settings.OWNERVOTE_MAX_UPLOAD_BYTES = 1024
    big = Upload("大图.png", PNG + b"\x00" * 2048, "image/png")
    _refused(owner_world, snapshot, InvalidInput, "file.too_large", files=[big])


def test_one_open_objection_per_owner_and_binding(owner_world, running, snapshot):  # R-BIND-4
    _file(owner_world)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        _file(owner_world)
    assert exc.value.code == "objection.duplicate"
    assert Objection.objects.count() == 1 and snapshot() == before


def test_organisation_conveners_of_every_convener_kind_are_told(
    owner_world, staff, estates, running, make_staff
):  # R-BIND-4: the conveners are the members of organisations with an approved convener association
    community = make_staff("community_committee", estate=estates["a"])  # art. 34
    pending = make_staff("owners_committee", estate=estates["a"], status="pending")
    _file(owner_world)
    assert inbox(staff["convener"], "objection.filed") and inbox(community, "objection.filed")
    assert not inbox(pending, "objection.filed")


# --- file views are logged ----------------------------------------------------------------------


def test_objection_files_are_private_and_logged(owner_world, staff, running):  # R-BIND-4, R-SEC-1
    objection = _file(owner_world, files=[Upload("证明.png", PNG, "image/png")])
    (stored,) = objection.files.all()
    stored_again, content = services.objection_file_read(
        actor=staff["convener"], objection_id=objection.pk, file_id=stored.pk
    )
    assert content == PNG and stored_again == stored
    event = AuditEvent.objects.filter(action="file.read").latest("id")
    assert event.summary["objection"] == objection.pk and event.actor == staff["convener"]
    services.objection_file_read(actor=owner_world["li"], objection_id=objection.pk, file_id=stored.pk)
    for who in (owner_world["zhang"], owner_world["wang"], staff["other_convener"]):
        with pytest.raises(NotFound):
            services.objection_file_read(actor=who, objection_id=objection.pk, file_id=stored.pk)


# --- the pages ----------------------------------------------------------------------------------


def test_owner_files_an_objection_on_the_page(client, owner_world, estates, running):  # R-BIND-4
    client.force_login(owner_world["li"])
    list_page = client.get(reverse("bindinglist:owner", args=[estates["a"].pk])).content.decode()
    url = reverse("bindinglist:objection_new", args=[owner_world["zhang_binding"].pk])
    own_url = reverse("bindinglist:objection_new", args=[owner_world["li_binding"].pk])
    assert url in list_page and own_url not in list_page  # "提出异议" on others' rows only
    assert "提出异议" in list_page
    form = client.get(url)
    assert form.status_code == 200 and "异议" in form.content.decode()
    short = client.post(url, {"reason": "不是业主"})
    assert short.status_code == 422 and "至少 10 个字" in short.content.decode()
    assert not Objection.objects.exists()
    photo = SimpleUploadedFile("证明.png", PNG, content_type="image/png")
    response = client.post(url, {"reason": REASON, "files": [photo]})
    assert response.status_code == 302
    assert response["Location"] == reverse("bindinglist:owner", args=[estates["a"].pk])
    objection = Objection.objects.get()
    assert objection.files.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "我的异议" in page and "召集人正在核实" in page


def test_objection_page_explains_a_refusal(client, owner_world, estates):  # R-BIND-4
    client.force_login(owner_world["li"])
    url = reverse("bindinglist:objection_new", args=[owner_world["zhang_binding"].pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "只能在绑定信息公示期内提出异议" in text and "<textarea" not in text
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 409
    assert not Objection.objects.exists()


def test_r_bind_4_an_unbound_owner_objects_on_the_phone_page(client, owner_world, estates, running):
    """R-BIND-4: wang (verified, not bound) sees the list with "提出异议" and files on the page;
    an account that owns nothing gets 404."""
    client.force_login(owner_world["newcomer"])
    url = reverse("bindinglist:objection_new", args=[owner_world["zhang_binding"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": REASON}).status_code == 404
    assert not Objection.objects.exists()
    client.force_login(owner_world["wang"])
    home = client.get("/m/").content.decode()  # the owner home leads to the list, bound or not
    assert reverse("bindinglist:owner", args=[estates["a"].pk]) in home.split('id="card-lists"')[1]
    list_page = client.get(reverse("bindinglist:owner", args=[estates["a"].pk])).content.decode()
    assert url in list_page and "提出异议" in list_page
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 302
    assert Objection.objects.get().filed_by == owner_world["wang"]
    page = client.get(response["Location"]).content.decode()
    assert "召集人正在核实，核实期限为" + running.ends_on.isoformat() in page


def test_convener_decides_on_the_console(client, owner_world, staff, estates, running):  # R-BIND-4
    objection = _file(owner_world, files=[Upload("证明.png", PNG, "image/png")])
    a = estates["a"]
    client.force_login(staff["convener"])
    listing = client.get(reverse("bindinglist:objections", args=[a.pk])).content.decode()
    detail_url = reverse("bindinglist:objection_detail", args=[a.pk, objection.pk])
    assert detail_url in listing and "待核实" in listing
    detail = client.get(detail_url).content.decode()
    assert REASON in detail and "证明.png" in detail and "核实情况" in detail
    assert "张*" in detail and "张三" not in detail
    stored = objection.files.get()
    reads = AuditEvent.objects.filter(action="file.read").count()
    file_response = client.get(reverse("bindinglist:objection_file", args=[a.pk, objection.pk, stored.pk]))
    assert file_response.status_code == 200 and b"".join(file_response) == PNG
    assert AuditEvent.objects.filter(action="file.read").count() == reads + 1
    missing = client.post(detail_url, {"check_note": "", "outcome": "upheld"})
    assert missing.status_code == 422
    response = client.post(
        detail_url,
        {"check_note": "核对不动产登记信息", "outcome": "upheld", "outcome_note": "绑定不真实，已解除"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == Objection.Status.UPHELD
    owner_world["zhang_binding"].refresh_from_db()
    assert owner_world["zhang_binding"].status == Binding.Status.ENDED
    # The owners see the outcome as a notice (art. 15 "及时发布通告"); the filer in "我的异议".
    client.force_login(owner_world["li"])
    page = client.get(reverse("bindinglist:owner", args=[a.pk])).content.decode()
    assert "通告" in page and "绑定不真实，已解除" in page and "异议成立" in page


def test_street_sees_objections_but_cannot_decide(client, owner_world, staff, estates, running):  # R-BIND-4
    objection = _file(owner_world)
    client.force_login(staff["street"])
    url = reverse("bindinglist:objection_detail", args=[estates["a"].pk, objection.pk])
    page = client.get(url)
    assert page.status_code == 200 and "核实情况" not in page.content.decode()
    assert client.post(url, {"check_note": "核实", "outcome": "upheld"}).status_code == 403
    objection.refresh_from_db()
    assert objection.status == Objection.Status.FILED
    client.force_login(staff["other_convener"])
    assert client.get(url).status_code == 404
