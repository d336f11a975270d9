"""Saving policies and carriers to a visitor's personal space."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from .. import selectors, services
from ..forms import SaveForm
from ..models import SavedItem


def _next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _require_visitor(request) -> None:
    if not selectors.is_visitor(request.user):
        raise PermissionDenied


class SaveView(View):
    http_method_names = ["post"]

    def post(self, request):
        _require_visitor(request)
        form = SaveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("This item is not available to save."))
            return redirect(_next(request, reverse("portal:home")))
        kind, pk = form.cleaned_data["kind"], form.cleaned_data["pk"]
        try:
            services.saved_item_add(actor=request.user, kind=kind, pk=pk)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved to your personal space."))
        fallback = (
            reverse("portal:policy", args=[pk])
            if kind == "policy"
            else reverse("portal:carrier", args=[kind, pk])
        )
        return redirect(_next(request, fallback))


class UnsaveView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        _require_visitor(request)
        item = get_object_or_404(SavedItem, pk=pk, user=request.user)
        services.saved_item_remove(actor=request.user, item=item)
        messages.success(request, _("Removed from your saved items."))
        return redirect(_next(request, reverse("portal:home")))
