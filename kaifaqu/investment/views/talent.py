"""Talent (招才引智): the programmes with the people selected and shortlisted in a period, the
awards of a programme and year with their subsidies, and an award's page."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from kaifaqu.core import access
from kaifaqu.core.filters import FormFilter
from kaifaqu.core.periods import label, parse
from kaifaqu.core.roles import Role
from kaifaqu.core.views.forms import PageFormView, ServiceFormView
from kaifaqu.core.views.lists import TableView
from kaifaqu.core.views.mixins import BusinessReadMixin

from .. import selectors, services
from ..forms import (
    AwardFilterForm,
    AwardForm,
    AwardUpdateForm,
    ProgrammeForm,
    SubsidyForm,
    TalentPeriodForm,
)
from ..models import TalentAward, TalentProgramme
from ..tables import AwardTable
from ._common import changeable, readable


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


class AwardListView(BusinessReadMixin, TableView):
    """The awards of a programme (or all) in a year (or all), with the subsidies paid."""

    template_name = "investment/awards.html"
    table_class = AwardTable
    context_object_name = "awards"
    list_name = "awards"
    export_title = gettext_lazy("Talent awards")

    @cached_property
    def filterset(self) -> FormFilter:
        form = AwardFilterForm(
            self.filter_data(),
            programmes=TalentProgramme.objects.order_by("order", "code"),
            years=selectors.talent_years(self.request.user),
        )
        return FormFilter(form)

    @cached_property
    def filtered(self):
        return selectors.talent_awards(self.request.user, **self.filterset.form.selection())

    def get_queryset(self):
        return self.filtered

    def get_context_data(self, **kwargs):
        awards = list(self.filtered)
        programme = self.filterset.form.selection()["programme"]
        return super().get_context_data(
            programme=programme,
            selected=sum(1 for a in awards if a.status == "selected"),
            subsidy_total=sum((a.subsidy_total or Decimal(0) for a in awards), Decimal(0)),
            may_add_award=access.changes_some_business(self.request.user),
            **kwargs,
        )


class AwardCreateView(BusinessReadMixin, ServiceFormView):
    template_name = "investment/award_form.html"
    form_class = AwardForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.changes_some_business(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {"year": timezone.localdate().year, "status": "selected"}
        code = self.request.GET.get("programme")
        if code:
            initial["programme"] = TalentProgramme.objects.filter(code=code).first()
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def call_service(self, *, actor, data):
        return services.talent_award_create(actor=actor, **data)

    def get_success_url(self) -> str:
        return reverse("investment:award_detail", args=[self.result.pk])


class _AwardFormView(BusinessReadMixin, ServiceFormView):
    """A form about one award; a success returns to its page."""

    @cached_property
    def award(self) -> TalentAward:
        # Looked up only once the reader check in dispatch has passed.
        award = get_object_or_404(
            TalentAward.objects.select_related("programme", "enterprise", "org_unit", "department"),
            pk=self.kwargs["pk"],
        )
        readable(self.request.user, award.department_id)
        return award

    def post(self, request, *args, **kwargs):
        changeable(request.user, self.award.department_id)
        return super().post(request, *args, **kwargs)

    def get_success_url(self) -> str:
        return reverse("investment:award_detail", args=[self.award.pk])


class AwardDetailView(_AwardFormView):
    """An award: who, which programme and year, the subsidies paid; editors change it (the
    form of this page) and record a subsidy (``SubsidyAddView``)."""

    template_name = "investment/award_detail.html"
    form_class = AwardUpdateForm

    def get_initial(self):
        award = self.award
        return {
            "person_name": award.person_name,
            "announced_on": award.announced_on,
            "status": award.status,
            "enterprise": award.enterprise,
            "org_unit": award.org_unit,
            "note": award.note,
            "version": award.version,
        }

    def get_context_data(self, **kwargs):
        award = self.award
        editable = access.can_change_department(self.request.user, award.department_id)
        subsidies = list(selectors.subsidies_of(award))
        context = {
            "award": award,
            "subsidies": subsidies,
            "subsidy_total": sum((s.amount for s in subsidies), Decimal(0)),
            "editable": editable,
            # Only editors are given the forms; the page's own form is unbound unless it is
            # the one refused (shown for another form of the page, it must not read its data).
            "form": AwardUpdateForm(initial=self.get_initial()) if editable else None,
            "subsidy_form": SubsidyForm(initial={"paid_on": timezone.localdate()})
            if editable
            else None,
        }
        # A form of this page refused by its service comes back as it was filled in.
        return super().get_context_data(**{**context, **kwargs})

    def call_service(self, *, actor, data):
        return services.talent_award_update(actor=actor, award=self.award, **data)


class SubsidyAddView(_AwardFormView, PageFormView):
    form_class = SubsidyForm

    def call_service(self, *, actor, data):
        return services.talent_subsidy_create(actor=actor, award=self.award, **data)

    def page(self, form):
        return AwardDetailView, {"pk": self.award.pk}, {"subsidy_form": form}


class ProgrammeCreateView(BusinessReadMixin, ServiceFormView):
    """A programme added to the catalogue (zone administrators)."""

    template_name = "investment/programme_form.html"
    form_class = ProgrammeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.has_role(request.user, Role.ZONE_ADMIN):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def call_service(self, *, actor, data):
        data["order"] = data.get("order") or 0
        return services.talent_programme_create(actor=actor, **data)

    def get_success_url(self) -> str:
        return reverse("investment:talent")
