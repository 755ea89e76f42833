"""``/api/v1/leads/``: leads, their status, converting one into an order or estimate, and
marking one lost."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from core.api.permissions import RolePermission

from .. import services
from ..filters import LeadFilter
from ..models import Lead
from ..permissions import CONVERT, EDIT, can_view_leads
from .serializers import (
    LeadConvertSerializer,
    LeadCreateSerializer,
    LeadFieldsSerializer,
    LeadLostSerializer,
    LeadSerializer,
    LeadStatusSerializer,
)


class LeadPermission(RolePermission):
    """Every request needs "View all leads" or "View only my leads" (the queryset then keeps
    the employee's scope); a write also needs every code the view's ``required_permissions``
    names for its action."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method.lower() not in view.http_method_names:
            return True  # let the view answer 405 Method Not Allowed
        if not can_view_leads(user):
            return False
        if request.method in SAFE_METHODS:
            return True
        required = view.required_permissions.get(getattr(view, "action", None))
        if required is None:
            return False
        codes = (required,) if isinstance(required, str) else required
        return all(user.has_perm(code) for code in codes)


def _refusal(refused: DjangoValidationError) -> serializers.ValidationError:
    """A refused service call as a 400 body: per field (API names), or ``{"detail": ...}``."""
    if hasattr(refused, "error_dict"):
        body = refused.message_dict
        if "lead_type" in body:
            body["type"] = body.pop("lead_type")
        return serializers.ValidationError(body)
    return serializers.ValidationError({"detail": " ".join(refused.messages)})


class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leads. Reading needs "View all leads" (or "View only my leads": the leads the
    employee manages; any other is 404); writing "Create and edit leads"; converting into an
    order or estimate also "Create and edit documents"."""

    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    permission_classes = [LeadPermission]
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions = {
        "create": EDIT,
        "partial_update": EDIT,
        "set_status": EDIT,
        "lost": EDIT,
        "convert": CONVERT,
    }

    def get_queryset(self):
        return Lead.objects.visible_to(self.request.user).with_row().order_by("-id")

    def incoming(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def call(self, operation, **kwargs):
        try:
            return operation(actor=self.request.user, **kwargs)
        except DjangoValidationError as refused:
            raise _refusal(refused) from None

    def answer(self, lead: Lead, status_code: int = status.HTTP_200_OK) -> Response:
        """The lead as it is now, read outside the scope: a write may hand it to someone."""
        fresh = Lead.objects.with_row().get(pk=lead.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(request=LeadCreateSerializer, responses={201: LeadSerializer})
    def create(self, request, *args, **kwargs):
        lead = self.call(services.lead_create, **self.incoming(LeadCreateSerializer))
        return self.answer(lead, status.HTTP_201_CREATED)

    @extend_schema(request=LeadFieldsSerializer, responses=LeadSerializer)
    def partial_update(self, request, *args, **kwargs):
        lead = self.get_object()
        self.call(services.lead_update, lead=lead, **self.incoming(LeadFieldsSerializer))
        return self.answer(lead)

    @extend_schema(
        summary="Move the lead to another status (winning is converting; losing needs a reason)",
        request=LeadStatusSerializer,
        responses=LeadSerializer,
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        lead = self.get_object()
        self.call(services.lead_status_set, lead=lead, **self.incoming(LeadStatusSerializer))
        return self.answer(lead)

    @extend_schema(
        summary="Mark the lead lost, with a reason",
        request=LeadLostSerializer,
        responses=LeadSerializer,
    )
    @action(detail=True, methods=["post"])
    def lost(self, request, pk=None):
        lead = self.get_object()
        self.call(services.lead_mark_lost, lead=lead, **self.incoming(LeadLostSerializer))
        return self.answer(lead)

    @extend_schema(
        summary="Make a work order or an estimate from the lead (once); the lead is won",
        request=LeadConvertSerializer,
        responses={201: LeadSerializer},
    )
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        lead = self.get_object()
        data = self.incoming(LeadConvertSerializer)
        self.call(services.lead_convert, lead=lead, **data)
        return self.answer(lead, status.HTTP_201_CREATED)
