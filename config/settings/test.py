"""Settings for the test suite: the embedded default with fast hashing."""

import tempfile
from pathlib import Path

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
LANGUAGE_CODE = "en"

# Uploaded photos and downloaded recordings go to a throwaway folder, never to var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="oficina-test-media-"))
