"""Investors' consultations and the promotion bureau's answers.

A visitor asks through the portal's form or the mini-program (the API), or calls the hotline
and staff log the call. Each question is a ``Consultation`` kept by the investment promotion
bureau (招商局) and routed to the officer for its category, with a first-reply deadline; the
conversation that follows is a list of ``Message``s with their ``Attachment``s. A visitor who
asks gets a personal space: a ``core.User`` with a ``Visitor`` profile and no business role,
signed in by one-time links (``SignInLink``). What is sent to visitors (replies, sign-in
links) goes through the ``OutboxMessage`` table, so nothing is lost when a gateway is down and
a demo can show what would have been sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned
from kaifaqu.orgs.models import DepartmentOwned
from kaifaqu.portal.categories import Category


class Channel(models.TextChoices):
    WEB = "web", _("Portal form")
    API = "api", _("Mini-program")
    HOTLINE = "hotline", _("Hotline call")


class Status(models.TextChoices):
    NEW = "new", _("Awaiting first reply")
    REPLIED = "replied", _("Replied")
    VISITOR_REPLIED = "visitor_replied", _("Visitor wrote again")
    CLOSED = "closed", _("Closed")


class Visitor(models.Model):
    """The investor behind a personal space: contact details and when each was verified
    (following a sign-in link sent to a phone or an email verifies it)."""

    audit_exclude = ("name", "organisation", "phone", "email")
    audit_pseudonymous = True

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="visitor",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=50)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")

    def __str__(self) -> str:
        return self.name


class Route(models.Model):
    """Who answers a category of consultation: the investment promotion officer for it."""

    category = models.CharField(_("category"), max_length=30, choices=Category.choices, unique=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("officer"),
    )
    department = models.ForeignKey(
        "orgs.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )

    class Meta:
        verbose_name = _("consultation route")
        verbose_name_plural = _("consultation routes")
        ordering = ["category"]

    def __str__(self) -> str:
        return self.get_category_display()


class Consultation(DepartmentOwned, Versioned):
    """One question, with the contact details as given when it was asked."""

    # The audit log is append-only and cannot be anonymised later: it keeps no personal data.
    audit_exclude = ("name", "organisation", "phone", "email", "client_hash")

    number = models.CharField(_("number"), max_length=20, unique=True)
    visitor = models.ForeignKey(
        Visitor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("visitor"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    question = models.TextField(_("question"))
    name = models.CharField(_("name"), max_length=50)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    notice_version = models.CharField(_("privacy notice version"), max_length=20, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_at = models.DateTimeField(_("first reply due"), db_index=True)
    first_replied_at = models.DateTimeField(_("first replied at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    lead = models.ForeignKey(
        "investment.Lead",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("lead"),
    )
    # A keyed hash of the client's address: enough to tell repeat submissions apart, not
    # enough to give the address back.
    client_hash = models.CharField(_("client"), max_length=64, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
        help_text=_("The staff member who logged a hotline call."),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # The deadline's follow-up (services.reminders): each sent once, when it was sent.
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    illustrative = models.BooleanField(
        _("demo example"), default=False, help_text=_("Demo data the seed does not state.")
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["first_replied_at", "due_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def overdue(self) -> bool:
        return self.first_replied_at is None and self.due_at < timezone.now()


class Message(models.Model):
    """One turn of the conversation after the question: a staff reply or the visitor's."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="messages"
    )
    from_staff = models.BooleanField(_("from staff"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.consultation_id}:{self.pk}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is not the visitor's: names are kept in ``name``, paths stay plain.
    return f"consultations/{timezone.now():%Y/%m}/{instance.token}"


class Attachment(models.Model):
    """A file sent with a consultation or a message."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class SignInLink(models.Model):
    """A one-time link into a personal space; only the token's hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.CharField(_("sent to"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.created_at:%Y-%m-%d %H:%M}"


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class OutboxMessage(models.Model):
    """A message to a visitor, kept until a gateway has taken it (``sent_at``)."""

    channel = models.CharField(_("channel"), max_length=10, choices=OutboxChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox",
        verbose_name=_("consultation"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.channel}:{self.recipient}"
