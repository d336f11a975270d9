"""The list pattern's view: every back-office list is a ``TableView``.

A list gives its table (``table_class``, in ``<package>/tables.py``), its filters
(``filterset_class``, over the package's selectors), and the rows (``get_queryset``: a
selector, scoped to what the user may read). The base does the rest, the same for every list:

- sorting by a column's header (``?sort=name``, ``?sort=-name``) and pages (``?page=2``;
  ``?per_page=`` within ``PER_PAGE_RANGE``);
- the filters as one form above the table; a filter form with errors shows no rows rather
  than all of them;
- the column chooser of a wide table (``?columns=a&columns=b&choose=1``), remembered per user
  and list in the session;
- ``?export=xlsx``: exactly what the page shows (the filters, the sort, all pages, the chosen
  columns, the cells as the page shows them, masked as the page masks them) as an Excel
  workbook through ``core.spreadsheets`` (formula-safe), and one audit row saying what was
  exported and how many rows.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import django_filters
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from kaifaqu.core import audit, spreadsheets
from kaifaqu.core.models import AuditAction
from kaifaqu.core.tables import Table

#: The page sizes a user may ask for (``?per_page=``); outside it the nearest end is used.
PER_PAGE_RANGE = (10, 200)
PER_PAGE = 50
#: Query parameters of the pattern itself, never a filter's.
OWN_PARAMETERS = frozenset({"page", "export", "columns", "choose"})


def clamp_per_page(raw: str | None, default: int = PER_PAGE) -> int:
    try:
        wanted = int(raw) if raw else default
    except ValueError:
        wanted = default
    low, high = PER_PAGE_RANGE
    return max(low, min(high, wanted))


class TableView(TemplateView):
    """A back-office list: a table over a selector's rows, with filters, pages and export."""

    table_class: ClassVar[type[Table]]
    filterset_class: ClassVar[type[django_filters.FilterSet] | None] = None
    #: The list's name in the session (its chosen columns), the file name and the audit row.
    list_name: ClassVar[str] = ""
    #: What the export's sheet and audit row call the list (lazy, translated).
    export_title: ClassVar[Any] = ""
    paginate_by: ClassVar[int] = PER_PAGE
    #: Query parameters of the page that are not filters (a tab), kept by the list's forms.
    page_parameters: ClassVar[frozenset[str]] = frozenset()
    #: The name the page's records (of the page shown) also go by in the template's context.
    context_object_name: ClassVar[str] = ""
    #: The audit row's kind of record when the rows are not a queryset (its model's label).
    export_object_type: ClassVar[str] = ""
    #: True while an export is being written (a view may word an audit purpose by it).
    exporting = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            self.exporting = True
            return self.export()
        return super().get(request, *args, **kwargs)

    # -- what each list gives ------------------------------------------------------------

    def get_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_table_class(self) -> type[Table]:
        return self.table_class

    def get_filterset_class(self) -> type[django_filters.FilterSet] | None:
        return self.filterset_class

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"request": self.request}

    def get_table_data(self) -> Any:
        """The rows: the filtered queryset (or a list built from it)."""
        return self.filtered

    def get_table_kwargs(self) -> dict[str, Any]:
        return {}

    def after_export(self, entry: Any) -> None:
        """Called once the export's audit row is written."""

    # -- the pattern ---------------------------------------------------------------------

    def filter_data(self) -> QueryDict | None:
        """The query's filters (None: none given), without the pattern's own parameters."""
        data = self.request.GET.copy()
        for name in OWN_PARAMETERS | {"sort", "per_page"} | self.page_parameters:
            data.pop(name, None)
        return data or None

    @cached_property
    def filterset(self) -> Any:
        """The list's filter set (or a ``core.filters.FormFilter``); None: no filters."""
        filterset_class = self.get_filterset_class()
        if filterset_class is None:
            return None
        return filterset_class(
            self.filter_data(), queryset=self.get_queryset(), **self.get_filterset_kwargs()
        )

    @cached_property
    def filtered(self) -> QuerySet[Any]:
        filterset = self.filterset
        if filterset is None:
            return self.get_queryset()
        if filterset.is_bound and not filterset.is_valid():
            return cast(QuerySet[Any], filterset.queryset.none())
        return cast(QuerySet[Any], filterset.qs)

    def chosen_columns(self, table_class: type[Table]) -> set[str] | None:
        """The optional columns the user chose to see; None: the table's default."""
        if not table_class.optional:
            return None
        key = f"tables:{self.list_name or table_class.__name__}:columns"
        session = getattr(self.request, "session", None)
        if self.request.GET.get("choose"):
            chosen = [c for c in self.request.GET.getlist("columns") if c in table_class.optional]
            if session is not None:
                session[key] = chosen
            return set(chosen)
        stored = session.get(key) if session is not None else None
        if isinstance(stored, list):
            return {c for c in stored if c in table_class.optional}
        return None

    def build_table(self, *, paginate: bool = True) -> Table:
        table_class = self.get_table_class()
        table = table_class(data=self.get_table_data(), **self.get_table_kwargs())
        table.request = self.request
        chosen = self.chosen_columns(table_class)
        for name in table_class.optional:
            shown = name not in table_class.hidden_by_default if chosen is None else name in chosen
            if not shown:
                table.columns.hide(name)
        order_by = self.request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by
            rows = getattr(table.data, "data", None)
            if isinstance(rows, QuerySet) and table.order_by:
                # Rows equal in the sorted column keep one order, so no row is on two pages.
                table.data.data = rows.order_by(*rows.query.order_by, "pk")
        if paginate:
            per_page = clamp_per_page(self.request.GET.get("per_page"), self.paginate_by)
            try:
                table.paginate(page=self.request.GET.get("page", 1), per_page=per_page)
            except PageNotAnInteger:
                table.paginate(page=1, per_page=per_page)
            except EmptyPage:
                table.paginate(page=table.paginator.num_pages, per_page=per_page)
        return table

    def kept_parameters(
        self, *, drop: frozenset[str] | set[str] = frozenset()
    ) -> list[tuple[str, str]]:
        """The query's parameters a form of the list carries on (hidden), less ``drop``."""
        return [
            (name, value)
            for name, values in self.request.GET.lists()
            if name not in OWN_PARAMETERS and name not in drop
            for value in values
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        table = self.build_table()
        filterset = self.filterset
        fields = set(filterset.form.fields) if filterset is not None else set()
        if self.context_object_name:
            kwargs[self.context_object_name] = [row.record for row in table.paginated_rows]
        return super().get_context_data(
            table=table,
            page_obj=table.page if hasattr(table, "page") else None,
            filter=filterset,
            list_filter_keep=self.kept_parameters(drop=fields),
            list_chooser_keep=self.kept_parameters(),
            **kwargs,
        )

    def export(self) -> HttpResponse:
        table = self.build_table(paginate=False)
        header, rows = table.export_rows()
        title = str(self.export_title or self.list_name)
        data, count = spreadsheets.table_workbook(title, header, rows)
        model = getattr(self.filtered, "model", None)
        object_type = (
            model._meta.label_lower
            if model is not None
            else self.export_object_type or self.list_name
        )
        filters = {
            name: values[0] if len(values) == 1 else values
            for name, values in self.request.GET.lists()
            if name not in OWN_PARAMETERS | {"sort", "per_page"}
        }
        entry = audit.record(
            AuditAction.EXPORT,
            actor=self.request.user,
            object_type=object_type,
            object_repr=title,
            after={
                "list": self.list_name,
                "filters": filters,
                "sort": list(table.order_by or ()),
                "columns": header,
                "rows": count,
            },
        )
        self.after_export(entry)
        response = HttpResponse(data, content_type=spreadsheets.CONTENT_TYPE)
        name = (self.list_name or "list").replace(".", "-") + ".xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
