"""Settings for the test suite: production settings with test-only tweaks."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("HASH_KEY", "tests-only-hash-key-0123456789")
# Two keys, so every test also runs with a key that only decrypts (rotation).
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    "dGVzdHMtb25seS1maWVsZC1rZXktbnVtYmVyLW9uZSE=,dGVzdHMtb25seS1maWVsZC1rZXktbnVtYmVyLXR3byE=",
)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SITE_URL", "http://testserver")

from config.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "127.0.0.2"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Serve static files straight from the source folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Public pages are not served from the page cache unless a test turns it on
# (tests/campaigns/test_pages.py): most tests change figures and read the page straight back.
PUBLIC_PAGE_SECONDS = 0
