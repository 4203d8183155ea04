"""`probity concerns rotate-key` (or `probity manage concerns_rotate_key`): encrypt every
stored concern, message, note and evidence file under a new key.

With the keys file (PROBITY_HOME/concerns.keys): a new key is put first, everything is
re-encrypted under it, then the old keys are dropped from the file. With
PROBITY_CONCERNS_KEYS: put the new key first in the variable yourself, run this, then remove
the old keys from the variable.
"""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand

from probity.apps.concerns import crypto
from probity.apps.concerns.services import keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt concerns under a new key (see the module's docstring)."

    def handle(self, *args, **options) -> None:
        from_file = not crypto.keys_from_env()
        if from_file:
            crypto.write_keys([Fernet.generate_key(), *crypto.read_keys()])
        counts = keys_rotate()
        if from_file:
            crypto.write_keys(crypto.read_keys()[:1])
        done = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Re-encrypted under the first key: {done}.")
        if not from_file:
            self.stdout.write(f"Now remove the old keys from {crypto.KEYS_ENV}.")
