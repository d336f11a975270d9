"""Back-office pages of the policy library: thin, calling the selectors and services.

Readers of business data see the policies of the departments they read; editors of a
policy's department (and zone administrators) change them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.core import access
from kaifaqu.core.filters import FormFilter
from kaifaqu.core.http import stored_file_response
from kaifaqu.core.views.forms import PageFormView, ServiceFormView
from kaifaqu.core.views.lists import TableView
from kaifaqu.core.views.mixins import BusinessReadMixin

from .. import selectors, services
from ..forms import (
    AttachmentForm,
    PolicyAdminFilterForm,
    PolicyForm,
    PolicyReviseForm,
    PublishForm,
    WithdrawForm,
)
from ..models import Policy, PolicyAttachment
from ..tables import PolicyTable


def _policy_for(user, pk: int, *, change: bool = False) -> Policy:
    policy = get_object_or_404(Policy.objects.select_related("department"), pk=pk)
    allowed = (access.can_change_department if change else access.can_read_department)(
        user, policy.department_id
    )
    if not allowed:
        raise PermissionDenied
    return policy


def _admin_url(policy: Policy) -> str:
    return reverse("portal:policy_admin_detail", args=[policy.pk])


class PolicyAdminListView(BusinessReadMixin, TableView):
    template_name = "portal/admin/policy_list.html"
    table_class = PolicyTable
    paginate_by = 25
    context_object_name = "policies"
    list_name = "policies"
    export_title = gettext_lazy("Policy library")

    @cached_property
    def filterset(self) -> FormFilter:
        return FormFilter(PolicyAdminFilterForm(self.filter_data()))

    @cached_property
    def filtered(self):
        return selectors.policies_for(self.request.user, **self.filterset.form.selection())

    def get_queryset(self):
        return self.filtered

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            changes=access.changes_some_business(self.request.user), **kwargs
        )


class PolicyAdminDetailView(BusinessReadMixin, TemplateView):
    template_name = "portal/admin/policy_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        policy = _policy_for(user, kwargs["pk"])
        editable = access.can_change_department(user, policy.department_id)
        context = {
            "policy": policy,
            "revisions": policy.revisions.select_related("published_by"),
            "attachments": policy.attachments.all(),
            "editable": editable,
            "publish_form": PublishForm(initial={"version": policy.version}) if editable else None,
            "attachment_form": AttachmentForm() if editable else None,
            "withdraw_form": WithdrawForm(initial={"version": policy.version})
            if editable and policy.is_published
            else None,
        }
        # A form of this page refused by its service comes back as it was filled in.
        return super().get_context_data(**{**context, **kwargs})


class _PolicyFormView(BusinessReadMixin, ServiceFormView):
    template_name = "portal/admin/policy_form.html"
    policy: Policy | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and access.reads_business(request.user):
            self.load(request.user, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, user, **kwargs) -> None:
        if not access.changes_some_business(user):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        back = _admin_url(self.policy) if self.policy else reverse("portal:policy_admin")
        return super().get_context_data(title=self.title(), back=back, **kwargs)

    def get_success_url(self) -> str:
        return _admin_url(self.result)


class PolicyCreateView(_PolicyFormView):
    form_class = PolicyForm

    def title(self) -> str:
        return _("New policy")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "creating": True}

    def call_service(self, *, actor, data):
        return services.policy_create(actor=actor, **data)


class PolicyUpdateView(_PolicyFormView):
    form_class = PolicyForm

    def load(self, user, **kwargs):
        self.policy = _policy_for(user, kwargs["pk"], change=True)
        if self.policy.is_published:
            # A published text changes only through a revision, which keeps the old one.
            raise PermissionDenied

    def title(self) -> str:
        return _("Edit %(title)s") % {"title": self.policy.title}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Policy.objects.get(pk=self.policy.pk),
            "initial": {"version": self.policy.version},
        }

    def call_service(self, *, actor, data):
        return services.policy_update(actor=actor, policy=self.policy, **data)


class PolicyReviseView(_PolicyFormView):
    form_class = PolicyReviseForm

    def load(self, user, **kwargs):
        self.policy = _policy_for(user, kwargs["pk"], change=True)
        if not self.policy.is_published:
            raise PermissionDenied

    def title(self) -> str:
        return _("Revise %(title)s") % {"title": self.policy.title}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Policy.objects.get(pk=self.policy.pk),
            "initial": {"version": self.policy.version},
        }

    success_message = gettext_lazy("The revision is published; the previous text is kept.")

    def call_service(self, *, actor, data):
        return services.policy_revise(actor=actor, policy=self.policy, **data)


class _PolicyPageFormView(BusinessReadMixin, PageFormView):
    """A form of a policy's back-office page; a success returns to it."""

    #: The name the page gives its empty form, where a refused one goes back.
    form_name: str

    def post(self, request, *args, **kwargs):
        # After the reader check in dispatch, before the form is read.
        self.policy = _policy_for(request.user, kwargs["pk"], change=True)
        return super().post(request, *args, **kwargs)

    def page(self, form):
        return PolicyAdminDetailView, {"pk": self.policy.pk}, {self.form_name: form}

    def get_success_url(self) -> str:
        return _admin_url(self.policy)


class PolicyPublishView(_PolicyPageFormView):
    form_class = PublishForm
    form_name = "publish_form"
    success_message = gettext_lazy("The policy is published.")

    def call_service(self, *, actor, data):
        return services.policy_publish(actor=actor, policy=self.policy, **data)


class PolicyWithdrawView(_PolicyPageFormView):
    form_class = WithdrawForm
    form_name = "withdraw_form"
    success_message = gettext_lazy("The policy is withdrawn from the public pages.")

    def call_service(self, *, actor, data):
        return services.policy_withdraw(actor=actor, policy=self.policy, **data)


class PolicyAttachmentAddView(_PolicyPageFormView):
    form_class = AttachmentForm
    form_name = "attachment_form"
    success_message = gettext_lazy("The file is attached.")

    def call_service(self, *, actor, data):
        return services.policy_attachment_add(actor=actor, policy=self.policy, **data)


class PolicyAttachmentRemoveView(BusinessReadMixin, View):
    def post(self, request, pk: int, attachment_pk: int):
        policy = _policy_for(request.user, pk, change=True)
        attachment = get_object_or_404(PolicyAttachment, pk=attachment_pk, policy=policy)
        services.policy_attachment_remove(actor=request.user, attachment=attachment)
        messages.success(request, _("The file is removed."))
        return redirect(_admin_url(policy))


class PolicyAttachmentDownloadView(BusinessReadMixin, View):
    """Any attachment of a policy the user reads (drafts too)."""

    def get(self, request, pk: int, attachment_pk: int):
        policy = _policy_for(request.user, pk)
        attachment = get_object_or_404(PolicyAttachment, pk=attachment_pk, policy=policy)
        return stored_file_response(
            attachment.file, name=attachment.name, content_type=attachment.content_type
        )
