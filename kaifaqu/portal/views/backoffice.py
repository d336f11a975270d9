"""Back-office pages of the policy library: thin, calling the selectors and services.

Readers of business data see the policies of the departments they read; editors of a
policy's department (and zone administrators) change them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from kaifaqu.core import access
from kaifaqu.core.http import stored_file_response
from kaifaqu.core.versioning import ConcurrentEditError
from kaifaqu.core.views.mixins import BusinessReadMixin

from .. import selectors, services
from ..categories import Category
from ..forms import AttachmentForm, PolicyForm, PolicyReviseForm, WithdrawForm
from ..models import Policy, PolicyAttachment, PolicyStatus


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


class PolicyAdminListView(BusinessReadMixin, TemplateView):
    template_name = "portal/admin/policy_list.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        status = params.get("status", "")
        category = params.get("category", "")
        qs = selectors.policies_for(
            self.request.user,
            q=params.get("q", "")[:100],
            category=category if category in Category.values else "",
            status=status if status in PolicyStatus.values else "",
        )
        page = Paginator(qs, 25).get_page(params.get("page"))
        query = params.copy()
        query.pop("page", None)
        return super().get_context_data(
            page_obj=page,
            policies=page.object_list,
            is_paginated=page.has_other_pages(),
            query=query.urlencode(),
            categories=Category.choices,
            statuses=PolicyStatus.choices,
            changes=access.changes_some_business(self.request.user),
            **kwargs,
        )


class PolicyAdminDetailView(BusinessReadMixin, TemplateView):
    template_name = "portal/admin/policy_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        policy = _policy_for(user, kwargs["pk"])
        editable = access.can_change_department(user, policy.department_id)
        return super().get_context_data(
            policy=policy,
            revisions=policy.revisions.select_related("published_by"),
            attachments=policy.attachments.all(),
            editable=editable,
            attachment_form=AttachmentForm() if editable else None,
            withdraw_form=WithdrawForm(initial={"version": policy.version})
            if editable and policy.is_published
            else None,
            **kwargs,
        )


class _PolicyFormView(BusinessReadMixin, FormView):
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

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            saved = self.save(data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.done_message())
        return redirect(_admin_url(saved))

    def done_message(self) -> str:
        return _("Saved.")


class PolicyCreateView(_PolicyFormView):
    form_class = PolicyForm

    def title(self) -> str:
        return _("New policy")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "creating": True}

    def save(self, data):
        return services.policy_create(actor=self.request.user, **data)


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

    def save(self, data):
        version = data.pop("version")
        return services.policy_update(
            actor=self.request.user, policy=self.policy, version=version, **data
        )


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

    def save(self, data):
        version = data.pop("version")
        return services.policy_revise(
            actor=self.request.user,
            policy=self.policy,
            version=version,
            body=data.pop("body"),
            changes=data.pop("changes"),
            **data,
        )

    def done_message(self) -> str:
        return _("The revision is published; the previous text is kept.")


class _PolicyActionView(BusinessReadMixin, View):
    """A POST that changes a policy's status; errors come back as messages."""

    def post(self, request, pk: int):
        policy = _policy_for(request.user, pk, change=True)
        try:
            self.act(request, policy)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(_admin_url(policy))


def _version(request) -> int:
    """The version the page showed; a POST without one is refused as stale (reload)."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise ConcurrentEditError from None


class PolicyPublishView(_PolicyActionView):
    def act(self, request, policy):
        services.policy_publish(actor=request.user, policy=policy, version=_version(request))
        messages.success(request, _("The policy is published."))


class PolicyWithdrawView(_PolicyActionView):
    def act(self, request, policy):
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give the reason for the withdrawal."))
        services.policy_withdraw(
            actor=request.user,
            policy=policy,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
        messages.success(request, _("The policy is withdrawn from the public pages."))


class PolicyAttachmentAddView(_PolicyActionView):
    def act(self, request, policy):
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.policy_attachment_add(
            actor=request.user, policy=policy, file=form.cleaned_data["file"]
        )
        messages.success(request, _("The file is attached."))


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
