"""The consultations API for the zone's WeChat mini-program: submit a question (anonymous,
the portal form's checks through the same service), exchange a one-time sign-in token for an
API token, then follow one's own consultations and reply. Staff work in the back office.

The client's address is core.context.client_ip: REMOTE_ADDR, or the proxy's X-Forwarded-For
when the request comes from a trusted proxy (KAIFAQU_TRUSTED_PROXIES).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from kaifaqu.consultations import selectors, services
from kaifaqu.consultations.models import Channel
from kaifaqu.consultations.services._common import sign_in_path
from kaifaqu.core.context import client_ip

from .serializers import (
    ConsultationDetailSerializer,
    ConsultationSerializer,
    ErrorSerializer,
    MessageSerializer,
    ReplySerializer,
    SignInSerializer,
    SubmitSerializer,
    SubmittedSerializer,
    TokenSerializer,
)

_PARSERS = [JSONParser, MultiPartParser, FormParser]


class IsVisitor(BasePermission):
    """A signed-in user with a personal space."""

    def has_permission(self, request, view):
        return selectors.visitor_of(request.user) is not None


def rate_limited(error: services.RateLimited) -> Response:
    return Response(
        {"detail": error.messages[0], "code": "rate_limited"},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(error.retry_after)},
    )


class SubmitView(APIView):
    permission_classes = [AllowAny]
    parser_classes = _PARSERS

    @extend_schema(
        request={"application/json": SubmitSerializer, "multipart/form-data": SubmitSerializer},
        responses={
            201: SubmittedSerializer,
            400: OpenApiResponse(description="Field errors, by field."),
            429: ErrorSerializer,
        },
        auth=[],
    )
    def post(self, request):
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            submission = services.consultation_submit(
                **data.validated_data,
                channel=Channel.API,
                client_address=client_ip(request) or "",
                user=request.user,
            )
        except services.RateLimited as error:
            return rate_limited(error)
        show = settings.KAIFAQU_SHOW_SIGN_IN_LINKS and submission.sign_in_token
        if submission.signed_in_already:
            message = _("Your consultation has been added to your personal space.")
        elif submission.account_created:
            message = _("A personal space has been created for you; a sign-in link was sent.")
        else:
            message = _(
                "Your consultation has been added to your personal space; a sign-in link was sent."
            )
        body = {
            "number": submission.consultation.number,
            "status": submission.consultation.status,
            "account_created": submission.account_created,
            "message": message,
            "sign_in_url": request.build_absolute_uri(sign_in_path(submission.sign_in_token))
            if show
            else None,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class SignInView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=SignInSerializer, responses={200: TokenSerializer, 400: ErrorSerializer})
    def post(self, request):
        data = SignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.sign_in_link_redeem(data.validated_data["token"])
        if user is None:
            return Response(
                {
                    "detail": _(
                        "This sign-in link is not valid: it was used, has expired or was "
                        "never issued. Ask for a new one."
                    )
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MyConsultationsView(generics.ListAPIView):
    permission_classes = [IsVisitor]
    serializer_class = ConsultationSerializer

    def get_queryset(self):
        return selectors.consultations_of(selectors.visitor_of(self.request.user))


class MyConsultationView(generics.RetrieveAPIView):
    permission_classes = [IsVisitor]
    serializer_class = ConsultationDetailSerializer

    def get_object(self):
        return selectors.consultation_for_visitor(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        consultation = self.get_object()
        context = {**self.get_serializer_context(), "thread": selectors.thread(consultation)}
        return Response(ConsultationDetailSerializer(consultation, context=context).data)

    def get_queryset(self):  # what the schema generator reads the model from
        return selectors.consultations_of(None)


class ReplyView(APIView):
    permission_classes = [IsVisitor]
    parser_classes = _PARSERS

    @extend_schema(
        request={"application/json": ReplySerializer, "multipart/form-data": ReplySerializer},
        responses={201: MessageSerializer, 400: OpenApiResponse(description="Field errors.")},
    )
    def post(self, request, pk: int):
        consultation = selectors.consultation_for_visitor(request.user, pk)
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.consultation_visitor_reply(
            actor=request.user, consultation=consultation, **data.validated_data
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
