"""Shared pieces of the REST API: the restricted base viewset, scoped fields, pagination, token login.

Every endpoint reads through ``Model.objects.restrict(user, "view")``: objects out of sight
answer 404 like missing ones, objects in sight that the user may not change answer 403
(architecture rule 3). Endpoints only parse input and call services (rule 1); a service's
``django.core.exceptions.ValidationError`` becomes a 400 answer carrying the service's own
messages, field by field.
"""
import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, filters, mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from .access import can, has_any_scope, user_scope
from .dates import FIRST_DAY


def drf_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """The DRF form of a Django ``ValidationError``: ``{field: [messages]}``.

    Errors not tied to a field (a plain message or list) go under ``non_field_errors``.
    """
    if hasattr(exc, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return exceptions.ValidationError(detail)


class IdField(forms.IntegerField):
    """A primary key: a whole number that fits a 64-bit column (a larger one would overflow the query)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """A query parameter holding a primary key: a whole number, anything else answers 400."""

    field_class = IdField


class Pagination(PageNumberPagination):
    """Pages of 50 by default; a client may ask for up to 200 with ``page_size``."""

    page_size_query_param = "page_size"
    max_page_size = 200


class StableOrderingFilter(filters.OrderingFilter):
    """``?ordering=`` that always ends with the primary key, so pages never overlap or skip rows."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering = [*ordering, "pk"]
        return ordering


class VisiblePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key that must name an object the requesting user may see.

    An object out of the user's sight is answered like a missing one ("does not exist"), so
    input never reveals what exists elsewhere in the tree.
    """

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().restrict(getattr(request, "user", None), "view")


class RestrictedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List, read, create (POST) and partially update (PATCH) objects within the user's scope.

    There is no PUT and no DELETE: records end through their services, never by deletion.
    Subclasses set:

    * ``queryset`` (its model must have a restricted manager) and ``refine_queryset`` for
      ``select_related``, ``defer`` and annotations;
    * ``serializer_class`` for what lists show, ``detail_serializer_class`` (if different) for
      one object, ``create_serializer_class`` and ``update_serializer_class`` for what is
      accepted; a create or update answers with the object as ``detail_serializer_class``;
    * ``add_in_field``: the input field naming the organization a new object goes into;
    * ``perform_create(data)`` and ``perform_update(obj, data)``, which call the services.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]
    # Token first, so an anonymous request is told how to authenticate (401, not 403).
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    pagination_class = Pagination
    detail_serializer_class: type[serializers.Serializer] | None = None
    create_serializer_class: type[serializers.Serializer] | None = None
    update_serializer_class: type[serializers.Serializer] | None = None
    add_in_field = "organization"

    def get_queryset(self):
        model = self.queryset.model
        return self.refine_queryset(model.objects.restrict(self.request.user, "view"))

    def refine_queryset(self, queryset):
        return queryset

    def get_serializer_class(self):
        if self.action == "create" and self.create_serializer_class:
            return self.create_serializer_class
        if self.action == "partial_update" and self.update_serializer_class:
            return self.update_serializer_class
        if self.action == "retrieve":
            return self.get_detail_serializer_class()
        return self.serializer_class

    def get_detail_serializer_class(self):
        return self.detail_serializer_class or self.serializer_class

    def output(self, obj, status_code=status.HTTP_200_OK) -> Response:
        """Answer with ``obj`` as a reader sees it, re-read through the restricted queryset; 204 when
        the change took it out of the user's sight (a team that sent a request back)."""
        obj = self.get_queryset().filter(pk=obj.pk).first()
        if obj is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = self.get_detail_serializer_class()(obj, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = drf_validation_error(exc)
        return super().handle_exception(exc)

    # Creating --------------------------------------------------------------------------------

    def check_can_add(self, organization) -> None:
        """403 unless the user may add in ``organization`` (the root level only for administrators).

        The input field already refused organizations out of sight, as missing ones.
        """
        user = self.request.user
        if organization is None:
            allowed = user_scope(user, "add").everything
        else:
            organizations = apps.get_model("organizations", "Organization").objects
            allowed = organizations.restrict(user, "add").filter(pk=organization.pk).exists()
        if not allowed:
            raise exceptions.PermissionDenied

    def create(self, request, *args, **kwargs):
        if not has_any_scope(request.user, "add"):
            raise exceptions.PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.check_can_add(serializer.validated_data.get(self.add_in_field))
        obj = self.perform_create(serializer.validated_data)
        return self.output(obj, status.HTTP_201_CREATED)

    def perform_create(self, data: dict):
        raise NotImplementedError

    # Changing --------------------------------------------------------------------------------

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        if not can(request.user, "change", obj):
            raise exceptions.PermissionDenied
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        obj = self.perform_update(obj, serializer.validated_data)
        return self.output(obj)

    def perform_update(self, obj, data: dict):
        raise NotImplementedError


class LoginRateThrottle(AnonRateThrottle):
    """Slows password guessing at the token endpoint: ten attempts a minute per address."""

    rate = "10/min"


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token (send it as ``Authorization: Token …``).

    A right password is not always enough: a user with two-step verification (or whose role requires
    it) and a user whose password is too old are refused with 403 ``otp_required`` /
    ``password_expired`` before any token is created (``accounts.requirements.token_refusal``). Both
    the refusal and the sign-in are audited here.
    """

    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        request=AuthTokenSerializer,
        responses={200: inline_serializer("AuthTokenResponse", {"token": serializers.CharField(read_only=True)}),
                   403: inline_serializer("AuthTokenRefusal", {"detail": serializers.CharField(read_only=True),
                                                               "code": serializers.CharField(read_only=True)})},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        from rest_framework.authtoken.models import Token

        from dangjian.accounts import services
        from dangjian.accounts.requirements import token_refusal

        from .clients import client_ip

        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        address = client_ip(request) or ""
        refusal = token_refusal(user)
        if refusal is not None:
            code, message = refusal
            services.login_failed(username=user.get_username(), address=address, where=request.path, detail=code)
            return Response({"detail": message, "code": code}, status=status.HTTP_403_FORBIDDEN)
        token, _created = Token.objects.get_or_create(user=user)
        services.login_succeeded(user=user, address=address, where=request.path)
        return Response({"token": token.key})


class OrgDayQuerySerializer(serializers.Serializer):
    """The query of the statistics endpoints: an organization (``org=<id>``) and a day that has come
    (``date=yyyy-mm-dd``, default today), with the refusals in Chinese."""

    org = serializers.IntegerField(min_value=1, max_value=2**63 - 1, error_messages={
        "required": _("Name the organization: org=<id>."),
        "invalid": _("The organization is named by its number: org=<id>."),
        "null": _("Name the organization: org=<id>."),
        "min_value": _("The organization is named by its number: org=<id>."),
        "max_value": _("The organization is named by its number: org=<id>."),
    })
    date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages={
        "invalid": _("Give the date as yyyy-mm-dd, for example 2026-11-20."),
        "datetime": _("Give the date as yyyy-mm-dd, for example 2026-11-20."),
    })

    def validate_date(self, value):
        """Figures are computed for days that have come (the same refusal as the pages' day field)."""
        if value > timezone.localdate():
            raise serializers.ValidationError(gettext("The day %(value)s is still to come.")
                                              % {"value": value.isoformat()})
        if value < FIRST_DAY:
            raise serializers.ValidationError(gettext("Statistics start on %(day)s.") % {"day": FIRST_DAY.isoformat()})
        return value
