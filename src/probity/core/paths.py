"""Where Probity keeps its own files on this machine (never inside the repository)."""

import os
from pathlib import Path


def probity_home() -> Path:
    """PROBITY_HOME, or ~/.probity: database, secret key, caches."""
    return Path(os.environ.get("PROBITY_HOME") or Path.home() / ".probity")


def cache_dir() -> Path:
    path = probity_home() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path
