"""Back-office pages of the statistics: the data entry page, the workbook upload, preview,
import and downloads."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from kaifaqu.core import access, numbers
from kaifaqu.core.filters import FormFilter
from kaifaqu.core.http import AuthenticatedHttpRequest
from kaifaqu.core.numbers import active_lang
from kaifaqu.core.periods import label
from kaifaqu.core.views.forms import ServiceFormView
from kaifaqu.core.views.lists import TableView
from kaifaqu.core.views.mixins import BusinessReadMixin
from kaifaqu.orgs import selectors as org_selectors
from kaifaqu.orgs.models import Department
from kaifaqu.orgs.selectors import home_zone, orgunit_tree

from . import selectors, services
from .forms import (
    EntryPickForm,
    EntrySheet,
    RuleForm,
    ViolationFilterForm,
    WorkbookUploadForm,
    period_suggestions,
)
from .models import RuleViolation, ValidationRule
from .tables import RuleTable, ViolationTable
from .workbook import (
    SHEETS,
    staging,
    template_workbook,
    workbook_export,
)
from .workbook.columns import COLUMN_LABELS, SHEET_LABELS
from .workbook.files import sheets_in_words
from .workbook.http import (
    checked_upload,
    preview_context,
    start_check,
    start_import,
    xlsx_attachment,
)
from .workbook.preview import WORKBOOK
from .workbook.selectors import orgunits_by_code


class WorkbookEditorMixin(LoginRequiredMixin):
    """Department editors and zone administrators; others get 403 (anonymous: the login)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not access.changes_some_business(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class WorkbookView(WorkbookEditorMixin, FormView[WorkbookUploadForm]):
    template_name = "stats/workbook.html"
    form_class = WorkbookUploadForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            sheets=sheets_in_words(SHEETS, SHEET_LABELS, COLUMN_LABELS), **kwargs
        )

    def form_valid(self, form: WorkbookUploadForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        return start_check(self.request, WORKBOOK, staging.stage(upload), upload.name)


class ImportPreviewView(WorkbookEditorMixin, TemplateView):
    """What the upload would do: counts, the first rows, and every problem by sheet, row and
    column. The counts come from a dry run, so they include the services' own checks; the
    dry run is made on the first view and kept beside the upload."""

    template_name = "stats/preview.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        found = checked_upload(self.request, WORKBOOK, kwargs["token"])
        return super().get_context_data(**preview_context(found), **kwargs)


class ImportConfirmView(WorkbookEditorMixin, View):
    def post(self, request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
        return start_import(request, WORKBOOK, token)


class TemplateDownloadView(WorkbookEditorMixin, View):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return xlsx_attachment(template_workbook(), "kaifaqu-statistics-template.xlsx")


class ExportDownloadView(BusinessReadMixin, View):
    """The values and targets of the elements the user may read (``?org=`` narrows the units)."""

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        codes = [c for c in request.GET.getlist("org") if c]
        orgs = orgunits_by_code(codes)
        if set(codes) - set(orgs):
            raise Http404(_("Unknown org unit."))
        data, _counts = workbook_export(actor=request.user, orgs=list(orgs.values()) or None)
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_attachment(data, f"kaifaqu-statistics-{stamp}.xlsx")


class EntryView(WorkbookEditorMixin, View):
    """Enter the values of one unit and period: the elements of the departments in which the
    user is an editor (all of them for a zone administrator), with last year's value and
    the growth shown as they type (entry.js).

    Each changed row is saved on its own (``EntrySheet.save``): one refused row, for bad input
    or because someone saved that value meanwhile, does not hold back the others, and the
    page marks each row saved or refused. Viewers and leaders get 403: they read the same
    numbers on the figure pages.
    """

    template_name = "stats/entry.html"
    SAVED = "stats_entry_saved"  # session: the rows the last save wrote, shown after redirect

    def _pick(self, data: QueryDict) -> EntryPickForm:
        tree = orgunit_tree()
        if "org" in data or "period" in data:
            return EntryPickForm(data, tree=tree)
        zone = home_zone()
        # The latest period with data, looked up only for the unopened page (a sheet's
        # page counts its queries).
        initial = {"org": zone.code if zone else "", "period": selectors.period_to_start()}
        return EntryPickForm(initial=initial, tree=tree)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        pick = self._pick(request.GET)
        sheet = None
        if pick.is_bound and pick.is_valid():
            org, period = pick.cleaned_data["org"], pick.cleaned_data["period"]
            sheet = EntrySheet(user=request.user, org_unit=org, period=period)
            flash = request.session.pop(self.SAVED, None)
            if flash and flash.get("key") == [org.code, str(period)]:
                for row in sheet.rows:
                    if row.element.pk in flash["ids"]:
                        row.state = "saved"
        return self._render(pick, sheet)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        pick = self._pick(request.POST)
        if not pick.is_valid():
            return self._render(pick, None, status=400)
        org, period = pick.cleaned_data["org"], pick.cleaned_data["period"]
        sheet = EntrySheet(user=request.user, org_unit=org, period=period, data=request.POST)
        saved, refused = sheet.save(actor=request.user)
        if not refused:
            if saved:
                count = len(saved)
                messages.success(
                    request,
                    ngettext("%(count)d value saved.", "%(count)d values saved.", count)
                    % {"count": count},
                )
                request.session[self.SAVED] = {
                    "key": [org.code, str(period)],
                    "ids": [row.element.pk for row in saved],
                }
            else:
                messages.info(request, _("Nothing was changed, so nothing was saved."))
            query = urlencode({"org": org.code, "period": str(period)})
            return redirect(f"{reverse('stats:entry')}?{query}")
        # Show what is stored now, the refused rows as the editor left them.
        fresh = EntrySheet(user=request.user, org_unit=org, period=period)
        fresh.keep(refused, state_of={row.element.pk: "saved" for row in saved})
        messages.error(
            request,
            _(
                "%(saved)d saved, %(refused)d not saved: the rows marked below say why; "
                "nothing was written for them."
            )
            % {"saved": len(saved), "refused": len(refused)},
        )
        return self._render(pick, fresh)

    def _render(
        self, pick: EntryPickForm, sheet: EntrySheet | None, status: int = 200
    ) -> HttpResponse:
        english = active_lang() == "en"
        lang = "en" if english else "zh"
        year = sheet.period.year if sheet else timezone.localdate().year
        context: dict[str, Any] = {
            "pick": pick,
            "sheet": sheet,
            "periods": period_suggestions(year),
            "wording": {
                "words": numbers.WORDS[lang],
                "point": "percentage point",
                "points": "percentage points",
                "separator": ", " if english else "，",
            },
        }
        if sheet is not None:
            context.update(
                period_label=label(sheet.period),
                prior_label=label(sheet.period.prior_year()) if sheet.period.year > 1900 else "",
            )
        return render(self.request, self.template_name, context, status=status)


# --- validation rules and what they find ----------------------------------------------------


class ViolationListView(BusinessReadMixin, TableView):
    """What the rules find now, by department, each with a link to the values it is about."""

    template_name = "stats/violations.html"
    table_class = ViolationTable
    list_name = "violations"
    export_title = gettext_lazy("Data checks")
    request: AuthenticatedHttpRequest

    @cached_property
    def filterset(self) -> FormFilter:
        departments = list(org_selectors.department_list(self.request.user))
        return FormFilter(ViolationFilterForm(self.filter_data(), departments=departments))

    @cached_property
    def filtered(self) -> QuerySet[RuleViolation]:
        form = cast(ViolationFilterForm, self.filterset.form)
        return selectors.violation_list(self.request.user, **form.selection())

    def get_queryset(self) -> QuerySet[RuleViolation]:
        return self.filtered

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        department = cast(ViolationFilterForm, self.filterset.form).chosen_department
        context = super().get_context_data(
            department=department,
            may_run_all=access.editable_department_ids(user) is None,
            may_run_department=department is not None
            and access.can_change_department(user, department.pk),
            **kwargs,
        )
        groups: dict[Department, list[RuleViolation]] = {}
        for row in context["table"].paginated_rows:
            groups.setdefault(row.record.rule.department, []).append(row.record)
        context["groups"] = list(groups.items())
        return context


class RulesRunView(WorkbookEditorMixin, View):
    """Check the rules now (all of them, or one department's)."""

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        code = request.POST.get("department", "")
        department = None
        if code:
            department = org_selectors.department_list(request.user).filter(code=code).first()
            if department is None:
                raise Http404(_("Unknown department."))
        found = services.rules_run(actor=request.user, department=department)
        messages.success(
            request,
            ngettext(
                "The rules were checked: %(count)d violation.",
                "The rules were checked: %(count)d violations.",
                len(found),
            )
            % {"count": len(found)},
        )
        query = f"?{urlencode({'department': code})}" if code else ""
        return redirect(reverse("stats:violations") + query)


class RuleListView(BusinessReadMixin, TableView):
    template_name = "stats/rules.html"
    table_class = RuleTable
    context_object_name = "rules"
    list_name = "rules"
    export_title = gettext_lazy("Validation rules")
    request: AuthenticatedHttpRequest

    def get_queryset(self) -> QuerySet[ValidationRule]:
        return selectors.rule_list(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        context = super().get_context_data(may_add=access.changes_some_business(user), **kwargs)
        for rule in context["rules"]:
            # Read beside the rule's fields; not a field of the model.
            rule.editable = access.can_change_department(user, rule.department_id)
        return context


class RuleFormView(WorkbookEditorMixin, ServiceFormView):
    """Create a rule, or (with ``pk``) change one; the services check the rights and the rule."""

    template_name = "stats/rule_form.html"
    form_class = RuleForm
    request: AuthenticatedHttpRequest

    @cached_property
    def rule(self) -> ValidationRule | None:
        # Looked up only once the editor check in dispatch has passed: a 404 before it would
        # tell a reader which rules exist.
        if "pk" not in self.kwargs:
            return None
        rule = get_object_or_404(selectors.rule_list(self.request.user), pk=self.kwargs["pk"])
        if not access.can_change_department(self.request.user, rule.department_id):
            raise PermissionDenied
        return rule

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.rule}

    def call_service(self, *, actor: Any, data: dict[str, Any]) -> ValidationRule:
        if self.rule is None:
            data.pop("version", None)
            return services.rule_create(actor=actor, **data)
        return services.rule_update(actor=actor, rule=self.rule, **data)

    def get_success_message(self) -> str:
        return _("Rule %(name)s saved and checked.") % {"name": self.result}

    def get_success_url(self) -> str:
        return reverse("stats:rules")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(rule=self.rule, **kwargs)


class RuleDeleteView(WorkbookEditorMixin, View):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        rule = get_object_or_404(selectors.rule_list(request.user), pk=pk)
        services.rule_delete(actor=request.user, rule=rule)
        messages.success(request, _("Rule %(name)s deleted.") % {"name": rule})
        return redirect("stats:rules")
