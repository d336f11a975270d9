from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kaifaqu.consultations.models import Attachment, Consultation, Message, Status
from kaifaqu.portal.categories import Category


@extend_schema_field({"type": "string", "description": "One of: " + ", ".join(Status.values) + "."})
class StatusField(serializers.ChoiceField):
    """A consultation's status, described without an enum: drf-spectacular would name it
    Status too and collide with the carriers' (ENUM_NAME_OVERRIDES is the settings')."""

    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


class SubmitSerializer(serializers.Serializer):
    """The fields of the portal's form; every check is the service's, so the answers match."""

    category = serializers.ChoiceField(choices=Category.choices)
    question = serializers.CharField(trim_whitespace=False, allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    organisation = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.CharField(required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(
        help_text=_("The visitor agrees to the handling of their personal data.")
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, write_only=True
    )


class SubmittedSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = StatusField()
    account_created = serializers.BooleanField()
    message = serializers.CharField()
    sign_in_url = serializers.CharField(
        allow_null=True,
        help_text=_(
            "Only where the deployment shows sign-in links (a demo); otherwise null: "
            "the link was sent by SMS or email."
        ),
    )


class SignInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "uploaded_at"]


class MessageSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "from_staff", "body", "created_at", "attachments"]


class ConsultationSerializer(serializers.ModelSerializer):
    status = StatusField(read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "number",
            "channel",
            "category",
            "status",
            "question",
            "received_at",
            "due_at",
            "first_replied_at",
            "last_activity_at",
        ]


class ConsultationDetailSerializer(ConsultationSerializer):
    attachments = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "attachments", "messages"]

    def get_attachments(self, obj) -> list[dict]:
        files = [a for a in obj.attachments.all() if a.message_id is None]
        return AttachmentSerializer(files, many=True).data

    def get_messages(self, obj) -> list[dict]:
        return MessageSerializer(self.context.get("thread", []), many=True).data


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False, allow_blank=True)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, write_only=True
    )
