"""The script a shop puts on its site (``embed.js``), and the check it makes when the site
is not among the channel's listed ones.

The script carries the listed sites, so on a listed site it adds the chat button at once. On
any other site it asks the server first (the list in a cached script may be a few minutes
old): the server answers from the channel as it is now and, when the site is still not
listed, notes it for the channel's settings page (``conversations.embedding``). Such a site
shows its visitors nothing — no button, no empty frame — and the page's console tells the
site's owner what to add where.
"""

import json
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ..embedding import channel_embed_refused
from ..models import origin_normalize
from .webchat_common import (
    absolute_url,
    client_ip,
    embedding_origins,
    live_channel,
    no_store,
    rate_ok,
)


@login_not_required
@require_GET
def webchat_embed(request: HttpRequest, public_key: str) -> HttpResponse:
    """``<script src=".../embed.js" async></script>``: adds a chat button to the page that
    opens the widget in an iframe."""
    channel = live_channel(public_key)
    if channel is None:
        response = HttpResponse(
            "/* This chat is not available. */\n",
            status=404,
            content_type="text/javascript; charset=utf-8",
        )
        return no_store(response)
    widget_url = absolute_url(request, reverse("conversations:webchat", args=[public_key]))
    config = {
        "key": public_key,
        "widgetUrl": widget_url,
        "origin": "{0.scheme}://{0.netloc}".format(urlsplit(widget_url)),
        "title": channel.name,
        "open": _("Chat with us"),
        "close": _("Close the chat"),
        "unread": _("New message"),
        # The sites listed when this script was made; any other asks checkUrl first.
        "allowedOrigins": embedding_origins(channel),
        "checkUrl": absolute_url(
            request, reverse("conversations:webchat_embed_check", args=[public_key])
        ),
        # For the site's owner, in the browser's console: {origin} is the page's own.
        "notListed": _(
            "Oficina chat: this site (%(origin)s) is not listed under “Websites allowed to "
            "show the chat” in the channel's settings, so the chat button is not shown here. "
            "Add %(origin)s there to show it."
        )
        % {"origin": "{origin}"},
    }
    body = render_to_string(
        "conversations/webchat/embed.js", {"config": json.dumps(config)}, request
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Short: a deleted channel's button disappears from the shop's site within minutes.
    patch_cache_control(response, public=True, max_age=300)
    patch_vary_headers(response, ["Accept-Language"])
    return response


@csrf_exempt  # no ambient authority: it states a site's origin (the browser's Origin header)
@login_not_required
@require_POST
def webchat_embed_check(request: HttpRequest, public_key: str) -> HttpResponse:
    """``{"allowed": bool}``: whether the page asking (its ``Origin``) may show the chat.
    A site that may not is noted for the channel's settings page (throttled). Any site may
    read the answer (CORS): it says only what the site's own frame policy would."""
    channel = live_channel(public_key)
    allowed = False
    if channel is not None:
        origin = request.headers.get("Origin") or ""
        try:
            origin = origin_normalize(origin)
        except ValidationError:
            origin = ""
        allowed = bool(origin) and origin in embedding_origins(channel)
        ok, _retry = rate_ok("read", client_ip(request))
        if origin and not allowed and ok:
            channel_embed_refused(channel=channel, origin=origin)
    response = no_store(JsonResponse({"allowed": allowed}, status=200 if channel else 404))
    response["Access-Control-Allow-Origin"] = "*"
    return response
