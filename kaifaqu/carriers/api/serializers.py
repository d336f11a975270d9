from rest_framework import serializers

from kaifaqu.carriers.models import (
    Building,
    BuildingUnit,
    CarrierStatus,
    CarrierStatusChange,
    LandParcel,
)
from kaifaqu.orgs.models import Department, OrgUnit

VERSION_HELP = "The version the change starts from; a stale one is refused with 409."


class _Carrier(serializers.ModelSerializer):
    org_unit = serializers.SlugRelatedField(slug_field="code", queryset=OrgUnit.objects.all())
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class LandParcelSerializer(_Carrier):
    class Meta:
        model = LandParcel
        fields = [
            "id",
            "code",
            "name",
            "org_unit",
            "location",
            "area_mu",
            "land_use",
            "status",
            "price_wan_per_mu",
            "note",
            "department",
            "version",
        ]
        read_only_fields = ["id", "status"]


class BuildingSerializer(_Carrier):
    total_area_m2 = serializers.DecimalField(
        source="total_area", max_digits=16, decimal_places=2, read_only=True
    )
    idle_area_m2 = serializers.DecimalField(
        source="idle_area", max_digits=16, decimal_places=2, read_only=True
    )
    unit_count = serializers.IntegerField(read_only=True)
    idle_units = serializers.IntegerField(read_only=True)

    class Meta:
        model = Building
        fields = [
            "id",
            "code",
            "name",
            "org_unit",
            "location",
            "floors",
            "note",
            "department",
            "version",
            "total_area_m2",
            "idle_area_m2",
            "unit_count",
            "idle_units",
        ]
        read_only_fields = ["id"]


class BuildingUnitSerializer(serializers.ModelSerializer):
    building = serializers.SlugRelatedField(slug_field="code", queryset=Building.objects.all())
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = BuildingUnit
        fields = [
            "id",
            "building",
            "code",
            "floor",
            "floor_area_m2",
            "use",
            "status",
            "rent_yuan_per_m2_month",
            "sale_price_yuan_per_m2",
            "note",
            "version",
        ]
        read_only_fields = ["id", "status"]
        # Unique (building, code) is checked by the model's full_clean in the service.
        validators = []


class StatusMoveSerializer(serializers.Serializer):
    how = serializers.ChoiceField(
        choices=[CarrierStatus.LET, CarrierStatus.SOLD],
        required=False,
        help_text="For take: let or sold; left out, a unit is let and land is sold.",
    )
    at = serializers.DateField(required=False, help_text="The date of the move (default: today).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    version = serializers.IntegerField(
        min_value=0, help_text="The carrier's version the client read; a stale one is 409."
    )


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CarrierStatusChange
        fields = ["kind", "carrier_id", "from_status", "to_status", "at", "note"]


class VacancySerializer(serializers.Serializer):
    org_unit = serializers.CharField()
    total_area_m2 = serializers.DecimalField(max_digits=16, decimal_places=2)
    idle_area_m2 = serializers.DecimalField(max_digits=16, decimal_places=2)
    vacancy_pct = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    unit_count = serializers.IntegerField()
    idle_units = serializers.IntegerField()
