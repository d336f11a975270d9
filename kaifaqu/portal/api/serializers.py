from rest_framework import serializers
from rest_framework.reverse import reverse

from kaifaqu.portal.models import Policy, PolicyAttachment


class PolicyAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = PolicyAttachment
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, obj) -> str:
        return reverse(
            "portal:policy_attachment",
            args=[obj.policy_id, obj.pk],
            request=self.context.get("request"),
        )


class PolicySerializer(serializers.ModelSerializer):
    in_force = serializers.BooleanField(source="is_in_force", read_only=True)

    class Meta:
        model = Policy
        fields = [
            "id",
            "category",
            "title",
            "issuer",
            "document_number",
            "issued_on",
            "valid_from",
            "valid_until",
            "in_force",
            "illustrative",
            "published_at",
        ]


class PolicyDetailSerializer(PolicySerializer):
    attachments = PolicyAttachmentSerializer(many=True, read_only=True)

    class Meta(PolicySerializer.Meta):
        fields = [*PolicySerializer.Meta.fields, "body", "attachments"]


class CarrierOnOfferSerializer(serializers.Serializer):
    """A parcel (area in 亩, price in 万元 per 亩) or a building unit (area in m², rent in yuan
    per m² per month) that is idle, i.e. on offer."""

    kind = serializers.ChoiceField(choices=[("land", "land"), ("unit", "unit")])
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    town = serializers.CharField(source="org_unit.name")
    town_code = serializers.CharField(source="org_unit.code")
    location = serializers.CharField()
    use = serializers.CharField()
    area = serializers.DecimalField(max_digits=12, decimal_places=2)
    area_unit = serializers.SerializerMethodField()
    price_wan_per_mu = serializers.SerializerMethodField()
    rent_yuan_per_m2_month = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_area_unit(self, obj) -> str:
        return "mu" if obj.is_land else "m2"

    def get_price_wan_per_mu(self, obj) -> str | None:
        value = obj.carrier.price_wan_per_mu if obj.is_land else None
        return None if value is None else str(value)

    def get_rent_yuan_per_m2_month(self, obj) -> str | None:
        value = None if obj.is_land else obj.carrier.rent_yuan_per_m2_month
        return None if value is None else str(value)

    def get_photos(self, obj) -> list[str]:
        request = self.context.get("request")
        return [reverse("portal:carrier_photo", args=[p.pk], request=request) for p in obj.photos]

    def get_url(self, obj) -> str:
        return reverse(
            "portal:carrier", args=[obj.kind, obj.pk], request=self.context.get("request")
        )
