"""Talent (招才引智): the programmes with the people selected and shortlisted in a period, the
awards of a programme and year with their subsidies, and an award's page."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.core import access
from kaifaqu.core.forms import put_errors
from kaifaqu.core.periods import label, parse
from kaifaqu.core.roles import Role
from kaifaqu.core.views.mixins import BusinessReadMixin

from .. import selectors, services
from ..forms import (
    AwardForm,
    AwardUpdateForm,
    ProgrammeForm,
    SubsidyForm,
    TalentPeriodForm,
)
from ..models import TalentAward, TalentProgramme
from ._common import changeable, go, readable


class TalentView(BusinessReadMixin, TemplateView):
    """The programmes, each with the people selected and shortlisted in the period asked
    (by default the latest year with awards)."""

    template_name = "investment/talent.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = TalentPeriodForm(self.request.GET or None)
        years = selectors.talent_years(user)
        period = str(years[0] if years else timezone.localdate().year)
        if form.is_bound and form.is_valid() and form.cleaned_data["period"]:
            period = form.cleaned_data["period"]
        counts = [] if form.is_bound and not form.is_valid() else None
        if counts is None:
            counts = selectors.talent_counts_by_programme(user, period)
        return super().get_context_data(
            form=form,
            period=period,
            period_label=label(parse(period)),
            years=years,
            counts=counts,
            may_add_programme=access.has_role(user, Role.ZONE_ADMIN),
            may_add_award=access.changes_some_business(user),
            **kwargs,
        )


class AwardListView(BusinessReadMixin, TemplateView):
    """The awards of a programme (or all) in a year (or all), with the subsidies paid."""

    template_name = "investment/awards.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        programme = None
        code = self.request.GET.get("programme") or ""
        if code:
            programme = TalentProgramme.objects.filter(code=code).first()
        year = self.request.GET.get("year") or ""
        year = int(year) if year.isdigit() else None
        awards = list(selectors.talent_awards(user, programme=programme, year=year))
        return super().get_context_data(
            programmes=TalentProgramme.objects.order_by("order", "code"),
            programme=programme,
            year=year,
            years=selectors.talent_years(user),
            awards=awards,
            selected=sum(1 for a in awards if a.status == "selected"),
            subsidy_total=sum((a.subsidy_total or Decimal(0) for a in awards), Decimal(0)),
            may_add_award=access.changes_some_business(user),
            **kwargs,
        )


class AwardCreateView(BusinessReadMixin, View):
    template_name = "investment/award_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.changes_some_business(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        initial = {"year": timezone.localdate().year, "status": "selected"}
        code = request.GET.get("programme")
        if code:
            initial["programme"] = TalentProgramme.objects.filter(code=code).first()
        form = AwardForm(user=request.user, initial=initial)
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = AwardForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                award = services.talent_award_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return go(request, reverse("investment:award_detail", args=[award.pk]))
        return render(request, self.template_name, {"form": form})


class AwardDetailView(BusinessReadMixin, View):
    """An award: who, which programme and year, the subsidies paid; editors change it and
    record a subsidy."""

    template_name = "investment/award_detail.html"

    def _load(self, request, pk):
        award = get_object_or_404(
            TalentAward.objects.select_related("programme", "enterprise", "org_unit", "department"),
            pk=pk,
        )
        readable(request.user, award.department_id)
        return award

    def _render(self, request, award, **forms):
        editable = access.can_change_department(request.user, award.department_id)
        subsidies = list(selectors.subsidies_of(award))
        context = {
            "award": award,
            "subsidies": subsidies,
            "subsidy_total": sum((s.amount for s in subsidies), Decimal(0)),
            "editable": editable,
        }
        if editable:
            context["form"] = AwardUpdateForm(
                initial={
                    "person_name": award.person_name,
                    "announced_on": award.announced_on,
                    "status": award.status,
                    "enterprise": award.enterprise,
                    "org_unit": award.org_unit,
                    "note": award.note,
                    "version": award.version,
                }
            )
            context["subsidy_form"] = SubsidyForm(initial={"paid_on": timezone.localdate()})
        context.update(forms)
        return render(request, self.template_name, context)

    def get(self, request, pk: int):
        return self._render(request, self._load(request, pk))

    def post(self, request, pk: int):
        award = self._load(request, pk)
        changeable(request.user, award.department_id)
        form = AwardUpdateForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.talent_award_update(
                    actor=request.user, award=award, version=version, **data
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return go(request, reverse("investment:award_detail", args=[pk]))
        return self._render(request, award, form=form)


class SubsidyAddView(AwardDetailView):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        award = self._load(request, pk)
        changeable(request.user, award.department_id)
        form = SubsidyForm(request.POST)
        if form.is_valid():
            try:
                services.talent_subsidy_create(actor=request.user, award=award, **form.cleaned_data)
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return go(request, reverse("investment:award_detail", args=[pk]))
        return self._render(request, award, subsidy_form=form)


class ProgrammeCreateView(BusinessReadMixin, View):
    """A programme added to the catalogue (zone administrators)."""

    template_name = "investment/programme_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.has_role(request.user, Role.ZONE_ADMIN):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": ProgrammeForm()})

    def post(self, request):
        form = ProgrammeForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["order"] = data.get("order") or 0
            try:
                services.talent_programme_create(actor=request.user, **data)
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return go(request, reverse("investment:talent"))
        return render(request, self.template_name, {"form": form})
