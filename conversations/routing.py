"""WebSocket routes of the conversations app (collected by ``core.realtime``)."""

from django.urls import path

from .consumers import ConversationConsumer

websocket_urlpatterns = [path("ws/conversations/", ConversationConsumer.as_asgi())]
