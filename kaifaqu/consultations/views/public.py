"""The public side: the consultation form, the page after it, and signing in by link.

No raw sign-in token ever sits in a URL the site shows after the form: the token travels
from the service to the "done" page through the session and is dropped once shown."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.core.context import client_ip
from kaifaqu.core.numbers import active_lang
from kaifaqu.enterprises.contacts import mask_email, mask_phone
from kaifaqu.orgs.selectors import home_zone
from kaifaqu.portal.categories import Category

from .. import selectors, services
from ..forms import AskForm, LinkRequestForm
from ..models import Channel, Consultation
from ._common import mark_invalid, put_errors

#: Where the "done" page finds what the form's submission produced (session key).
DONE_KEY = "kaifaqu_consultation_done"
#: The backend a sign-in link logs in with; axes' backend wants a password, so name this one.
LINK_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _client_address(request) -> str:
    return client_ip(request) or ""


def notice_context() -> dict:
    """What the personal-data notice names: who handles the data and how long it is kept."""
    english = active_lang() == "en"

    def named(obj) -> str:
        if obj is None:
            return ""
        return (obj.name_en if english else "") or obj.name

    zone = home_zone()
    keeper = selectors.keeping_department()
    words = [n for n in (named(zone), named(keeper)) if n]
    return {
        "notice_keeper": (", " if english else "").join(words)
        or _("the zone's investment promotion bureau"),
        "notice_days": settings.KAIFAQU_ANONYMISE_AFTER_DAYS,
    }


class AskView(View):
    """The consultation form (``?category=`` preselects a category)."""

    template_name = "consultations/ask.html"

    def _render(self, request, form, status: int = 200):
        mark_invalid(form)
        context = {"form": form, **notice_context()}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        initial = {}
        category = request.GET.get("category", "")
        if category in Category.values:
            initial["category"] = category
        visitor = selectors.visitor_of(request.user)
        if visitor is not None:
            initial.update(
                name=visitor.name,
                organisation=visitor.organisation,
                phone=visitor.phone,
                email=visitor.email,
            )
        return self._render(request, AskForm(initial=initial))

    def post(self, request):
        form = AskForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        visitor = selectors.visitor_of(request.user)
        try:
            submission = services.consultation_submit(
                category=data["category"],
                question=data["question"],
                name=data["name"],
                organisation=data["organisation"],
                phone=data["phone"],
                email=data["email"],
                consent=data["consent"],
                files=data["files"],
                channel=Channel.WEB,
                client_address=_client_address(request),
                user=request.user if visitor is not None else None,
                honeypot=data["website"],
            )
        except services.RateLimited as error:
            put_errors(form, error)
            response = self._render(request, form, status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
        except ValidationError as error:
            put_errors(form, error)
            return self._render(request, form)
        request.session[DONE_KEY] = {
            "pk": submission.consultation.pk,
            "account_created": submission.account_created,
            "signed_in": submission.signed_in_already,
            "token": submission.sign_in_token,
        }
        return redirect("consultations:asked")


class AskedView(View):
    """After the form: the number, the first-reply deadline, and the way into the space."""

    def get(self, request):
        done = request.session.get(DONE_KEY)
        consultation = None
        if done:
            consultation = Consultation.objects.filter(pk=done.get("pk")).first()
        if consultation is None:
            return redirect("consultations:ask")
        token = done.pop("token", None)  # shown once
        request.session[DONE_KEY] = done
        sign_in_url = ""
        if token and settings.KAIFAQU_SHOW_SIGN_IN_LINKS:
            sign_in_url = reverse("consultations:sign_in", args=[token])
        sent_to = mask_phone(consultation.phone) if consultation.phone else ""
        sent_to = sent_to or mask_email(consultation.email)
        context = {
            "consultation": consultation,
            "account_created": done.get("account_created", False),
            "signed_in": done.get("signed_in", False),
            "sign_in_url": sign_in_url,
            "sent_to": sent_to,
        }
        return render(request, "consultations/asked.html", context)


class SignInView(View):
    """A one-time link into the personal space. Opening it shows a button; pressing it
    signs in. Mail and messaging apps open links to preview them, and a one-time link
    redeemed by a preview would be spent before its owner clicks it."""

    template_name = "consultations/sign_in.html"

    def get(self, request, token: str):
        return render(request, self.template_name, {"token": token})

    def post(self, request, token: str):
        user = services.sign_in_link_redeem(token)
        if user is None:
            return render(
                request,
                "consultations/sign_in_invalid.html",
                {"form": LinkRequestForm()},
                status=410,
            )
        login(request, user, backend=LINK_BACKEND)
        messages.success(request, _("Welcome to your personal space."))
        return redirect("consultations:space")


class SignInRequestView(View):
    """Ask for a new link. The answer is the same whether or not the phone or email has a
    space, so the page tells no one who has asked the bureau anything."""

    template_name = "consultations/sign_in_request.html"

    def get(self, request):
        return render(request, self.template_name, {"form": LinkRequestForm()})

    def post(self, request):
        form = LinkRequestForm(request.POST)
        status = 200
        if form.is_valid():
            try:
                services.sign_in_link_request(contact=form.cleaned_data["contact"].strip())
            except services.RateLimited as error:
                put_errors(form, error)
                status = 429
            except ValidationError as error:
                put_errors(form, error)
            else:
                return render(request, self.template_name, {"form": None, "sent": True})
        mark_invalid(form)
        return render(request, self.template_name, {"form": form}, status=status)
