"""The portal's own records: the policy library (policies, their published revisions and
attachments) and what signed-in visitors keep for later (saved items)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.carriers.models import BuildingUnit, LandParcel
from kaifaqu.core.demo import ILLUSTRATIVE
from kaifaqu.core.models import Versioned
from kaifaqu.orgs.models import DepartmentOwned

from .categories import Category


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Policy(DepartmentOwned, Versioned):
    """A policy document the zone publishes for investors (产业扶持政策 and the others)."""

    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuing body"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    #: Plain text; paragraphs separated by blank lines. Shown escaped, never as markup.
    body = models.TextField(_("full text"))
    illustrative = models.BooleanField(
        _("demo example"),
        default=False,
        help_text=_("A demo policy written for illustration, not a real document."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="portal_policy_validity_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "category", "-issued_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:policy", args=[self.pk])

    def in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)

    @property
    def is_in_force(self) -> bool:
        return self.in_force()

    @property
    def is_published(self) -> bool:
        return self.status == PolicyStatus.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == PolicyStatus.WITHDRAWN

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("A policy cannot expire before it takes effect.")}
            )


class PolicyRevision(models.Model):
    """A policy's text as it was published: the first publication and each revision."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("policy")
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("full text"))
    changes = models.CharField(_("what changed"), max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("policy revision")
        verbose_name_plural = _("policy revisions")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="portal_policyrevision_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} #{self.number}"


class PolicyAttachment(models.Model):
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("policy")
    )
    file = models.FileField(_("file"), upload_to="portal/policies/%Y/")
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
        verbose_name = _("policy attachment")
        verbose_name_plural = _("policy attachments")
        ordering = ["policy", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class SavedKind(models.TextChoices):
    POLICY = "policy", _("Policy")
    LAND = "land", _("Land parcel")
    UNIT = "unit", _("Building unit")


class SavedItem(models.Model):
    """A policy or a carrier a visitor keeps in their personal space."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_items",
        verbose_name=_("account"),
    )
    policy = models.ForeignKey(
        Policy,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("policy"),
    )
    land_parcel = models.ForeignKey(
        LandParcel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("land parcel"),
    )
    building_unit = models.ForeignKey(
        BuildingUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building unit"),
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved item")
        verbose_name_plural = _("saved items")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(policy__isnull=False, land_parcel__isnull=True, building_unit__isnull=True)
                    | Q(policy__isnull=True, land_parcel__isnull=False, building_unit__isnull=True)
                    | Q(policy__isnull=True, land_parcel__isnull=True, building_unit__isnull=False)
                ),
                name="portal_saveditem_exactly_one",
            ),
            models.UniqueConstraint(
                fields=["user", "policy"],
                condition=Q(policy__isnull=False),
                name="portal_saveditem_policy_once",
            ),
            models.UniqueConstraint(
                fields=["user", "land_parcel"],
                condition=Q(land_parcel__isnull=False),
                name="portal_saveditem_land_once",
            ),
            models.UniqueConstraint(
                fields=["user", "building_unit"],
                condition=Q(building_unit__isnull=False),
                name="portal_saveditem_unit_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.item)

    @property
    def kind(self) -> str:
        if self.policy_id:
            return SavedKind.POLICY
        return SavedKind.LAND if self.land_parcel_id else SavedKind.UNIT

    def get_kind_display(self) -> str:
        return SavedKind(self.kind).label

    @property
    def item(self):
        return self.policy or self.land_parcel or self.building_unit

    def get_item_url(self) -> str:
        if self.policy_id:
            return reverse("portal:policy", args=[self.policy_id])
        if self.land_parcel_id:
            return reverse("portal:carrier", args=["land", self.land_parcel_id])
        return reverse("portal:carrier", args=["unit", self.building_unit_id])


class FeaturedIndustry(models.Model):
    """One of the zone's leading industries as the portal presents it to investors."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    #: Where the presentation comes from: the seed's words, or written for the demo (示例数据).
    source = models.CharField(_("source"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("leading industry")
        verbose_name_plural = _("leading industries")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def illustrative(self) -> bool:
        return ILLUSTRATIVE in self.source
