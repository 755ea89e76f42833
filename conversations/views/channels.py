"""Settings → Channels: add, change and delete the web chats and bots clients write through.

Needs the "Manage settings" permission. A channel limited to its owner or to selected
employees is changed only by someone who may already read its conversations (or by any
settings manager once its owner has left): otherwise changing its access would be a way
round it. Credentials are write-only (see ``channel_forms``); these views are marked
``sensitive_post_parameters`` so an error report never carries a typed secret.

A web chat also lists the sites allowed to embed it (``Channel.allowed_origins``), saved in
the same transaction as the rest of its settings, and its page names the sites that tried to
show it without being listed (``conversations.embedding``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from .. import services
from ..channel_forms import ChannelForm
from ..embedding import embed_refusals
from ..models import Channel
from .webchat import absolute_url

PAGE_SIZE = 50


def may_manage(employee, channel: Channel, accessible: set[int] | None = None) -> bool:
    """Whether ``employee`` (who has the settings permission) may change ``channel``;
    ``accessible``: the ids of the channels they may see, when already known."""
    if channel.access == Channel.Access.ALL or channel.owner_id == employee.pk:
        return True
    if not channel.owner.is_active:
        return True
    if accessible is not None:
        return channel.pk in accessible
    return Channel.objects.accessible_to(employee).filter(pk=channel.pk).exists()


def _channel_or_404(request: HttpRequest, pk: int) -> Channel:
    channel = get_object_or_404(Channel.objects.select_related("owner"), pk=pk)
    if not may_manage(request.user, channel):
        raise PermissionDenied(_("Only the channel's owner or its selected employees change it."))
    return channel


def _telegram_webhook_url(request: HttpRequest, channel: Channel) -> str:
    # The address the connector gives Telegram: under OFICINA_PUBLIC_URL.
    return absolute_url(request, reverse("conversations:telegram_hook", args=[channel.pk]))


def _connection(request: HttpRequest, channel: Channel) -> dict:
    """What the settings page shows about where the channel is reachable."""
    if channel.is_deleted:
        return {}
    if channel.kind == Channel.Kind.WEBCHAT:
        return {
            "widget_url": absolute_url(
                request, reverse("conversations:webchat", args=[channel.public_key])
            ),
            "embed_url": absolute_url(
                request, reverse("conversations:webchat_embed", args=[channel.public_key])
            ),
            "allowed_origins": channel.allowed_origins,
            "embed_refusals": embed_refusals(channel),
        }
    if channel.kind == Channel.Kind.TELEGRAM:
        username = str(channel.details.get("username") or "")
        return {
            "bot_username": username,
            "bot_url": f"https://t.me/{username}" if username else "",
            "webhook_url": _telegram_webhook_url(request, channel),
        }
    return {}


@permission_required("core.settings", raise_exception=True)
@require_GET
def channel_list(request: HttpRequest) -> HttpResponse:
    channels = (
        Channel.objects.select_related("owner")
        .annotate(
            conversation_count=Count("conversations", distinct=True),
            member_count=Count("members", distinct=True),
        )
        .order_by("deleted_at", "name", "pk")
    )
    page = Paginator(channels, PAGE_SIZE).get_page(request.GET.get("page"))
    accessible = set(Channel.objects.accessible_to(request.user).values_list("pk", flat=True))
    for channel in page:
        channel.manageable = may_manage(request.user, channel, accessible)
    return render(request, "conversations/channels/list.html", {"page": page})


@sensitive_variables()
@sensitive_post_parameters()
@permission_required("core.settings", raise_exception=True)
@require_http_methods(["GET", "POST"])
def channel_create(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    if kind not in Channel.Kind.values:
        if request.method == "POST":
            messages.error(request, _("Choose a kind of channel."))
        return render(
            request, "conversations/channels/choose_kind.html", {"kinds": Channel.Kind.choices}
        )
    form = ChannelForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        fields = {
            "actor": request.user,
            "kind": kind,
            "name": form.cleaned_data["name"],
            "access": form.cleaned_data["access"],
            "members": form.cleaned_data["members"],
            "credentials": form.credentials,
        }
        if kind == Channel.Kind.WEBCHAT:
            fields["allowed_origins"] = form.allowed_origins
        try:
            channel = services.channel_create(**fields)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Channel “%(name)s” added.") % {"name": channel.name})
            return redirect("conversations:channel_edit", channel.pk)
    context = {"form": form, "kind": kind, "kind_label": Channel.Kind(kind).label}
    return render(request, "conversations/channels/form.html", context)


@sensitive_variables()
@sensitive_post_parameters()
@permission_required("core.settings", raise_exception=True)
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel_or_404(request, pk)
    form = None
    if not channel.is_deleted:
        form = ChannelForm(request.POST or None, kind=channel.kind, channel=channel)
        if request.method == "POST" and form.is_valid():
            fields = {
                "actor": request.user,
                "channel": channel,
                "name": form.cleaned_data["name"],
                "access": form.cleaned_data["access"],
                "members": form.cleaned_data["members"],
                "credentials": form.credentials,
            }
            if channel.kind == Channel.Kind.WEBCHAT:
                fields["allowed_origins"] = form.allowed_origins
            try:
                services.channel_update(**fields)
            except ValidationError as exc:
                # The service may have touched the in-memory object before refusing.
                channel.refresh_from_db()
                form.add_service_error(exc)
            else:
                messages.success(request, _("Channel saved."))
                return redirect("conversations:channel_edit", channel.pk)
    elif request.method == "POST":
        messages.error(request, _("This channel was deleted."))
    context = {
        "channel": channel,
        "form": form,
        "kind": channel.kind,
        "kind_label": channel.get_kind_display(),
        "conversation_count": channel.conversations.count(),
        **_connection(request, channel),
    }
    return render(request, "conversations/channels/form.html", context)


@permission_required("core.settings", raise_exception=True)
@require_http_methods(["GET", "POST"])
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel_or_404(request, pk)
    if channel.is_deleted:
        messages.info(request, _("This channel was already deleted."))
        return redirect("conversations:channel_edit", channel.pk)
    if request.method == "POST":
        services.channel_delete(actor=request.user, channel=channel)
        messages.success(
            request,
            _("Channel “%(name)s” deleted. Its conversations stay readable.")
            % {"name": channel.name},
        )
        return redirect("conversations:channels")
    context = {"channel": channel, "conversation_count": channel.conversations.count()}
    return render(request, "conversations/channels/delete.html", context)


urlpatterns = [
    path("settings/channels/", channel_list, name="channels"),
    path("settings/channels/new/", channel_create, name="channel_create"),
    path("settings/channels/<int:pk>/", channel_edit, name="channel_edit"),
    path("settings/channels/<int:pk>/delete/", channel_delete, name="channel_delete"),
]
