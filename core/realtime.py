"""WebSocket routes, collected from every installed app's ``routing`` module.

An app that pushes events to browsers defines ``websocket_urlpatterns`` in its own
``routing.py``; the ASGI router picks it up here, so ``config`` knows no app's internals.
"""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def websocket_urlpatterns() -> list:
    patterns: list = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "routing"):
            module = import_module(f"{app_config.name}.routing")
            patterns.extend(getattr(module, "websocket_urlpatterns", []))
    return patterns
