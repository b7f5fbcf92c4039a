"""The label scheme: entity labels, event types with roles and trigger lemmas, stance targets and values.

A scheme is created from a TOML file (format documented in the README) and stored inside the project as JSON,
so a project file is self-contained.
"""

from __future__ import annotations

import itertools
import json
import re
import tomllib
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path

from annotator.core.errors import InputFileError, SchemeError
from annotator.core.keymap import RESERVED_KEYS  # keys the window uses for commands
from annotator.core.validation import check_name

# Distinct colours (Trubetskoy's list), assigned in order to labels without one.
PALETTE = (
    "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6",
    "#bcf60c", "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8", "#800000", "#aaffc3",
    "#808000", "#ffd8b1", "#000075", "#808080",
)  # fmt: skip
AUTO_KEYS = "123456789" + "0" + "QWTYIOPFGHJKLZCVBM"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_STANCE_VALUES = ("favor", "against", "neutral", "not mentioned")


@dataclass(frozen=True)
class EntityLabel:
    label: str
    key: str = ""
    color: str = ""
    description: str = ""


@dataclass(frozen=True)
class EventType:
    type: str
    roles: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    key: str = ""
    color: str = ""
    description: str = ""


@dataclass(frozen=True)
class Scheme:
    name: str
    language: str = "en"
    guidelines: str = ""
    entities: tuple[EntityLabel, ...] = ()
    events: tuple[EventType, ...] = ()
    stance_targets: tuple[str, ...] = ()
    stance_values: tuple[str, ...] = DEFAULT_STANCE_VALUES
    extra: dict = field(default_factory=dict, compare=False)

    # -- look-ups -------------------------------------------------------------------------------
    @property
    def entity_labels(self) -> list[str]:
        return [e.label for e in self.entities]

    @property
    def event_types(self) -> list[str]:
        return [e.type for e in self.events]

    def entity(self, label: str) -> EntityLabel | None:
        return next((e for e in self.entities if e.label == label), None)

    def event(self, type_: str) -> EventType | None:
        return next((e for e in self.events if e.type == type_), None)

    def color(self, label: str) -> str:
        item = self.entity(label) or self.event(label)
        return item.color if item else "#808080"

    def label_for_key(self, key: str) -> str | None:
        key = key.upper()
        return next((e.label for e in self.entities if e.key.upper() == key), None)

    # -- validation of annotations ---------------------------------------------------------------
    def check_label(self, label: str) -> None:
        if self.entity(label) is None:
            raise SchemeError(f"label {label!r} is not in the scheme (labels: {', '.join(self.entity_labels)})")

    def check_event(self, type_: str, roles: list[str] | tuple[str, ...] = ()) -> None:
        event = self.event(type_)
        if event is None:
            raise SchemeError(f"event type {type_!r} is not in the scheme (types: {', '.join(self.event_types)})")
        for role in roles:
            if role not in event.roles:
                raise SchemeError(
                    f"role {role!r} is not a role of event type {type_!r} (roles: {', '.join(event.roles)})"
                )

    def check_stance(self, target: str, value: str | None = None) -> None:
        if target not in self.stance_targets:
            raise SchemeError(
                f"stance target {target!r} is not in the scheme (targets: {', '.join(self.stance_targets)})"
            )
        if value is not None and value not in self.stance_values:
            raise SchemeError(f"stance value {value!r} is not in the scheme (values: {', '.join(self.stance_values)})")

    # -- (de)serialisation -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        data = {
            **self.extra,
            "name": self.name,
            "language": self.language,
            "guidelines": self.guidelines,
            "entities": [asdict(e) for e in self.entities],
            "events": [{**asdict(e), "roles": list(e.roles), "triggers": list(e.triggers)} for e in self.events],
            "stance": {"targets": list(self.stance_targets), "values": list(self.stance_values)},
        }
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Scheme:
        # a stored scheme is read as it is (an older version may have allowed a name refused today): names are
        # checked where they enter a project, never where they are read back
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise SchemeError(f"project: the stored scheme is not valid JSON ({exc})") from None
        return scheme_from_dict(data, source="project", strict=False)

    # -- edits (the window's scheme editor uses these; they return a new scheme) ------------------
    def with_entity(self, label: str, key: str = "", color: str = "") -> Scheme:
        check_name(label, "entity label", label=True)
        if self.entity(label):
            raise SchemeError(f"label {label!r} is already in the scheme")
        return _finish(replace(self, entities=(*self.entities, EntityLabel(label, key, color))), "scheme")

    def with_event(self, type_: str, roles: tuple[str, ...] = ()) -> Scheme:
        if self.event(type_):
            raise SchemeError(f"event type {type_!r} is already in the scheme")
        return _finish(replace(self, events=(*self.events, EventType(type_, tuple(roles)))), "scheme")

    def with_role(self, type_: str, role: str) -> Scheme:
        events = tuple(replace(e, roles=(*e.roles, role)) if e.type == type_ else e for e in self.events)
        return _finish(replace(self, events=events), "scheme")


def _table_list(data: dict, key: str, source: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise SchemeError(f"{source}: {key} must be a list of tables")
    return value


def _str_list(value: object, what: str, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SchemeError(f"{source}: {what} must be a list of non-empty strings")
    # whole numbers are accepted as names (values = [1, 2, 3] for a rating scale) and stored as strings
    value = [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise SchemeError(f"{source}: {what} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def scheme_from_dict(data: dict, source: str = "scheme", strict: bool = True) -> Scheme:
    """Build and validate a scheme from parsed TOML/JSON; fills in missing keys and colours. `strict`: every name
    passes `validation.check_name` (new projects, scheme files, edits); a project's stored scheme is read as is."""
    if not isinstance(data, dict):
        raise SchemeError(f"{source}: the scheme must be a table")
    name = data.get("name") or "untitled"
    language = data.get("language") or "en"
    if not isinstance(name, str) or not isinstance(language, str):
        raise SchemeError(f"{source}: name and language must be strings")
    guidelines = data.get("guidelines") or ""
    entities = []
    for i, item in enumerate(_table_list(data, "entities", source)):
        if not isinstance(item, dict) or not isinstance(item.get("label"), str) or not item["label"].strip():
            raise SchemeError(f"{source}: entities[{i}] needs a non-empty 'label'")
        entities.append(
            EntityLabel(
                label=item["label"].strip(),
                key=str(item.get("key") or "").strip(),
                color=str(item.get("color") or "").strip(),
                description=str(item.get("description") or ""),
            )
        )
    events = []
    for i, item in enumerate(_table_list(data, "events", source)):
        if not isinstance(item, dict) or not isinstance(item.get("type"), str) or not item["type"].strip():
            raise SchemeError(f"{source}: events[{i}] needs a non-empty 'type'")
        events.append(
            EventType(
                type=item["type"].strip(),
                roles=_str_list(item.get("roles"), f"events[{i}].roles", source),
                triggers=_str_list(item.get("triggers"), f"events[{i}].triggers", source),
                key=str(item.get("key") or "").strip(),
                color=str(item.get("color") or "").strip(),
                description=str(item.get("description") or ""),
            )
        )
    stance = data.get("stance") or {}
    if not isinstance(stance, dict):
        raise SchemeError(f"{source}: [stance] must be a table with 'targets' and 'values'")
    targets = _str_list(stance.get("targets"), "stance.targets", source)
    values = _str_list(stance.get("values"), "stance.values", source) or DEFAULT_STANCE_VALUES
    known = {"name", "language", "guidelines", "entities", "events", "stance"}
    extra = {k: v for k, v in data.items() if k not in known}
    scheme = Scheme(
        name=name,
        language=language,
        guidelines=str(guidelines),
        entities=tuple(entities),
        events=tuple(events),
        stance_targets=targets,
        stance_values=values,
        extra=extra,
    )
    if strict:
        check_scheme_names(scheme, source)
    return _finish(scheme, source)


def check_scheme_names(scheme: Scheme, source: str = "scheme") -> None:
    """Every name of the scheme, checked the one way names are checked (`validation.check_name`)."""
    try:
        for e in scheme.entities:
            check_name(e.label, "entity label", label=True)
        for ev in scheme.events:
            check_name(ev.type, "event type", label=True)
            for role in ev.roles:
                check_name(role, f"role of {ev.type}", label=True)
        for target in scheme.stance_targets:
            check_name(target, "stance target")
        for value in scheme.stance_values:
            check_name(value, "stance value")
    except SchemeError as exc:
        raise SchemeError(f"{source}: {exc}") from None


def _duplicates(items: list[str]) -> list[str]:
    return sorted(x for x, n in Counter(items).items() if n > 1)


def _finish(scheme: Scheme, source: str) -> Scheme:
    """Check uniqueness and fill in keys and colours that were left out."""
    for what, items in (
        ("entity label", scheme.entity_labels),
        ("event type", scheme.event_types),
        ("stance target", list(scheme.stance_targets)),
        ("stance value", list(scheme.stance_values)),
    ):
        dups = _duplicates(items)
        if dups:
            raise SchemeError(f"{source}: duplicate {what} {', '.join(map(repr, dups))}")
    for ev in scheme.events:
        dups = _duplicates(list(ev.roles))
        if dups:
            raise SchemeError(f"{source}: event type {ev.type!r} lists role {dups[0]!r} twice")
    coloured: tuple[EntityLabel | EventType, ...] = (*scheme.entities, *scheme.events)
    for item in coloured:
        if item.color and not _COLOR.match(item.color):
            raise SchemeError(f"{source}: colour {item.color!r} is not of the form #rrggbb")
        if len(item.key) > 1:
            raise SchemeError(f"{source}: key {item.key!r} must be a single character")
    entity_keys = [e.key.upper() for e in scheme.entities if e.key]
    dups = _duplicates(entity_keys)
    if dups:
        raise SchemeError(f"{source}: key {dups[0]!r} is given to more than one entity label")

    free_keys = iter(k for k in AUTO_KEYS if k not in entity_keys and k not in RESERVED_KEYS)
    used_colors = {e.color.lower() for e in coloured if e.color}
    # unused colours first, then the palette again as often as needed (250 labels must not run out)
    free_colors = itertools.chain([c for c in PALETTE if c not in used_colors], itertools.cycle(PALETTE))
    entities = tuple(
        replace(e, key=e.key.upper() if e.key else next(free_keys, ""), color=e.color or next(free_colors))
        for e in scheme.entities
    )
    # Event types are chosen after pressing E, so their keys are a separate set: 1-9 in order.
    event_keys = iter(k for k in AUTO_KEYS if k not in {e.key.upper() for e in scheme.events if e.key})
    events = tuple(
        replace(e, key=e.key.upper() if e.key else next(event_keys, ""), color=e.color or next(free_colors))
        for e in scheme.events
    )
    return replace(scheme, entities=entities, events=events)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # a JSON string is a TOML basic string, except that TOML wants DEL escaped too
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {_toml_value(v)}" for k, v in value.items())
            + "}"
        )
    raise SchemeError(f"cannot write {value!r} in a scheme file")


def scheme_to_toml(scheme: Scheme) -> str:
    """The scheme as a TOML file that `load_scheme` (and `annotator new --scheme`) reads back unchanged."""
    lines = [
        "# Label scheme exported by `annotator scheme --export`; `annotator new P --scheme FILE` reads it.",
        f"name = {_toml_value(scheme.name)}",
        f"language = {_toml_value(scheme.language)}",
        f"guidelines = {_toml_value(scheme.guidelines)}",
    ]
    lines += [f"{json.dumps(str(k), ensure_ascii=False)} = {_toml_value(v)}" for k, v in scheme.extra.items()]
    for e in scheme.entities:
        lines += ["", "[[entities]]"] + [f"{k} = {_toml_value(v)}" for k, v in asdict(e).items()]
    for ev in scheme.events:
        lines += ["", "[[events]]"] + [f"{k} = {_toml_value(v)}" for k, v in asdict(ev).items()]
    lines += [
        "",
        "[stance]",
        f"targets = {_toml_value(scheme.stance_targets)}",
        f"values = {_toml_value(scheme.stance_values)}",
    ]
    return "\n".join(lines) + "\n"


def load_scheme(path: str | Path) -> Scheme:
    """Read a scheme TOML file; errors name the file (and line for TOML syntax errors)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(path, "scheme file does not exist") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read scheme file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise InputFileError(path, "scheme file is not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no lineno attribute: read it from "(at line N, column M)".
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        raise InputFileError(path, f"not valid TOML ({message})", line) from None
    try:
        return scheme_from_dict(data, source=str(path))
    except SchemeError as exc:
        raise InputFileError(None, str(exc)) from None


def default_scheme_text() -> str:
    return resources.files("annotator.data").joinpath("default_scheme.toml").read_text(encoding="utf-8")


def default_scheme() -> Scheme:
    return scheme_from_dict(tomllib.loads(default_scheme_text()), source="default scheme")
