"""The public pages: no login; numbers only from the figure engine, records through the
selectors."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.carriers import selectors as carriers
from kaifaqu.carriers.models import BuildingUnit, LandParcel, LandUse, UnitUse
from kaifaqu.core.http import stored_file_response
from kaifaqu.orgs import selectors as orgs

from .. import selectors
from ..categories import Category
from ..charts import area_chart, growth_chart, population_chart
from ..figures import key_figures
from ..models import FeaturedIndustry, PolicyAttachment, PolicyStatus

POLICIES_PER_PAGE = 10
CARRIERS_PER_PAGE = 12


def _zone():
    zone = orgs.home_zone()
    if zone is None:
        raise Http404("The home zone is not set up yet: run `kaifaqu load_demo`.")
    return zone


class HomeView(TemplateView):
    """The zone's profile, key figures, honours and towns."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        zone = _zone()
        facts = {f.key: f for f in orgs.current_profile_facts(zone)}
        figures = key_figures(zone.code)
        return super().get_context_data(
            zone=zone,
            facts=facts,
            fact_list=list(facts.values()),
            honours=orgs.honours_of(zone),
            subunits=orgs.towns_and_subdistricts(zone),
            key_figures=figures,
            charts={
                "growth": growth_chart(figures),
                "population": population_chart(facts),
                "area": area_chart(facts),
            },
            **kwargs,
        )


class TownsView(TemplateView):
    """The towns and subdistricts with their profile facts."""

    template_name = "portal/towns.html"

    def get_context_data(self, **kwargs):
        zone = _zone()
        towns = list(orgs.towns_and_subdistricts(zone))
        for town in towns:
            town.fact_list = orgs.current_profile_facts(town)
            town.children_list = list(orgs.orgunit_children(town))
        return super().get_context_data(zone=zone, towns=towns, **kwargs)


class IndustriesView(TemplateView):
    template_name = "portal/industries.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            zone=_zone(), industries=FeaturedIndustry.objects.all(), **kwargs
        )


class PolicyListView(TemplateView):
    template_name = "portal/policies.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        q = params.get("q", "").strip()[:100]
        category = params.get("category", "")
        category = category if category in Category.values else ""
        in_force = params.get("in_force") == "1"
        page = Paginator(
            selectors.public_policies(q=q, category=category, in_force_only=in_force),
            POLICIES_PER_PAGE,
        ).get_page(params.get("page"))
        query = params.copy()
        query.pop("page", None)
        return super().get_context_data(
            q=q,
            category=category,
            in_force=in_force,
            categories=Category.choices,
            page_obj=page,
            policies=page.object_list,
            is_paginated=page.has_other_pages(),
            query=query.urlencode(),
            **kwargs,
        )


class PolicyDetailView(TemplateView):
    template_name = "portal/policy.html"

    def get_context_data(self, **kwargs):
        policy = selectors.public_policy(kwargs["pk"])
        if policy is None:
            raise Http404
        user = self.request.user
        visitor = selectors.is_visitor(user)
        return super().get_context_data(
            policy=policy,
            attachments=list(policy.attachments.all()) if policy.is_published else [],
            paragraphs=[p for p in policy.body.split("\n\n") if p.strip()],
            visitor=visitor,
            saved=visitor and ("policy", policy.pk) in selectors.saved_keys(user),
            save_kind="policy",
            **kwargs,
        )


class PolicyAttachmentView(View):
    """An attachment of a published policy, for anyone."""

    def get(self, request, pk: int, attachment_pk: int):
        attachment = get_object_or_404(
            PolicyAttachment.objects.select_related("policy"),
            pk=attachment_pk,
            policy_id=pk,
            policy__status=PolicyStatus.PUBLISHED,
        )
        return stored_file_response(
            attachment.file, name=attachment.name, content_type=attachment.content_type
        )


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal((value or "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


class OnOffer:
    """One carrier on offer as the public pages list it (a parcel or a building unit)."""

    def __init__(self, carrier: LandParcel | BuildingUnit):
        self.carrier = carrier
        self.is_land = isinstance(carrier, LandParcel)
        self.kind = "land" if self.is_land else "unit"
        self.pk = carrier.pk
        if self.is_land:
            self.name = carrier.name
            self.org_unit = carrier.org_unit
            self.location = carrier.location
            self.use = carrier.get_land_use_display()
            self.area = carrier.area_mu
            self.photos = list(carrier.photos.all())
        else:
            building = carrier.building
            self.name = f"{building.name} {carrier.code}"
            self.org_unit = building.org_unit
            self.location = building.location
            self.use = carrier.get_use_display()
            self.area = carrier.floor_area_m2
            self.photos = list(building.photos.all())


def _on_offer(params) -> tuple[list[OnOffer], dict]:
    kind = params.get("kind", "")
    kind = kind if kind in ("land", "unit") else ""
    use = params.get("use", "")
    town = None
    town_code = params.get("town", "")
    zone_units = {u.code: u for u in orgs.zone_units()}
    if town_code in zone_units:
        town = zone_units[town_code]
    low, high = _decimal(params.get("min_area", "")), _decimal(params.get("max_area", ""))
    items: list[OnOffer] = []
    if kind in ("", "land") and (not use or use in LandUse.values):
        items += [
            OnOffer(p)
            for p in carriers.land_on_offer(
                land_use=use, org_unit=town, min_area=low, max_area=high
            )
        ]
    if kind in ("", "unit") and (not use or use in UnitUse.values):
        items += [
            OnOffer(u)
            for u in carriers.units_on_offer(use=use, org_unit=town, min_area=low, max_area=high)
        ]
    return items, {
        "kind": kind,
        "use": use,
        "town": town_code if town else "",
        "min_area": params.get("min_area", "") if low is not None else "",
        "max_area": params.get("max_area", "") if high is not None else "",
    }


class CarrierListView(TemplateView):
    """Idle land and space, filtered by kind, use, town and area (亩 for land, m² for units)."""

    template_name = "portal/carriers.html"

    def get_context_data(self, **kwargs):
        items, chosen = _on_offer(self.request.GET)
        page = Paginator(items, CARRIERS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        zone = _zone()
        return super().get_context_data(
            items=page.object_list,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            query=query.urlencode(),
            chosen=chosen,
            land_uses=LandUse.choices,
            unit_uses=UnitUse.choices,
            towns=orgs.towns_and_subdistricts(zone),
            **kwargs,
        )


class CarrierDetailView(TemplateView):
    template_name = "portal/carrier.html"

    def get_context_data(self, **kwargs):
        kind = kwargs["kind"]
        if kind == "land":
            qs = carriers.land_on_offer()
        elif kind == "unit":
            qs = carriers.units_on_offer()
        else:
            raise Http404
        item = OnOffer(get_object_or_404(qs, pk=kwargs["pk"]))
        user = self.request.user
        visitor = selectors.is_visitor(user)
        return super().get_context_data(
            item=item,
            visitor=visitor,
            saved=visitor and (kind, item.pk) in selectors.saved_keys(user),
            save_kind=kind,
            **kwargs,
        )


class CarrierPhotoView(View):
    """A photo of a carrier on offer (of anything else: not found)."""

    def get(self, request, pk: int):
        photo = carriers.photo_on_offer(pk)
        if photo is None:
            raise Http404
        return stored_file_response(photo.image, content_type=photo.content_type, inline=True)


class ContactView(TemplateView):
    template_name = "portal/contact.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(zone=_zone(), categories=Category.choices, **kwargs)
