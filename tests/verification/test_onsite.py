"""On-site verification by the convener (R-ID-2, art. 9(2)): both originals checked, two photos,
the convener accountable; the photos private, every view logged."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ownervote.audit.models import AuditEvent
from ownervote.bindings.models import Binding
from ownervote.core import pii
from ownervote.core.errors import Conflict, ServiceError
from ownervote.core.files import Upload, read
from ownervote.core.models import StoredFile
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.notify.models import Notification
from ownervote.verification import services
from ownervote.verification.models import Method, Verification, VerifiedIdentity
from ownervote.verification.signals import verified_on_site
from tests.rosterfiles import mobile, person_id

from .conftest import image_bytes, photo_file

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def onsite_url(estate) -> str:
    return reverse("verification:onsite", args=[estate.pk])


def form_data(world, **overrides) -> dict:
    """赵六 (person_id(4), owner of 1栋-201), checked on site by the convener."""
    building = world["flats"]["1栋-201"].building
    data = {
        "building": building.pk,
        "room": "201",
        "name": "赵六",
        "id_number": person_id(4),
        "mobile": mobile(4),
        "ownership_proof_checked": "on",
        "id_document_checked": "on",
        "accountable": "on",
        "note": "持不动产权证书原件",
        "id_photo": photo_file("IMG_0001.jpg"),
        "holding_photo": SimpleUpload.png(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class SimpleUpload:
    @staticmethod
    def png():
        return photo_file("IMG_0002.png", image_bytes("PNG"), "image/png")


def nothing_stored(before_files: int, before_verifications: int) -> bool:
    return StoredFile.objects.count() == before_files and Verification.objects.count() == before_verifications


@pytest.fixture
def convener_client(client, world):
    client.force_login(world["convener"])
    return client


def make_onsite(world, **overrides) -> Verification:
    args = {
        "actor": world["convener"],
        "estate_id": world["estate"].pk,
        "flat_id": world["flats"]["1栋-201"].pk,
        "name": "赵六",
        "id_number": person_id(4),
        "mobile": mobile(4),
        "ownership_proof_checked": True,
        "id_document_checked": True,
        "id_photo": Upload("a.jpg", image_bytes("JPEG"), "image/jpeg"),
        "holding_photo": Upload("b.webp", image_bytes("WEBP"), "image/webp"),
    }
    args.update(overrides)
    return services.onsite_verify(**args)


def test_convener_verifies_an_owner_on_site(convener_client, world):  # R-ID-2
    page = convener_client.get(onsite_url(world["estate"]))
    body = text(page)
    assert page.status_code == 200
    assert 'accept="image/*"' in body and 'capture="environment"' in body  # the phone's camera
    assert "已核对产权证明原件" in body and "已核对身份证件原件" in body

    response = convener_client.post(onsite_url(world["estate"]), form_data(world))
    assert response.status_code == 302, text(response)
    v = Verification.objects.get(method=Method.ON_SITE)
    assert v.status == Verification.Status.PASSED and v.flat == world["flats"]["1栋-201"]
    assert v.checked_by == world["convener"] and v.checker_real_name == world["convener"].real_name
    assert v.checker_organisation == world["convener"].memberships.get().organisation
    assert v.ownership_proof_checked and v.id_document_checked and v.note == "持不动产权证书原件"
    # Photos: encrypted, private, stored as what they are, under neutral names.
    assert (v.id_photo.content_type, v.holding_photo.content_type) == ("image/jpeg", "image/png")
    assert "IMG_" not in v.id_photo.name
    assert read(v.holding_photo) == image_bytes("PNG") and image_bytes("PNG") not in bytes(
        v.holding_photo.data_enc
    )
    # The person's account (by mobile), identity, binding and message.
    user = owner_account_for_mobile(mobile(4))
    assert v.user == user
    identity = VerifiedIdentity.objects.get(user=user)
    assert identity.method == Method.ON_SITE and identity.id_number_hash == pii.lookup(
        "id_number", person_id(4)
    )
    binding = Binding.objects.get(user=user, status=Binding.Status.ACTIVE)
    assert binding.flat == world["flats"]["1栋-201"] and binding.verification == v
    assert Notification.objects.filter(user=user, kind="verification.on_site").exists()
    event = AuditEvent.objects.get(action="verification.on_site", object_id=str(v.pk))
    assert event.estate_id == world["estate"].pk and event.actor == world["convener"]
    assert "赵六" not in str(event.summary) and person_id(4) not in str(event.summary)
    created = AuditEvent.objects.get(action="binding.created")
    assert created.actor == world["convener"]

    detail = convener_client.get(response["Location"])
    body = text(detail)
    assert world["convener"].real_name in body and "赵*" in body and "赵六" not in body
    for which in ("id", "holding"):
        assert reverse("verification:onsite_photo", args=[world["estate"].pk, v.pk, which]) in body
    listing = text(convener_client.get(onsite_url(world["estate"])))
    assert "赵*" in listing and person_id(4) not in listing and mask_of(person_id(4)) in listing


def mask_of(id_number: str) -> str:
    return id_number[:4] + "*" * 10 + id_number[-4:]


@pytest.mark.parametrize(
    "photo, message",
    [
        (photo_file("id.jpg", b"%PDF-1.4 not a photo at all", "image/jpeg"), "不是照片"),
        (photo_file("id.png", image_bytes("PNG")[:40], "image/png"), "不是照片"),  # truncated
        (photo_file("id.gif", image_bytes("GIF"), "image/gif"), "不是照片"),  # an image, not accepted
        (
            photo_file(
                "id.png", image_bytes("PNG") + b"\0" * settings.OWNERVOTE_MAX_PHOTO_BYTES, "image/png"
            ),
            "超过",
        ),
    ],
    ids=["pdf", "truncated", "gif", "oversized"],
)
def test_non_image_or_oversized_photo_is_refused_and_nothing_stored(
    convener_client, world, photo, message
):  # R-ID-2
    files, verifications = StoredFile.objects.count(), Verification.objects.count()
    response = convener_client.post(onsite_url(world["estate"]), form_data(world, id_photo=photo))
    assert response.status_code == 422
    assert message in text(response) and "身份证件照片" in text(response)
    assert nothing_stored(files, verifications)
    assert not Binding.objects.filter(flat=world["flats"]["1栋-201"]).exists()


def test_holding_photo_is_checked_too(world):  # R-ID-2
    files = StoredFile.objects.count()
    with pytest.raises(ServiceError) as exc:
        make_onsite(world, holding_photo=Upload("x.jpg", b"GIF89a....", "image/jpeg"))
    assert exc.value.code == "verification.photo_not_image" and exc.value.details == {
        "field": "holding_photo"
    }
    assert StoredFile.objects.count() == files


def test_person_not_an_owner_of_the_flat_is_refused(convener_client, world):  # R-ID-2
    files, verifications = StoredFile.objects.count(), Verification.objects.count()
    # 张三 is an owner in the estate, but not of 1栋-201.
    data = form_data(world, name="张三", id_number=person_id(1), mobile=mobile(1))
    response = convener_client.post(onsite_url(world["estate"]), data)
    assert response.status_code == 422 and "不是" in text(response) and "1栋-201" in text(response)
    assert nothing_stored(files, verifications)
    with pytest.raises(ServiceError) as exc:
        make_onsite(world, name="钱七", id_number=person_id(9))
    assert exc.value.code == "verification.not_owner"
    with pytest.raises(ServiceError) as exc:
        make_onsite(world, name="赵小六")  # right ID number, another name
    assert exc.value.code == "verification.name_mismatch"
    assert nothing_stored(files, verifications)


def test_room_not_in_roster_and_checks_required(convener_client, world):  # R-ID-2
    files, verifications = StoredFile.objects.count(), Verification.objects.count()
    response = convener_client.post(onsite_url(world["estate"]), form_data(world, room="9999"))
    assert response.status_code == 422 and "没有房号 9999" in text(response)
    response = convener_client.post(onsite_url(world["estate"]), form_data(world, id_document_checked=None))
    assert response.status_code == 422
    response = convener_client.post(onsite_url(world["estate"]), form_data(world, accountable=None))
    assert response.status_code == 422
    with pytest.raises(ServiceError) as exc:
        make_onsite(world, ownership_proof_checked=False)
    assert exc.value.code == "verification.checks_required"
    with pytest.raises(ServiceError) as exc:
        make_onsite(world, flat_id=world["flats"]["1栋-201"].pk + 10_000)
    assert exc.value.code == "verification.flat_unknown"
    assert nothing_stored(files, verifications)


def test_only_the_convener_verifies(world, client):  # R-ID-2
    for who, status in (("street", 403), ("community", 403), ("city", 403), ("other_convener", 404)):
        client.force_login(world[who])
        response = client.post(onsite_url(world["estate"]), form_data(world))
        assert response.status_code == status, who
        with pytest.raises(ServiceError) as exc:
            make_onsite(world, actor=world[who])
        assert exc.value.status == status, who
    assert not Verification.objects.filter(method=Method.ON_SITE).exists()


def test_street_office_sees_the_list_read_only(world, client):  # R-ID-2
    v = make_onsite(world)
    client.force_login(world["street"])
    page = client.get(onsite_url(world["estate"]))
    assert page.status_code == 200
    body = text(page)
    assert "赵*" in body and '<form method="post" enctype' not in body and "只读" in body
    assert (
        client.get(reverse("verification:onsite_detail", args=[world["estate"].pk, v.pk])).status_code == 200
    )
    for who in ("other_street", "other_convener"):
        client.force_login(world[who])
        assert client.get(onsite_url(world["estate"])).status_code == 404, who


def photo_url(world, v, which="id") -> str:
    return reverse("verification:onsite_photo", args=[world["estate"].pk, v.pk, which])


def test_photos_are_served_privately_and_every_view_is_logged(world, client):  # R-ID-2 R-SEC-1
    v = make_onsite(world)
    for who in ("convener", "street"):
        client.force_login(world[who])
        before = AuditEvent.objects.filter(action="verification.photo_viewed").count()
        response = client.get(photo_url(world, v, "holding"))
        assert response.status_code == 200, who
        assert response.content == image_bytes("WEBP") and response["Content-Type"] == "image/webp"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        event = AuditEvent.objects.filter(action="verification.photo_viewed").latest("pk")
        assert AuditEvent.objects.filter(action="verification.photo_viewed").count() == before + 1
        assert event.actor == world[who] and event.summary["which"] == "holding"
        assert event.estate_id == world["estate"].pk and event.object_id == str(v.pk)


def test_photo_cannot_be_fetched_without_permission(world):  # R-ID-2 R-SEC-1
    v = make_onsite(world)
    owner = owner_account_for_mobile(mobile(4))  # the verified person themself
    before = AuditEvent.objects.filter(action="verification.photo_viewed").count()
    for who in ("other_convener", "other_street", "city", "district", "community", "owner", "zhang", None):
        client = Client()
        if who == "owner":
            client.force_login(owner)
        elif who is not None:
            client.force_login(world[who])
        for which in ("id", "holding"):
            # An owner's account has no console at all (403, orgs/staff.py); staff elsewhere: 404.
            expected = 403 if who in ("owner", "zhang") else 404
            assert client.get(photo_url(world, v, which)).status_code == expected, (who, which)
        with pytest.raises(ServiceError) as exc:
            services.onsite_photo(
                actor=owner if who == "owner" else world.get(who), verification_id=v.pk, which="id"
            )
        assert exc.value.status == 404
    # A wrong estate in the address, or another kind of photo: missing too.
    client = Client()
    client.force_login(world["convener"])
    assert (
        client.get(reverse("verification:onsite_photo", args=[world["estate_c"].pk, v.pk, "id"])).status_code
        == 404
    )
    assert client.get(photo_url(world, v, "passport")).status_code == 404
    assert AuditEvent.objects.filter(action="verification.photo_viewed").count() == before


def test_api_photo_is_private_and_logged(world):  # R-ID-2 R-SEC-1
    v = make_onsite(world)
    client = Client()
    client.force_login(world["street"])
    response = client.get(f"/api/verification/on-site/{v.pk}/photos/id")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="verification.photo_viewed", actor=world["street"]).count() == 1
    client.force_login(world["other_street"])
    assert client.get(f"/api/verification/on-site/{v.pk}/photos/id").status_code == 404


def test_api_creates_an_on_site_verification(world):  # R-ID-2
    client = Client()
    client.force_login(world["convener"])
    response = client.post(
        f"/api/verification/estates/{world['estate'].pk}/on-site",
        {
            "flat_id": world["flats"]["1栋-201"].pk,
            "name": "赵六",
            "id_number": person_id(4),
            "mobile": mobile(4),
            "ownership_proof_checked": "true",
            "id_document_checked": "true",
            "id_photo": photo_file(),
            "holding_photo": photo_file(),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["name_masked"] == "赵*" and body["flat"] == "1栋-201" and "赵六" not in response.content.decode()
    )
    assert body["checker_real_name"] == world["convener"].real_name
    listing = client.get(f"/api/verification/estates/{world['estate'].pk}/on-site").json()
    assert [row["id"] for row in listing] == [body["id"]]
    bad = client.post(
        f"/api/verification/estates/{world['estate'].pk}/on-site",
        {
            "flat_id": world["flats"]["1栋-201"].pk,
            "name": "赵六",
            "id_number": person_id(4),
            "mobile": mobile(4),
            "ownership_proof_checked": "true",
            "id_document_checked": "true",
            "id_photo": photo_file("x.jpg", b"not an image"),
            "holding_photo": photo_file(),
        },
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "verification.photo_not_image"


def test_already_bound_owner_is_verified_without_a_second_binding(world):  # R-ID-2
    # 张三 is verified (self-service) and bound to 1栋-101; the convener verifies him on site.
    v = make_onsite(
        world, flat_id=world["flats"]["1栋-101"].pk, name="张三", id_number=person_id(1), mobile=mobile(1)
    )
    assert v.user == world["zhang"]
    assert Binding.objects.filter(user=world["zhang"], status=Binding.Status.ACTIVE).count() == 1
    assert VerifiedIdentity.objects.get(user=world["zhang"]).verification_id == v.pk


def test_mobile_of_an_account_bound_as_another_person_is_refused(world):  # R-ID-2 R-BIND-1
    files = StoredFile.objects.count()
    # 张三's account (mobile(1)) is bound as 张三; 赵六 cannot be verified onto it.
    with pytest.raises(ServiceError) as exc:
        make_onsite(world, mobile=mobile(1))
    assert exc.value.code == "verification.other_person" and "手机号" in str(exc.value.message)
    assert StoredFile.objects.count() == files
    assert VerifiedIdentity.objects.get(user=world["zhang"]).id_number_hash == pii.lookup(
        "id_number", person_id(1)
    )


def test_verification_then_binding_in_one_transaction(world):  # R-ID-2 R-BIND-1
    # verification tells bindings through a signal (it may not import it): the events come in
    # the order they happen, in the estate's stream, and the owner is told once.
    v = make_onsite(world)
    events = AuditEvent.objects.filter(action__in=["verification.on_site", "binding.created"])
    assert [e.action for e in events.order_by("id")] == ["verification.on_site", "binding.created"]
    assert {e.stream for e in events} == {f"estate:{world['estate'].pk}"}
    binding = Binding.objects.get(user=v.user, status=Binding.Status.ACTIVE)
    assert binding.verification == v and binding.flat == world["flats"]["1栋-201"]
    assert Notification.objects.filter(user=v.user).count() == 1


def test_a_refused_binding_refuses_the_whole_verification(world):  # R-ID-2
    files, verifications = StoredFile.objects.count(), Verification.objects.count()

    def refuse(sender, **kwargs):
        raise Conflict("test.refused", "refused after the binding")

    verified_on_site.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(Conflict):
            make_onsite(world)
    finally:
        verified_on_site.disconnect(dispatch_uid="test.refuse")
    assert nothing_stored(files, verifications)
    assert not Binding.objects.filter(flat=world["flats"]["1栋-201"]).exists()
    assert not AuditEvent.objects.filter(action__in=["verification.on_site", "binding.created"]).exists()
