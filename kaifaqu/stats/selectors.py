from django.db.models import QuerySet

from .models import DataElement, DataValue


def element_list() -> QuerySet[DataElement]:
    return DataElement.objects.select_related("department", "whole").order_by("order", "code")


def values_of(element: DataElement) -> QuerySet[DataValue]:
    return element.values.select_related("org_unit", "entered_by").order_by(
        "month_from", "org_unit"
    )
