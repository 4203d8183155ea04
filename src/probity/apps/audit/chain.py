"""The hash chain, in plain Python: how an entry's content becomes canonical JSON and a hash.

hash = SHA-256(canonical JSON of {sequence, recorded_at, actor_id, actor_username, action,
object_type, object_id, details, previous_hash}), where canonical JSON has sorted keys, no
spaces, UTF-8, and the time in UTC to the microsecond. The first entry's previous hash is
GENESIS_HASH. Changing any recorded field, or any earlier entry, changes every later link.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import re
import uuid
from typing import Any

GENESIS_HASH = "0" * 64
REDACTED = "[redacted]"

# Keys whose values are secrets wherever they appear in details: the value is replaced.
_SECRET_KEY = re.compile(
    r"^(?:.*_)?(?:password\d?|passphrase|secret(?:_key)?|token|otp(?:_code)?|totp|"
    r"api_key|private_key|session_key|csrf_?token|recovery_codes?|backup_codes?)$",
    re.IGNORECASE,
)


def clean_details(value: Any) -> Any:
    """Details as JSON that reads back exactly as written, with secrets redacted.

    Decimals and floats become strings (a database's JSON may rewrite a float, which would
    change the hash); dates and times become ISO 8601; UUIDs become strings; tuples and sets
    become lists. Anything else that is not JSON (a model instance, say) is refused.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"audit details keys must be text, not {type(key).__name__}")
            cleaned[key] = REDACTED if _SECRET_KEY.match(key) else clean_details(item)
        return cleaned
    if isinstance(value, list | tuple):
        return [clean_details(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((clean_details(item) for item in value), key=canonical_json)
    raise TypeError(
        f"audit details must be JSON (text, numbers, lists, dicts), not {type(value).__name__}; "
        "record an id instead of an object"
    )


def canonical_time(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_content(
    *,
    sequence: int,
    recorded_at: datetime.datetime,
    actor_id: Any,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    details: Any,
    previous_hash: str,
) -> dict[str, Any]:
    return {
        "sequence": sequence,
        "recorded_at": canonical_time(recorded_at),
        "actor_id": None if actor_id is None else str(actor_id),
        "actor_username": actor_username,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
        "previous_hash": previous_hash,
    }


def entry_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()
