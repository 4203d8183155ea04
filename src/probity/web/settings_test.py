"""Settings for the test suite: a throwaway PROBITY_HOME, so tests never touch real data."""

import os
import tempfile

os.environ.setdefault("PROBITY_HOME", tempfile.mkdtemp(prefix="probity-test-"))
os.environ["PROBITY_TESTING"] = "1"

from probity.web.settings import *  # noqa: F403

# Hashing passwords slowly protects real accounts, not test fixtures.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run as they are queued (after the transaction commits), so a test sees their result.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
