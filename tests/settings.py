"""Test settings: the product's settings with a test Redis DB and a test database a subprocess can share.

SR_TEST_SLOT (0..5) lets several test runs share one machine: each slot has its own Redis DB number and its
own test database. TEST_REDIS_URL (set by scripts/test.py) overrides the Redis server.
"""

import os

SLOT = int(os.environ.get("SR_TEST_SLOT", "0"))
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15").rsplit("/", 1)[0] + (
    f"/{15 - SLOT}"
)
for _name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
    os.environ.pop(_name, None)
os.environ.setdefault("DEBUG", "true")

from supportreplay.settings import *  # noqa: E402,F403
from supportreplay.settings import DATABASES, VAR_DIR  # noqa: E402

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    _test_name = str(VAR_DIR / f"test-{SLOT}.sqlite3")
else:
    _test_name = f"test_supportreplay_{SLOT}"
DATABASES["default"]["TEST"] = {"NAME": _test_name}
if os.environ.get("SR_USE_TEST_DB"):
    # A daphne or Celery process started by a test works on the test database of that test run.
    DATABASES["default"]["NAME"] = _test_name

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SUPPORTREPLAY_ALLOWED_ORIGINS = ["http://testserver", "http://127.0.0.1", "http://localhost"]
# The demo shop "with its bug fixed", for the Playwright reproduction round trip (a daphne started with it).
SUPPORTREPLAY_DEMO_PAYMENTS_WORK = os.environ.get("SR_DEMO_PAYMENTS_WORK") == "1"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / f"celerybeat-test-{SLOT}")
# Webhook retries a test can wait for (production default: 30 s doubling).
SUPPORTREPLAY_WEBHOOK_BACKOFF_SECONDS = 0.2
# A daphne started by a test may read archives through a test storage (tests/support/gated_storage.py).
if os.environ.get("SR_TEST_STORAGE_BACKEND"):
    STORAGES = {**STORAGES, "default": {"BACKEND": os.environ["SR_TEST_STORAGE_BACKEND"]}}  # noqa: F405
