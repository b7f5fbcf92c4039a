"""Editing the label scheme from the window: add labels, event types, roles, stance targets and values; rename a
label everywhere it is used; delete a label only after saying what happens to its spans.

Plain functions over the Project (no Qt), each one transaction; the window asks for names and confirmations.
"""

from __future__ import annotations

from annotator.core.errors import SchemeError
from annotator.core.project import Project
from annotator.core.scheme import Scheme, scheme_from_dict


def _apply(project: Project, data: dict) -> Scheme:
    """Validate the edited scheme (uniqueness, keys, colours) before storing it."""
    return project.set_scheme(scheme_from_dict(data, source="scheme"))


def _name(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise SchemeError(f"the new {what} needs a name")
    return value


def add_entity(project: Project, label: str, key: str = "") -> Scheme:
    data = project.scheme.to_dict()
    data["entities"].append({"label": _name(label, "label"), "key": key.strip(), "color": ""})
    return _apply(project, data)


def add_event_type(project: Project, type_: str, roles: list[str]) -> Scheme:
    data = project.scheme.to_dict()
    roles = [r.strip() for r in roles if r.strip()]
    data["events"].append({"type": _name(type_, "event type"), "roles": roles, "triggers": [], "key": "", "color": ""})
    return _apply(project, data)


def add_role(project: Project, type_: str, role: str) -> Scheme:
    data = project.scheme.to_dict()
    event = next((e for e in data["events"] if e["type"] == type_), None)
    if event is None:
        raise SchemeError(f"event type {type_!r} is not in the scheme")
    event["roles"].append(_name(role, "role"))
    return _apply(project, data)


def add_stance_target(project: Project, target: str) -> Scheme:
    data = project.scheme.to_dict()
    data["stance"]["targets"].append(_name(target, "stance target"))
    return _apply(project, data)


def add_stance_value(project: Project, value: str) -> Scheme:
    data = project.scheme.to_dict()
    data["stance"]["values"].append(_name(value, "stance value"))
    return _apply(project, data)


def label_usage(project: Project, label: str) -> dict[str, int]:
    """Confirmed spans with this label, per annotator."""
    return project.label_usage(label)


def rename_label(project: Project, old: str, new: str) -> Scheme:
    """Rename an entity label in the scheme and in every layer, suggestion and rejection, in one transaction."""
    new = _name(new, "label")
    data = project.scheme.to_dict()
    entity = next((e for e in data["entities"] if e["label"] == old), None)
    if entity is None:
        raise SchemeError(f"label {old!r} is not in the scheme")
    if project.scheme.entity(new):
        raise SchemeError(f"label {new!r} is already in the scheme; choose another name")
    entity["label"] = new
    return project.rename_label(old, new, scheme_from_dict(data, source="scheme"))


def delete_label(project: Project, label: str, *, delete_spans: bool = False) -> int:
    """Remove a label from the scheme. If spans use it, refuse unless `delete_spans` (returns how many went)."""
    used = sum(label_usage(project, label).values())
    if used and not delete_spans:
        raise SchemeError(f"label {label!r} is used by {used} span(s); delete them too, or rename the label instead")
    data = project.scheme.to_dict()
    before = len(data["entities"])
    data["entities"] = [e for e in data["entities"] if e["label"] != label]
    if len(data["entities"]) == before:
        raise SchemeError(f"label {label!r} is not in the scheme")
    project.delete_label(label, scheme_from_dict(data, source="scheme"))
    return used
