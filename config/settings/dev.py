"""The embedded default: what `make run` uses. SQLite under var/, demo data allowed.

Debug stays off, as a shop runs it: the product's own error pages, never Django's debug pages
(which list every URL and setting). Developers turn it on with DEBUG=1.
"""

import warnings

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", False)
OFICINA_DEMO_ALLOWED = True
# Static files straight from the apps and packages, no collectstatic manifest needed: WhiteNoise
# serves them through the finders with debug on or off (with debug off it indexes them once at
# start-up; with debug on it looks again on every request, so edited files show at once).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# The files come from the finders: STATIC_ROOT (collectstatic's folder, for production) need
# not exist, and WhiteNoise's warning that it does not would greet every `make run`.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
