"""Back-office pages of the carriers: thin, calling the selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.core import access
from kaifaqu.core.http import stored_file_response
from kaifaqu.core.views.forms import PageFormView, ServiceFormView
from kaifaqu.core.views.lists import TableView
from kaifaqu.core.views.mixins import BusinessReadMixin
from kaifaqu.orgs.selectors import home_zone

from . import selectors, services
from .dashboard import vacancy_charts
from .filters import BuildingUnitFilter, LandParcelFilter
from .forms import BuildingForm, BuildingUnitForm, LandParcelForm, PhotoForm, StatusMoveForm
from .models import Building, BuildingUnit, CarrierPhoto, LandParcel
from .tables import BuildingUnitTable, LandParcelTable


def _readable(user, department_id: int) -> None:
    access.require_read(user, department_id)  # its refusal says why


def _changeable(user, department_id: int) -> None:
    access.require_change(user, department_id)  # its refusal names who may


class CarrierListView(BusinessReadMixin, TableView):
    """Building units or land parcels (a tab each) with filters; vacancy per building and for
    the zone above them."""

    template_name = "carriers/list.html"
    page_parameters = frozenset({"tab"})

    @property
    def tab(self) -> str:
        return "land" if self.request.GET.get("tab") == "land" else "units"

    @property
    def context_object_name(self) -> str:  # type: ignore[override]
        return "land_parcels" if self.tab == "land" else "units"

    @property
    def list_name(self) -> str:  # type: ignore[override]
        return f"carriers-{self.tab}"

    @property
    def export_title(self):
        return (
            gettext_lazy("Land parcels") if self.tab == "land" else gettext_lazy("Building units")
        )

    def get_table_class(self):
        return LandParcelTable if self.tab == "land" else BuildingUnitTable

    def get_filterset_class(self):
        return LandParcelFilter if self.tab == "land" else BuildingUnitFilter

    def get_filterset_kwargs(self):
        return {}

    def get_queryset(self):
        user = self.request.user
        if self.tab == "land":
            return selectors.land_parcels_for(user)
        return selectors.building_units_for(user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        buildings = list(selectors.buildings_for(user))
        for building in buildings:
            building.vacancy_pct = selectors.vacancy_pct(building.idle_area, building.total_area)
        return super().get_context_data(
            tab=self.tab,
            buildings=buildings,
            zone=home_zone(),
            zone_vacancy=selectors.vacancy(user),
            vacancy_charts=vacancy_charts(user),
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
        context = {
            "parcel": parcel,
            "photos": selectors.photos_of(parcel),
            "photo_form": PhotoForm() if editable else None,
            "photo_kind": "land",
            "photo_owner": parcel,
            "history": selectors.status_history(parcel),
            "editable": editable,
            "move_form": StatusMoveForm(
                land=True, status=parcel.status, initial={"version": parcel.version}
            )
            if editable
            else None,
        }
        # A form of this page refused by its service comes back as it was filled in.
        return super().get_context_data(**{**context, **kwargs})


class BuildingDetailView(BusinessReadMixin, TemplateView):
    template_name = "carriers/building_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """``move_forms``: a unit's refused move form, by the unit's id, as it was filled in."""
        move_forms: dict[int, StatusMoveForm] = kwargs.pop("move_forms", {})
        user = self.request.user
        building = get_object_or_404(selectors.buildings_with_vacancy(), pk=kwargs["pk"])
        _readable(user, building.department_id)
        editable = access.can_change_department(user, building.department_id)
        units = list(selectors.units_of(building))
        if editable:
            for unit in units:
                unit.move_form = move_forms.get(unit.pk) or StatusMoveForm(
                    status=unit.status, prefix=f"u{unit.pk}", initial={"version": unit.version}
                )
        history = list(selectors.building_history(building))
        codes = {u.pk: u.code for u in units}
        for change in history:
            change.unit_code = codes.get(change.carrier_id, "")
        context = {
            "building": building,
            "photos": selectors.photos_of(building),
            "photo_form": PhotoForm() if editable else None,
            "photo_kind": "building",
            "photo_owner": building,
            "vacancy_pct": selectors.vacancy_pct(building.idle_area, building.total_area),
            "units": units,
            "history": history,
            "editable": editable,
        }
        return super().get_context_data(**{**context, **kwargs})


class _CarrierFormView(BusinessReadMixin, ServiceFormView):
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

    def get_success_url(self) -> str:
        return self.result.get_absolute_url()


class LandParcelCreateView(_CarrierFormView):
    form_class = LandParcelForm

    def title(self):
        return _("New land parcel")

    def call_service(self, *, actor, data):
        return services.land_parcel_create(actor=actor, **data)


class LandParcelUpdateView(_CarrierFormView):
    form_class = LandParcelForm

    def load(self, user, **kwargs):
        self.object = get_object_or_404(LandParcel, pk=kwargs["pk"])
        _changeable(user, self.object.department_id)

    def title(self):
        return self.object.name

    def call_service(self, *, actor, data):
        return services.land_parcel_update(actor=actor, parcel=self.object, **data)


class BuildingCreateView(_CarrierFormView):
    form_class = BuildingForm

    def title(self):
        return _("New building")

    def call_service(self, *, actor, data):
        return services.building_create(actor=actor, **data)


class BuildingUpdateView(_CarrierFormView):
    form_class = BuildingForm

    def load(self, user, **kwargs):
        self.object = get_object_or_404(Building, pk=kwargs["pk"])
        _changeable(user, self.object.department_id)

    def title(self):
        return self.object.name

    def call_service(self, *, actor, data):
        return services.building_update(actor=actor, building=self.object, **data)


class BuildingUnitCreateView(_CarrierFormView):
    form_class = BuildingUnitForm

    def load(self, user, **kwargs):
        self.building = get_object_or_404(Building, pk=kwargs["pk"])
        _changeable(user, self.building.department_id)

    def title(self):
        return _("New unit of %(building)s") % {"building": self.building.name}

    def back_url(self):
        return self.building.get_absolute_url()

    def call_service(self, *, actor, data):
        return services.building_unit_create(actor=actor, building=self.building, **data)


class BuildingUnitUpdateView(_CarrierFormView):
    form_class = BuildingUnitForm

    def load(self, user, **kwargs):
        self.object = get_object_or_404(
            BuildingUnit.objects.select_related("building"), pk=kwargs["pk"]
        )
        _changeable(user, self.object.building.department_id)

    def title(self):
        return str(self.object)

    def call_service(self, *, actor, data):
        return services.building_unit_update(actor=actor, unit=self.object, **data)


class _CarrierPageFormView(BusinessReadMixin, PageFormView):
    """A form posted from a carrier's page; a success returns to it."""

    carrier: LandParcel | Building | BuildingUnit

    def post(self, request, *args, **kwargs):
        # After the reader check in dispatch, before the form is read.
        self.carrier = self.load()
        _changeable(request.user, self.carrier.department_id)
        return super().post(request, *args, **kwargs)

    def load(self) -> LandParcel | Building | BuildingUnit:
        raise NotImplementedError

    def get_success_url(self) -> str:
        return self.carrier.get_absolute_url()


class StatusMoveView(_CarrierPageFormView):
    """Reserve, let, sell or release a carrier."""

    carrier: LandParcel | BuildingUnit
    form_class = StatusMoveForm
    success_message = gettext_lazy("Status changed.")

    def load(self):
        if self.kwargs["kind"] == "land":
            return get_object_or_404(LandParcel, pk=self.kwargs["pk"])
        return get_object_or_404(
            BuildingUnit.objects.select_related("building"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        # Every action is accepted here; the service explains a move the carrier cannot make.
        return {**super().get_form_kwargs(), "prefix": self.request.POST.get("prefix") or None}

    def call_service(self, *, actor, data):
        action = data.pop("action")
        if action == "reserve":
            return services.carrier_reserve(actor=actor, carrier=self.carrier, **data)
        if action == "release":
            return services.carrier_release(actor=actor, carrier=self.carrier, **data)
        return services.carrier_take(actor=actor, carrier=self.carrier, how=action, **data)

    def page(self, form):
        if isinstance(self.carrier, LandParcel):
            return LandParcelDetailView, {"pk": self.carrier.pk}, {"move_form": form}
        page = {"pk": self.carrier.building_id}
        return BuildingDetailView, page, {"move_forms": {self.carrier.pk: form}}


# -- photos ----------------------------------------------------------------------------------


class PhotoAddView(_CarrierPageFormView):
    """Upload a photo of a parcel or a building."""

    carrier: LandParcel | Building
    form_class = PhotoForm
    success_message = gettext_lazy("The photo is added.")

    def load(self):
        kind = self.kwargs["kind"]
        if kind not in ("land", "building"):
            raise Http404
        return get_object_or_404(LandParcel if kind == "land" else Building, pk=self.kwargs["pk"])

    def call_service(self, *, actor, data):
        return services.carrier_photo_add(actor=actor, carrier=self.carrier, **data)

    def page(self, form):
        view_class = LandParcelDetailView if self.kwargs["kind"] == "land" else BuildingDetailView
        return view_class, {"pk": self.carrier.pk}, {"photo_form": form}


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
