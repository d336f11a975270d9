"""The investment promotion ledgers (双招双引): projects and their stage history, follow-ups,
files, funds received, key projects' plans and progress reports, talent and its subsidies.

Amounts are kept in 万元 as the bureau records them; figures convert to the unit a report
prints (亿元 for investment, 万元 for subsidies).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import Versioned
from kaifaqu.orgs.models import Department, DepartmentOwned, OrgUnit

from .stages import EvidenceKind, Stage

_POSITIVE = [MinValueValidator(0)]


def _money(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, validators=_POSITIVE, **kwargs
    )


class Source(models.TextChoices):
    PORTAL = "portal_consultation", _("Portal consultation")
    HOTLINE = "hotline", _("Investment hotline")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Promotion event")
    OUTREACH = "outreach", _("Own outreach")


class Capital(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    FOREIGN = "foreign", _("Foreign")


class KeyLevel(models.TextChoices):
    NONE = "none", _("Not a key project")
    CITY = "city", _("City-level key project")
    PROVINCE = "province", _("Province-level key project")


class Project(DepartmentOwned, Versioned):
    """One investment project, from the first contact to operation (or dropped)."""

    name = models.CharField(_("name"), max_length=200)
    investor = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("investor"),
    )
    partner = models.CharField(
        _("local partner"),
        max_length=200,
        blank=True,
        help_text=_("An enterprise of the zone the investor works with, if any."),
    )
    industry = models.ForeignKey(
        "enterprises.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("industry"),
    )
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible officer"),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="investment_projects",
        verbose_name=_("where it lands"),
    )
    contract_investment = _money(_("contracted investment (10,000 yuan)"), null=True, blank=True)
    total_investment = _money(_("total investment (10,000 yuan)"), null=True, blank=True)
    capital = models.CharField(
        _("capital"), max_length=10, choices=Capital.choices, default=Capital.DOMESTIC
    )
    light_asset = models.BooleanField(
        _("light-asset project"),
        default=False,
        help_text=_("Uses existing buildings or idle resources rather than new land."),
    )
    land_parcel = models.ForeignKey(
        "carriers.LandParcel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("land parcel"),
    )
    building_unit = models.ForeignKey(
        "carriers.BuildingUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("building unit"),
    )
    key_level = models.CharField(
        _("key-project level"), max_length=10, choices=KeyLevel.choices, default=KeyLevel.NONE
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.LEAD)
    stage_since = models.DateField(_("in this stage since"))
    first_contact_on = models.DateField(_("first contact"))
    # The dates of the stage moves, kept from the history for queries and filters.
    signed_on = models.DateField(_("signed on"), null=True, blank=True, db_index=True)
    started_on = models.DateField(_("started on"), null=True, blank=True, db_index=True)
    operating_on = models.DateField(_("operating since"), null=True, blank=True)
    dropped_on = models.DateField(_("dropped on"), null=True, blank=True)
    dropped_reason = models.TextField(_("reason for dropping"), blank=True)
    note = models.TextField(_("note"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_projects",
        verbose_name=_("merged into"),
    )
    illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo data the seed does not state.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["-first_contact_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(land_parcel__isnull=True) | models.Q(building_unit__isnull=True),
                name="investment_project_one_carrier",
            ),
        ]
        indexes = [models.Index(fields=["stage", "department"])]

    def __str__(self) -> str:
        return self.name

    @property
    def carrier(self):
        return self.land_parcel or self.building_unit

    def clean(self) -> None:
        if self.land_parcel_id and self.building_unit_id:
            raise ValidationError(
                _("A project uses a land parcel or a building unit, not both: pick one.")
            )


class LeadStatus(models.TextChoices):
    OPEN = "open", _("Being followed up")
    CONVERTED = "converted", _("Turned into a project")
    CLOSED = "closed", _("Closed")


class Lead(DepartmentOwned, Versioned):
    """An enquiry that may become a project: someone asked (through the portal, the
    mini-program or the hotline) and the bureau has not yet judged it a project. Further
    questions from the same contact or organisation update the open lead rather than start
    another; turning it into a project enters the project at its first stage."""

    # A visitor's contact details stay out of the append-only audit log.
    audit_exclude = ("contact_name", "phone", "email")

    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    investor = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("known investor"),
    )
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible officer"),
    )
    summary = models.TextField(_("what they asked"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.OPEN
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("project"),
    )
    first_contact_at = models.DateTimeField(_("first contact"), default=timezone.now)
    last_contact_at = models.DateTimeField(_("last contact"), default=timezone.now)
    close_reason = models.TextField(_("why it was closed"), blank=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-last_contact_at", "-pk"]
        indexes = [models.Index(fields=["status", "department"])]

    def __str__(self) -> str:
        return self.name


class StageMove(models.Model):
    """One move of a project from a stage to the next (or to dropped), dated, with evidence."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="moves", verbose_name=_("project")
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("date"))
    evidence_kind = models.CharField(
        _("evidence"), max_length=20, choices=EvidenceKind.choices, default=EvidenceKind.NOTE
    )
    evidence_text = models.TextField(_("evidence or note"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="investment/evidence/%Y/", blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    merged_from = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged from"),
    )

    class Meta:
        verbose_name = _("stage move")
        verbose_name_plural = _("stage moves")
        ordering = ["project", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_stage or '—'} → {self.to_stage} ({self.on})"


class FollowUpKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    SITE_VISIT = "site_visit", _("Site visit")


class FollowUp(Versioned):
    """A contact with the investor and what is to be done next."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"))
    next_action = models.CharField(_("next action"), max_length=255, blank=True)
    next_action_on = models.DateField(_("next action by"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    merged_from = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged from"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["project", "-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()} · {self.on}"

    def clean(self) -> None:
        if self.next_action_on and not self.next_action:
            raise ValidationError({"next_action": _("Say what is to be done by that date.")})
        if self.next_action_on and self.on and self.next_action_on < self.on:
            raise ValidationError(
                {"next_action_on": _("The next action cannot be due before the follow-up.")}
            )


class ProjectFile(models.Model):
    """A document kept with a project: agreements, plans, photos of the site."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="files", verbose_name=_("project")
    )
    file = models.FileField(_("file"), upload_to="investment/files/%Y/")
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    merged_from = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged from"),
    )

    class Meta:
        verbose_name = _("project file")
        verbose_name_plural = _("project files")
        ordering = ["project", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class FundTranche(Versioned):
    """Funds in place (到位资金): one amount received by a project on a date."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="tranches", verbose_name=_("project")
    )
    on = models.DateField(_("date"), db_index=True)
    amount = models.DecimalField(
        _("amount (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0.01)],
    )
    capital = models.CharField(
        _("capital"), max_length=10, choices=Capital.choices, default=Capital.DOMESTIC
    )
    voucher_note = models.CharField(_("voucher"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    merged_from = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged from"),
    )

    class Meta:
        verbose_name = _("funds tranche")
        verbose_name_plural = _("funds tranches")
        ordering = ["project", "on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="investment_tranche_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.on} · {self.amount}"


class KeyProjectPlan(Versioned):
    """A key project's annual investment plan (年度投资计划) for one year."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="plans", verbose_name=_("project")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    annual_plan = models.DecimalField(
        _("annual investment plan (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0.01)],
    )

    class Meta:
        verbose_name = _("annual investment plan")
        verbose_name_plural = _("annual investment plans")
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="investment_plan_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.year}"


_MONTH = RegexValidator(r"^[0-9]{4}-(0[1-9]|1[0-2])$", _("Write the month as 2017-08."))


class ProgressReport(Versioned):
    """A key project's monthly progress report (调度)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project")
    )
    month = models.CharField(_("month"), max_length=7, validators=[_MONTH])
    #: The month as yyyymm, for range queries.
    month_key = models.PositiveIntegerField(_("month (yyyymm)"), db_index=True)
    completed_investment = models.DecimalField(
        _("investment completed this month (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=_POSITIVE,
    )
    image_progress = models.TextField(_("image progress"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "month_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month_key"], name="investment_report_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.month}"


class IssueKind(models.TextChoices):
    FUNDS = "funds", _("Funds")
    LAND = "land", _("Land")
    APPROVALS = "approvals", _("Approvals")
    POLICY = "policy", _("Policy")


class ProgressIssue(models.Model):
    """A problem a progress report needs help with, who must solve it and by when."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="issues", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IssueKind.choices)
    description = models.TextField(_("description"))
    responsible_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("to be solved by")
    )
    due_on = models.DateField(_("due"))
    resolved = models.BooleanField(_("resolved"), default=False)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("problem needing help")
        verbose_name_plural = _("problems needing help")
        ordering = ["report", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:40]}"


class TalentLevel(models.TextChoices):
    ZONE = "zone", _("The zone's own programme")
    CITY = "city", _("City programme")
    PROVINCE = "province", _("Provincial programme")
    NATIONAL = "national", _("National programme")


class TalentProgramme(models.Model):
    """A talent programme (安澜产业领军人才, 泰山产业领军人才, 齐鲁首席技师, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=TalentLevel.choices)
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("talent programme")
        verbose_name_plural = _("talent programmes")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class AwardStatus(models.TextChoices):
    SELECTED = "selected", _("Selected")
    SHORTLISTED = "shortlisted", _("Shortlisted")


class TalentAward(DepartmentOwned, Versioned):
    """A person selected for, or shortlisted by, a talent programme in a year."""

    person_name = models.CharField(_("person"), max_length=50)
    programme = models.ForeignKey(
        TalentProgramme,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("programme"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    announced_on = models.DateField(_("announced on"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=AwardStatus.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="talent_awards",
        verbose_name=_("enterprise"),
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="talent_awards", verbose_name=_("org unit")
    )
    note = models.TextField(_("note"), blank=True)
    illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        verbose_name = _("talent award")
        verbose_name_plural = _("talent awards")
        ordering = ["programme", "year", "person_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "person_name", "enterprise"],
                name="investment_talentaward_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_name} · {self.programme} · {self.year}"

    def clean(self) -> None:
        if self.year and self.announced_on and self.announced_on.year != self.year:
            raise ValidationError(
                {"announced_on": _("The announcement falls in the programme year.")}
            )


class TalentSubsidy(models.Model):
    """A subsidy paid to a selected person (补助资助资金)."""

    award = models.ForeignKey(
        TalentAward, on_delete=models.PROTECT, related_name="subsidies", verbose_name=_("award")
    )
    paid_on = models.DateField(_("paid on"), db_index=True)
    amount = models.DecimalField(
        _("amount (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0.01)],
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        verbose_name = _("talent subsidy")
        verbose_name_plural = _("talent subsidies")
        ordering = ["award", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="investment_subsidy_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.award} · {self.paid_on} · {self.amount}"
