"""Reading the YAML files under data/, with the C loader where libyaml is present."""

from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

try:  # libyaml parses several times faster; it matters for the CLI's cold start.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@cache
def read_yaml(relative: str):
    with (DATA_DIR / relative).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)
