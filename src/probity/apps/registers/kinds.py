"""Kinds of declaration as data (data/declarations.yaml): the guidance matter each is decided
under, the register it goes to, and whether it is an offer, a request for permission or a
report. Plain Python; checked against the engine's vocabulary when first read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from probity.core.datafiles import read_yaml
from probity.core.errors import BadData
from probity.core.vocabulary import vocabulary

NATURES = ("offer", "permission", "report")


@dataclass(frozen=True)
class DeclarationKind:
    id: str
    title: str
    matter: str
    register: str
    nature: str  # offer | permission | report
    authority: str  # who receives it when the outcome names nobody
    declined_register: str = ""
    may_predate_joining: bool = False
    has_value: bool = False

    @property
    def is_offer(self) -> bool:
        return self.nature == "offer"


@cache
def declaration_kinds() -> dict[str, DeclarationKind]:
    """Every kind, by id, in the order of the data file."""
    words = vocabulary()
    kinds: dict[str, DeclarationKind] = {}
    for kind_id, spec in read_yaml("declarations.yaml")["kinds"].items():
        kind = DeclarationKind(id=kind_id, **spec)
        where = f"declarations.yaml: {kind_id}"
        if kind.matter not in words.matters:
            raise BadData(f"{where}: unknown matter {kind.matter!r}")
        for place in filter(None, (kind.register, kind.declined_register)):
            if place not in words.record_places:
                raise BadData(f"{where}: unknown register {place!r}")
        if kind.nature not in NATURES:
            raise BadData(f"{where}: nature must be one of {', '.join(NATURES)}")
        if kind.authority not in words.authorities:
            raise BadData(f"{where}: unknown authority {kind.authority!r}")
        kinds[kind_id] = kind
    return kinds


@dataclass(frozen=True)
class CodeWords:
    """What one code says about declarations in general."""

    declined_offers: str = ""  # where a declined offer is recorded
    manager: str = "line-manager"  # the code's word for the person's manager


@cache
def code_words() -> dict[str, CodeWords]:
    words = vocabulary()
    result = {}
    for code_id, spec in (read_yaml("declarations.yaml").get("codes") or {}).items():
        entry = CodeWords(**spec)
        where = f"declarations.yaml: codes: {code_id}"
        if entry.declined_offers and entry.declined_offers not in words.record_places:
            raise BadData(f"{where}: unknown register {entry.declined_offers!r}")
        if entry.manager not in words.authorities:
            raise BadData(f"{where}: unknown authority {entry.manager!r}")
        result[code_id] = entry
    return result


def declined_offer_register(kind: DeclarationKind, codes: list[str]) -> str:
    """Where a declined offer goes when the outcome names no place: the first of the person's
    codes to say, else the kind's own."""
    for code_id in codes:
        place = code_words().get(code_id, CodeWords()).declined_offers
        if place:
            return place
    return kind.declined_register or kind.register


def manager_authority(kind: DeclarationKind, codes: list[str]) -> str:
    """Who receives a declaration when the outcome names nobody: the kind's authority, in the
    word of the person's first code for a manager (OPCC "manager", MoJ "responsible
    manager")."""
    if kind.authority != "line-manager":
        return kind.authority
    for code_id in codes:
        if code_id in code_words():
            return code_words()[code_id].manager
    return kind.authority


def declaration_kind(kind_id: str) -> DeclarationKind:
    return declaration_kinds()[kind_id]


def kind_for_matter(matter: str) -> DeclarationKind | None:
    """The kind a situation's matter is declared as, or None if nobody declares it."""
    for kind in declaration_kinds().values():
        if kind.matter == matter:
            return kind
    return None


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.id, kind.title) for kind in declaration_kinds().values()]


def register_choices() -> list[tuple[str, str]]:
    return list(vocabulary().record_places.items())
