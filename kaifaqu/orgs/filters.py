import django_filters

from .models import OrgUnit


class OrgUnitFilter(django_filters.FilterSet):
    """``?kind=town``, ``?parent=371471``: the parent by its code, as the API writes it."""

    parent = django_filters.CharFilter(field_name="parent__code")

    class Meta:
        model = OrgUnit
        fields = ["kind", "parent"]
