"""The values API's shapes: what a client sends to save a value, and what it gets back."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats.models import DataElement, DataValue, RuleViolation


class ValueWriteSerializer(serializers.Serializer[DataValue]):
    """A value for an element, org unit and period, saved through ``services.value_save``
    with the same checks as the entry page and the workbook (rights, the field rules, the
    version, the error-level data checks)."""

    element = serializers.SlugRelatedField[DataElement](
        slug_field="code", queryset=DataElement.objects.all()
    )
    org = serializers.SlugRelatedField[OrgUnit](slug_field="code", queryset=OrgUnit.objects.all())
    period = serializers.CharField(help_text="2017, 2017H1, 2017Q3, 2017-08 or 2017-01/2017-08")
    # Numbers as the service reads them (text or a JSON number), so its messages are the
    # entry page's.
    value = serializers.CharField(allow_null=True)
    status = serializers.CharField(required=False, default="final")
    reported_growth_pct = serializers.CharField(required=False, allow_null=True, default=None)
    comparable_prior = serializers.CharField(required=False, allow_null=True, default=None)
    # Declared fields leave the class (the serializer's metaclass), so this does not replace
    # Field.source as the stubs believe.
    source = serializers.CharField(  # type: ignore[assignment]
        required=False, allow_blank=True, default=""
    )
    version = serializers.IntegerField(
        help_text="The version the change starts from (0: no value yet); a stale one is 409."
    )


class ViolationSerializer(serializers.Serializer[RuleViolation]):
    rule = serializers.CharField(source="rule.code")
    name = serializers.CharField(source="rule.name")
    importance = serializers.CharField(source="rule.importance")
    left = serializers.DecimalField(source="left_value", max_digits=24, decimal_places=6)
    right = serializers.DecimalField(source="right_value", max_digits=24, decimal_places=6)


class ValueSerializer(serializers.Serializer[DataValue]):
    """A stored value, with what the data checks (warnings) find in it now."""

    element = serializers.CharField(source="element.code")
    org = serializers.CharField(source="org_unit.code")
    period = serializers.CharField()
    value = serializers.DecimalField(max_digits=24, decimal_places=6)
    status = serializers.CharField()
    reported_growth_pct = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    comparable_prior = serializers.DecimalField(max_digits=24, decimal_places=6, allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment]  # as above
    version = serializers.IntegerField()
    violations = serializers.SerializerMethodField()

    def get_violations(self, row: DataValue) -> list[dict[str, Any]]:
        found = self.context.get("violations", [])
        return list(ViolationSerializer(found, many=True).data)
