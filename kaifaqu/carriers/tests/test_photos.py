"""Photos of carriers: checked by content, rights of the owning department, public only for
what is on offer."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kaifaqu.carriers import selectors, services
from kaifaqu.carriers.models import CarrierPhoto
from kaifaqu.core.versioning import CURRENT

pytestmark = pytest.mark.django_db


def png(size=(4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_add_and_remove_a_photo(parcel, blank_zone):
    editor = blank_zone.users["investment"]
    photo = services.carrier_photo_add(
        actor=editor, carrier=parcel, image=SimpleUploadedFile("x.jpg", png()), caption="航拍"
    )
    # The type is read from the content, not from the name.
    assert (photo.content_type, photo.caption, photo.land_parcel) == ("image/png", "航拍", parcel)
    assert list(selectors.photos_of(parcel)) == [photo]
    services.carrier_photo_remove(actor=editor, photo=photo)
    assert not CarrierPhoto.objects.exists()


def test_a_unit_shows_its_buildings_photos(building, blank_zone):
    photo = services.carrier_photo_add(
        actor=None, carrier=building.units.first(), image=SimpleUploadedFile("b.png", png())
    )
    assert photo.building == building
    assert list(selectors.photos_of(building.units.last())) == [photo]


@pytest.mark.parametrize(
    ("name", "content"), [("a.png", b"%PDF-1.4 not an image"), ("b.png", b""), ("c.png", b"GIF89a")]
)
def test_not_an_image_is_refused(parcel, name, content):
    with pytest.raises(ValidationError):
        services.carrier_photo_add(
            actor=None, carrier=parcel, image=SimpleUploadedFile(name, content)
        )
    assert not CarrierPhoto.objects.exists()


def test_too_large_is_refused(parcel, monkeypatch):
    monkeypatch.setattr(services, "MAX_PHOTO_BYTES", 10)
    with pytest.raises(ValidationError):
        services.carrier_photo_add(
            actor=None, carrier=parcel, image=SimpleUploadedFile("a.png", png())
        )


@pytest.mark.parametrize("name", ["economy", "finance", "leader", "sysadmin"])
def test_only_editors_of_the_department(parcel, blank_zone, name):
    with pytest.raises(PermissionDenied):
        services.carrier_photo_add(
            actor=blank_zone.users[name], carrier=parcel, image=SimpleUploadedFile("a.png", png())
        )


def test_upload_page_and_public_photo(as_user, client, parcel, blank_zone):
    editor = as_user(blank_zone.users["investment"])
    response = editor.post(
        reverse("carriers:photo_add", args=["land", parcel.pk]),
        {"image": SimpleUploadedFile("a.png", png()), "caption": "东侧"},
    )
    assert response.status_code == 302
    photo = CarrierPhoto.objects.get()
    assert editor.get(reverse("carriers:land", args=[parcel.pk])).status_code == 200
    assert editor.get(reverse("carriers:photo", args=[photo.pk])).status_code == 200
    client.logout()
    public = client.get(reverse("portal:carrier_photo", args=[photo.pk]))
    assert public.status_code == 200
    assert public["Content-Type"] == "image/png"
    services.carrier_take(version=CURRENT, actor=None, carrier=parcel)
    assert client.get(reverse("portal:carrier_photo", args=[photo.pk])).status_code == 404


def test_a_file_that_is_no_image_is_refused_by_the_photo_field_on_the_page(
    as_user, parcel, blank_zone
):
    response = as_user(blank_zone.users["investment"]).post(
        reverse("carriers:photo_add", args=["land", parcel.pk]),
        {"image": SimpleUploadedFile("a.png", b"%PDF-1.4 not an image"), "caption": "东侧"},
    )
    assert (response.status_code, response.context["parcel"]) == (200, parcel)
    form = response.context["photo_form"]
    message = "a.png: only PNG, JPEG and WebP files are accepted."
    assert form.errors == {"image": [message]}
    assert form["caption"].value() == "东侧"
    page = response.content.decode()
    assert page.index('name="image"') < page.index(f'data-error="image">{message}<')
    assert not CarrierPhoto.objects.exists()


@pytest.mark.parametrize("name", ["economy", "leader"])
def test_upload_page_refuses_non_editors(as_user, parcel, blank_zone, name):
    client = as_user(blank_zone.users[name])
    response = client.post(
        reverse("carriers:photo_add", args=["land", parcel.pk]),
        {"image": SimpleUploadedFile("a.png", png())},
    )
    assert response.status_code == 403
    assert not CarrierPhoto.objects.exists()


def test_on_offer_selectors_are_not_department_scoped(parcel, building):
    assert list(selectors.land_on_offer()) == [parcel]
    assert sorted(u.code for u in selectors.units_on_offer()) == ["u1", "u3"]
    assert [u.code for u in selectors.units_on_offer(use="lab")] == ["u3"]
    assert list(selectors.land_on_offer(min_area=51)) == []
