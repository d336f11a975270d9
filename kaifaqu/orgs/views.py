from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kaifaqu.core import access
from kaifaqu.core import services as core_services
from kaifaqu.core.http import AuthenticatedHttpRequest
from kaifaqu.core.roles import Role
from kaifaqu.core.views.forms import ServiceFormView
from kaifaqu.core.views.mixins import BusinessReadMixin, RoleRequiredMixin

from . import selectors, services
from .forms import (
    GlobalRoleGrantForm,
    GlobalRoleRevokeForm,
    MembershipGrantForm,
    MembershipRevokeForm,
    ProfileFactForm,
)
from .models import OrgUnit, ProfileFact
from .quality import check_profile


class OrgTreeView(BusinessReadMixin, TemplateView):
    template_name = "orgs/tree.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tree=selectors.orgunit_tree(), **kwargs)


class OrgUnitDetailView(BusinessReadMixin, TemplateView):
    template_name = "orgs/unit_detail.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        unit = get_object_or_404(OrgUnit.objects.select_related("parent"), code=kwargs["code"])
        user = self.request.user
        facts = list(selectors.profile_facts_for(user, unit))
        honours = selectors.scoped(user, selectors.honours_of(unit))
        editable = access.editable_department_ids(user)
        return super().get_context_data(
            unit=unit,
            children=selectors.orgunit_children(unit),
            facts=facts,
            honours=honours,
            warnings=check_profile(unit) if facts else [],
            editable_ids=editable,
            edits_all=editable is None,
            **kwargs,
        )


class ProfileFactUpdateView(BusinessReadMixin, ServiceFormView):
    form_class = ProfileFactForm
    template_name = "orgs/fact_form.html"
    request: AuthenticatedHttpRequest

    @cached_property
    def object(self) -> ProfileFact:
        # Looked up only once the reader check in dispatch has passed.
        fact = get_object_or_404(
            ProfileFact.objects.select_related("org_unit"), pk=self.kwargs["pk"]
        )
        if not access.can_change_department(self.request.user, fact.department_id):
            raise PermissionDenied
        return fact

    def get_form_kwargs(self) -> dict[str, Any]:
        # The form's own check writes the input into its instance; the service gets the
        # stored record.
        instance = ProfileFact.objects.select_related("org_unit").get(pk=self.object.pk)
        return {**super().get_form_kwargs(), "instance": instance}

    def get_initial(self) -> dict[str, Any]:
        return {"version": self.object.version}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(object=self.object, **kwargs)

    def call_service(self, *, actor: Any, data: dict[str, Any]) -> ProfileFact:
        return services.profile_fact_update(actor=actor, fact=self.object, **data)

    def get_success_url(self) -> str:
        return reverse("orgs:unit", args=[self.object.org_unit.code])


class AccessView(RoleRequiredMixin, TemplateView):
    """Security administrators grant and revoke roles, global and per department."""

    roles = (Role.SECURITY_ADMIN,)
    template_name = "orgs/access.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("role_form", GlobalRoleGrantForm())
        kwargs.setdefault("membership_form", MembershipGrantForm())
        return super().get_context_data(users=selectors.users_with_access(), **kwargs)

    #: action → (form, service call given the actor and the form's data)
    actions: dict[str, tuple[type[forms.Form], Callable[..., object]]] = {
        "grant_role": (GlobalRoleGrantForm, core_services.role_grant),
        "grant_membership": (MembershipGrantForm, services.membership_grant),
        "revoke_role": (GlobalRoleRevokeForm, core_services.role_revoke),
        "revoke_membership": (MembershipRevokeForm, services.membership_revoke),
    }
    form_names = {"grant_role": "role_form", "grant_membership": "membership_form"}

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        if action not in self.actions:
            return redirect("orgs:access")
        form_class, service = self.actions[action]
        form = form_class(request.POST)
        if not form.is_valid():
            if action in self.form_names:
                return self.render_to_response(
                    self.get_context_data(**{self.form_names[action]: form})
                )
            messages.error(request, _("The request was incomplete; nothing was changed."))
            return redirect("orgs:access")
        try:
            service(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Roles updated."))
        return redirect("orgs:access")
