"""Reading the YAML files under data/.

Parsing YAML (and importing PyYAML) costs more than the rest of `probity advise` together, so
each file's parsed form is cached as JSON under PROBITY_HOME, keyed by the file's size and
modification time; an edited file is parsed again.
"""

import json
import os
from functools import cache

from probity.core.paths import cache_folder

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")


@cache
def data_names(folder: str) -> list[str]:
    """The names of the YAML files in a data folder, without their extension."""
    names = os.listdir(os.path.join(DATA_DIR, folder))
    return sorted(name[:-5] for name in names if name.endswith(".yaml"))


@cache
def read_yaml(relative: str):
    source = os.path.join(DATA_DIR, relative)
    stat = os.stat(source)
    key = [stat.st_size, stat.st_mtime_ns]
    cached = _cache_file(relative)
    try:
        with open(cached, "rb") as handle:
            stored = json.load(handle)
        if stored["key"] == key:
            return stored["data"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # a missing or damaged cache only costs a parse
    data = _parse(source)
    _store(cached, {"key": key, "data": data})
    return data


def _parse(source: str):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is several times faster
    with open(source, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def _cache_file(relative: str) -> str:
    try:
        return os.path.join(cache_folder("data"), relative.replace("/", "__") + ".json")
    except OSError:  # no writable home: run without a cache
        return ""


def _store(path: str, payload: dict) -> None:
    if not path:
        return
    partial = f"{path}.{os.getpid()}.tmp"
    try:
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(payload, handle)
        os.replace(partial, path)  # atomic, so a concurrent reader never sees half a file
    except OSError:
        pass
