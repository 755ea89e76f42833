"""Telegram Bot API: the HTTP client (``api``), reading updates (``updates``), acting on them
(``inbound``), checking received files (``media``) and the background tasks that fetch files
and greet new chats (``tasks``). The connector itself is ``conversations.connectors.telegram``;
the webhook is ``conversations.views.telegram``.
"""
