"""Back-office pages of the carriers: thin, calling the selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from kaifaqu.core import access
from kaifaqu.core.http import stored_file_response
from kaifaqu.core.views.mixins import BusinessReadMixin
from kaifaqu.orgs.selectors import home_zone

from . import selectors, services
from .filters import BuildingUnitFilter, LandParcelFilter
from .forms import BuildingForm, BuildingUnitForm, LandParcelForm, PhotoForm, StatusMoveForm
from .models import Building, BuildingUnit, CarrierPhoto, LandParcel


def _readable(user, department_id: int) -> None:
    if not access.can_read_department(user, department_id):
        raise PermissionDenied


def _changeable(user, department_id: int) -> None:
    if not access.can_change_department(user, department_id):
        raise PermissionDenied


class CarrierListView(BusinessReadMixin, TemplateView):
    """Land parcels and building units with filters; vacancy per building and for the zone."""

    template_name = "carriers/list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        tab = "land" if self.request.GET.get("tab") == "land" else "units"
        land = LandParcelFilter(
            self.request.GET if tab == "land" else None, queryset=selectors.land_parcels_for(user)
        )
        units = BuildingUnitFilter(
            self.request.GET if tab == "units" else None,
            queryset=selectors.building_units_for(user),
        )
        buildings = list(selectors.buildings_for(user))
        for building in buildings:
            building.vacancy_pct = selectors.vacancy_pct(building.idle_area, building.total_area)
        zone = home_zone()
        return super().get_context_data(
            tab=tab,
            land_filter=land,
            land_parcels=land.qs if land.is_valid() or not land.is_bound else [],
            unit_filter=units,
            units=units.qs if units.is_valid() or not units.is_bound else [],
            buildings=buildings,
            zone=zone,
            zone_vacancy=selectors.vacancy(user),
            changes=access.changes_some_business(user),
            **kwargs,
        )


class LandParcelDetailView(BusinessReadMixin, TemplateView):
    template_name = "carriers/land_detail.html"

    def get_context_data(self, **kwargs):
        parcel = get_object_or_404(
            LandParcel.objects.select_related("org_unit", "department"), pk=kwargs["pk"]
        )
        user = self.request.user
        _readable(user, parcel.department_id)
        editable = access.can_change_department(user, parcel.department_id)
        return super().get_context_data(
            parcel=parcel,
            photos=selectors.photos_of(parcel),
            photo_form=PhotoForm() if editable else None,
            photo_kind="land",
            photo_owner=parcel,
            history=selectors.status_history(parcel),
            editable=editable,
            move_form=StatusMoveForm(
                land=True, status=parcel.status, initial={"version": parcel.version}
            )
            if editable
            else None,
            **kwargs,
        )


class BuildingDetailView(BusinessReadMixin, TemplateView):
    template_name = "carriers/building_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        building = get_object_or_404(selectors.buildings_with_vacancy(), pk=kwargs["pk"])
        _readable(user, building.department_id)
        editable = access.can_change_department(user, building.department_id)
        units = list(selectors.units_of(building))
        if editable:
            for unit in units:
                unit.move_form = StatusMoveForm(
                    status=unit.status, prefix=f"u{unit.pk}", initial={"version": unit.version}
                )
        history = list(selectors.building_history(building))
        codes = {u.pk: u.code for u in units}
        for change in history:
            change.unit_code = codes.get(change.carrier_id, "")
        return super().get_context_data(
            building=building,
            photos=selectors.photos_of(building),
            photo_form=PhotoForm() if editable else None,
            photo_kind="building",
            photo_owner=building,
            vacancy_pct=selectors.vacancy_pct(building.idle_area, building.total_area),
            units=units,
            history=history,
            editable=editable,
            **kwargs,
        )


class _CarrierFormView(BusinessReadMixin, FormView):
    """Create or change a carrier through its service; the form carries the version.

    ``load`` finds the object (or the building of a new unit) and checks the right to change
    it before anything is shown or saved.
    """

    template_name = "carriers/form.html"
    object = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and access.reads_business(request.user):
            self.load(request.user, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, user, **kwargs) -> None:
        if not access.changes_some_business(user):
            raise PermissionDenied

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["creating"] = self.object is None
        if self.object is not None:
            kwargs["instance"] = self.object
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title(), back=self.back_url(), **kwargs)

    def back_url(self) -> str:
        return self.object.get_absolute_url() if self.object else reverse("carriers:list")

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            saved = self.save(data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(saved.get_absolute_url())


class LandParcelCreateView(_CarrierFormView):
    form_class = LandParcelForm

    def title(self):
        return _("New land parcel")

    def save(self, data):
        return services.land_parcel_create(actor=self.request.user, **data)


class LandParcelUpdateView(_CarrierFormView):
    form_class = LandParcelForm

    def load(self, user, **kwargs):
        self.object = get_object_or_404(LandParcel, pk=kwargs["pk"])
        _changeable(user, self.object.department_id)

    def title(self):
        return self.object.name

    def save(self, data):
        version = data.pop("version")
        return services.land_parcel_update(
            actor=self.request.user, parcel=self.object, version=version, **data
        )


class BuildingCreateView(_CarrierFormView):
    form_class = BuildingForm

    def title(self):
        return _("New building")

    def save(self, data):
        return services.building_create(actor=self.request.user, **data)


class BuildingUpdateView(_CarrierFormView):
    form_class = BuildingForm

    def load(self, user, **kwargs):
        self.object = get_object_or_404(Building, pk=kwargs["pk"])
        _changeable(user, self.object.department_id)

    def title(self):
        return self.object.name

    def save(self, data):
        version = data.pop("version")
        return services.building_update(
            actor=self.request.user, building=self.object, version=version, **data
        )


class BuildingUnitCreateView(_CarrierFormView):
    form_class = BuildingUnitForm

    def load(self, user, **kwargs):
        self.building = get_object_or_404(Building, pk=kwargs["pk"])
        _changeable(user, self.building.department_id)

    def title(self):
        return _("New unit of %(building)s") % {"building": self.building.name}

    def back_url(self):
        return self.building.get_absolute_url()

    def save(self, data):
        return services.building_unit_create(
            actor=self.request.user, building=self.building, **data
        )


class BuildingUnitUpdateView(_CarrierFormView):
    form_class = BuildingUnitForm

    def load(self, user, **kwargs):
        self.object = get_object_or_404(
            BuildingUnit.objects.select_related("building"), pk=kwargs["pk"]
        )
        _changeable(user, self.object.building.department_id)

    def title(self):
        return str(self.object)

    def save(self, data):
        version = data.pop("version")
        return services.building_unit_update(
            actor=self.request.user, unit=self.object, version=version, **data
        )


class StatusMoveView(BusinessReadMixin, FormView):
    """Reserve, let, sell or release a carrier (POST only); refusals come back as messages."""

    form_class = StatusMoveForm
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and access.reads_business(request.user):
            if kwargs["kind"] == "land":
                self.carrier = get_object_or_404(LandParcel, pk=kwargs["pk"])
            else:
                self.carrier = get_object_or_404(
                    BuildingUnit.objects.select_related("building"), pk=kwargs["pk"]
                )
            _changeable(request.user, self.carrier.department_id)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # Every action is accepted here; the service explains a move the carrier cannot make.
        kwargs["prefix"] = self.request.POST.get("prefix") or None
        return kwargs

    def form_valid(self, form):
        action, at, note = (form.cleaned_data[k] for k in ("action", "at", "note"))
        common = {"actor": self.request.user, "carrier": self.carrier, "note": note, "at": at}
        common["version"] = form.cleaned_data["version"]
        try:
            if action == "reserve":
                services.carrier_reserve(**common)
            elif action == "release":
                services.carrier_release(**common)
            else:
                services.carrier_take(how=action, **common)
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
        else:
            messages.success(self.request, _("Status changed."))
        return redirect(self.carrier.get_absolute_url())

    def form_invalid(self, form):
        for errors in form.errors.values():
            for message in errors:
                messages.error(self.request, message)
        return redirect(self.carrier.get_absolute_url())


# -- photos ----------------------------------------------------------------------------------


def _photo_carrier(kind: str, pk: int) -> LandParcel | Building:
    if kind not in ("land", "building"):
        raise Http404
    return get_object_or_404(LandParcel if kind == "land" else Building, pk=pk)


class PhotoAddView(BusinessReadMixin, View):
    """Upload a photo of a parcel or a building; errors come back as messages."""

    def post(self, request, kind: str, pk: int):
        carrier = _photo_carrier(kind, pk)
        _changeable(request.user, carrier.department_id)
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.carrier_photo_add(
                    actor=request.user,
                    carrier=carrier,
                    image=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The photo is added."))
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect(carrier.get_absolute_url())


class PhotoRemoveView(BusinessReadMixin, View):
    def post(self, request, pk: int):
        photo = get_object_or_404(
            CarrierPhoto.objects.select_related("land_parcel", "building"), pk=pk
        )
        _changeable(request.user, photo.department_id)
        back = photo.carrier.get_absolute_url()
        services.carrier_photo_remove(actor=request.user, photo=photo)
        messages.success(request, _("The photo is removed."))
        return redirect(back)


class PhotoView(BusinessReadMixin, View):
    """A photo, for those who read the carrier's department (drafts of the offer too)."""

    def get(self, request, pk: int):
        photo = get_object_or_404(
            CarrierPhoto.objects.select_related("land_parcel", "building"), pk=pk
        )
        _readable(request.user, photo.department_id)
        return stored_file_response(photo.image, content_type=photo.content_type, inline=True)
