from rest_framework import serializers

from kaifaqu.orgs.models import Department, Honour, OrgUnit, ProfileFact


class OrgUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    # The serializer's metaclass takes declared fields off the class, so this does not replace
    # Field.parent (the enclosing serializer) as the stubs believe.
    parent = serializers.SlugRelatedField[OrgUnit](  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "name_en", "kind", "parent", "order"]


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    class Meta:
        model = Department
        # The id too: /me/ names a user's departments by id.
        fields = ["id", "code", "name", "name_en"]


class ProfileFactSerializer(serializers.ModelSerializer[ProfileFact]):
    org_unit = serializers.SlugRelatedField[OrgUnit](slug_field="code", read_only=True)
    department = serializers.SlugRelatedField[Department](slug_field="code", read_only=True)
    unit = serializers.CharField(read_only=True)
    version = serializers.IntegerField(
        help_text="The version the change starts from; a stale one is refused with 409."
    )

    class Meta:
        model = ProfileFact
        fields = [
            "id",
            "org_unit",
            "key",
            "value",
            "unit",
            "approximate",
            "as_of",
            "source",
            "department",
            "version",
        ]
        read_only_fields = ["id", "org_unit", "key", "department"]


class HonourSerializer(serializers.ModelSerializer[Honour]):
    org_unit = serializers.SlugRelatedField[OrgUnit](slug_field="code", read_only=True)

    class Meta:
        model = Honour
        fields = ["id", "org_unit", "name", "level", "order", "source"]
