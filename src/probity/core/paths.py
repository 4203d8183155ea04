"""Where Probity keeps its own files on this machine (never inside the repository).

Plain os.path here: pathlib costs more to import than `probity advise` spends deciding.
"""

import os


def home_folder() -> str:
    """PROBITY_HOME, or ~/.probity: database, secret key, caches."""
    return os.environ.get("PROBITY_HOME") or os.path.join(os.path.expanduser("~"), ".probity")


def cache_folder(*parts: str) -> str:
    path = os.path.join(home_folder(), "cache", *parts)
    os.makedirs(path, exist_ok=True)
    return path


def probity_home():
    from pathlib import Path

    return Path(home_folder())


def cache_dir():
    from pathlib import Path

    return Path(cache_folder())
