"""The agreement report for a paper: one self-contained HTML file (no script, no network, charts inline as SVG).

It is written from the agreement JSON (`AgreementReport.to_json(per_document=True)`), so it holds every figure the
JSON holds: each ratio shown to three decimals with its full precision in the cell's title. Every text that comes
from a project (names, labels, article ids) is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

from annotator import __version__
from annotator.formats.export import atomic_path, check_output

LAYERS = (("entities", "Entities"), ("events", "Event triggers"), ("event_arguments", "Event arguments"))
PRF_KEYS = ("precision", "recall", "f1")

STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:2em}h3{margin-top:1.5em}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
th{background:#f2f2f2}td.t,th.t{text-align:left}.ci{color:#555;font-size:.9em}
details{margin:.5em 0}summary{cursor:pointer;font-weight:600}dl{display:grid;grid-template-columns:max-content auto}
dt{font-weight:600;padding-right:1em}dd{margin:0}svg{display:block;margin:.5em 0}
"""

MATCHING = (
    "exact: same start, end and label; overlap: same label and at least one shared character, matched one-to-one "
    "(maximum matching); unlabelled: same start and end, label ignored. Precision and recall take the first "
    "annotator of a pair as the reference; F1 = 2TP/(|A|+|B|), pooled over articles. Event arguments are compared "
    "on triggers matched exactly. Stance and flags: Krippendorff's alpha (nominal) and observed agreement over "
    "articles with two or more ratings, Fleiss' kappa over articles rated by every annotator, Cohen's kappa per "
    "pair over articles both rated; an unset stance target is a missing rating."
)


def colour(value: float | None) -> str:
    """Red (0 or below) through yellow to green (1); grey when undefined."""
    if value is None:
        return "#dddddd"
    v = max(0.0, min(1.0, value))
    if v < 0.5:
        r, g, b = 215 + (254 - 215) * v * 2, 48 + (224 - 48) * v * 2, 39 + (139 - 39) * v * 2
    else:
        t = (v - 0.5) * 2
        r, g, b = 254 + (26 - 254) * t, 224 + (152 - 224) * t, 139 + (80 - 139) * t
    return f"#{int(r):02x}{int(g):02x}{int(b):02x}"


def fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, (bool, int)):
        return str(value)
    return f"{value:.3f}"


def cell(value, cls: str = "") -> str:
    """A table cell: three decimals shown, full precision in the title."""
    attr = f' class="{cls}"' if cls else ""
    if isinstance(value, float):
        return f'<td{attr} title="{value!r}">{fmt(value)}</td>'
    return f"<td{attr}>{escape(fmt(value))}</td>"


def ci_cell(interval: Sequence[float] | None) -> str:
    if interval is None:
        return '<td class="ci">–</td>'
    low, high = interval
    return f'<td class="ci" title="{low!r} {high!r}">[{fmt(low)}, {fmt(high)}]</td>'


def table(headers: Sequence[str], rows: Iterable[str], first_text: int = 1) -> str:
    head = "".join(
        f'<th class="t">{escape(h)}</th>' if i < first_text else f"<th>{escape(h)}</th>" for i, h in enumerate(headers)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def text_cell(text: str) -> str:
    return f'<td class="t">{escape(text)}</td>'


# -- charts (SVG) ----------------------------------------------------------------------------------------------
def _svg(width: int, height: int, body: str, title: str) -> str:
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def matrix_svg(names: Sequence[str], value: dict[tuple[str, str], float | None], title: str) -> str:
    """A symmetric pair matrix coloured by value; the diagonal is blank."""
    label_w = 10 + 7 * max((len(n) for n in names), default=1)
    size = 56
    parts = []
    for i, a in enumerate(names):
        y = 24 + i * size
        parts.append(f'<text x="{label_w - 6}" y="{y + size / 2 + 4}" text-anchor="end">{escape(a)}</text>')
        parts.append(f'<text x="{label_w + i * size + size / 2}" y="16" text-anchor="middle">{escape(a)}</text>')
        for j, b in enumerate(names):
            x = label_w + j * size
            if a == b:
                parts.append(f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="#ffffff" stroke="#ccc"/>')
                continue
            v = value.get((a, b), value.get((b, a)))
            parts.append(f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{colour(v)}" stroke="#fff"/>')
            parts.append(f'<text x="{x + size / 2}" y="{y + size / 2 + 4}" text-anchor="middle">{fmt(v)}</text>')
    return _svg(label_w + size * len(names) + 10, 30 + size * len(names), "".join(parts), title)


def bars_svg(bars: Sequence[tuple[str, float | None]], title: str) -> str:
    """Horizontal bars in [0, 1], one per label."""
    label_w = 10 + 7 * max((len(n) for n, _ in bars), default=1)
    width, row = 360, 20
    parts = []
    for i, (name, v) in enumerate(bars):
        y = 6 + i * row
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{escape(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row - 6}" fill="none" stroke="#bbb"/>')
        if v is not None:
            w = width * max(0.0, min(1.0, v))
            parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="#4363d8"/>')
        parts.append(f'<text x="{label_w + width + 6}" y="{y + 13}">{fmt(v)}</text>')
    return _svg(label_w + width + 60, 12 + row * len(bars), "".join(parts), title)


def heatmap_svg(rows: Sequence[dict], title: str) -> str:
    """Label confusion: first annotator's label (rows) by second annotator's label (columns), shaded by count."""
    a_labels = sorted({r["a_label"] for r in rows})
    b_labels = sorted({r["b_label"] for r in rows})
    counts = {(r["a_label"], r["b_label"]): r["count"] for r in rows}
    top = max(counts.values(), default=1)
    label_w = 10 + 7 * max((len(x) for x in a_labels), default=1)
    head_h = 10 + 7 * max((len(x) for x in b_labels), default=1)
    size = 34
    parts = []
    for j, b in enumerate(b_labels):
        x = label_w + j * size + size / 2
        parts.append(f'<text transform="translate({x + 4},{head_h - 4}) rotate(-90)">{escape(b)}</text>')
    for i, a in enumerate(a_labels):
        y = head_h + i * size
        parts.append(f'<text x="{label_w - 6}" y="{y + size / 2 + 4}" text-anchor="end">{escape(a)}</text>')
        for j, b in enumerate(b_labels):
            n = counts.get((a, b), 0)
            shade = int(255 - 200 * n / top) if n else 255
            fill = f"#{shade:02x}{shade:02x}ff" if n else "#ffffff"
            x = label_w + j * size
            parts.append(f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{fill}" stroke="#ccc"/>')
            if n:
                parts.append(f'<text x="{x + size / 2}" y="{y + size / 2 + 4}" text-anchor="middle">{n}</text>')
    return _svg(label_w + size * len(b_labels) + 10, head_h + size * len(a_labels) + 10, "".join(parts), title)


# -- the report ------------------------------------------------------------------------------------------------
def _prf_cells(d: dict, ci: dict | None) -> str:
    out = ""
    for key in PRF_KEYS:
        out += cell(d[key]) + (ci_cell(ci.get(key)) if ci is not None else "")
    return out


def _prf_headers(with_ci: bool) -> list[str]:
    out = []
    for name in ("P", "R", "F1"):
        out += [name, f"{name} 95% CI"] if with_ci else [name]
    return out


def _span_section(key: str, title: str, modes: dict, names: Sequence[str], with_ci: bool) -> str:
    parts = [f"<h2>{escape(title)}</h2>"]
    rows = []
    for mode, result in modes.items():
        for p in result["pairs"]:
            rows.append(
                f"<tr>{text_cell(mode)}{text_cell(p['a'] + ' / ' + p['b'])}{cell(p['documents'])}{cell(p['tp'])}"
                f"{cell(p['n_a'])}{cell(p['n_b'])}{_prf_cells(p, p.get('ci') if with_ci else None)}"
                f"{cell(p['macro_f1'])}</tr>"
            )
        rows.append(
            f'<tr>{text_cell(mode)}{text_cell("mean F1 over pairs")}<td colspan="99" title="'
            f'{result["mean_f1"]!r}">{fmt(result["mean_f1"])}</td></tr>'
        )
    headers = ["matching", "pair", "articles", "TP", "|A|", "|B|", *_prf_headers(with_ci), "macro F1"]
    parts.append(table(headers, rows, 2))
    exact = modes.get("exact", {"pairs": []})
    if exact["pairs"]:
        f1 = {(p["a"], p["b"]): p["f1"] for p in exact["pairs"]}
        parts.append(matrix_svg(names, f1, f"{title}: exact F1 per pair"))
    parts.append(f"<h3>{escape(title)}: per label</h3>")
    for mode, result in modes.items():
        label_rows = []
        per_label: dict[str, list[float]] = {}
        for p in result["pairs"]:
            for label, d in p["per_label"].items():
                label_rows.append(
                    f"<tr>{text_cell(label)}{text_cell(p['a'] + ' / ' + p['b'])}{cell(d['tp'])}{cell(d['n_a'])}"
                    f"{cell(d['n_b'])}{_prf_cells(d, None)}</tr>"
                )
                if d["f1"] is not None:
                    per_label.setdefault(label, []).append(d["f1"])
        if not label_rows:
            continue
        parts.append(f"<h4>{escape(mode)} matching</h4>")
        bars = [(label, sum(v) / len(v)) for label, v in sorted(per_label.items())]
        if bars:
            parts.append(bars_svg(bars, f"{title}: per-label F1, {mode} matching, mean over pairs"))
        parts.append(table(["label", "pair", "TP", "|A|", "|B|", "P", "R", "F1"], label_rows, 2))
    return "".join(parts)


def _categorical_section(title: str, results: dict, with_ci: bool) -> str:
    if not results:
        return ""
    rows, cohen_rows = [], []
    for name, r in results.items():
        ci = r.get("ci", {}) if with_ci else None
        rows.append(
            f"<tr>{text_cell(name)}{cell(r['units'])}{cell(r['observed_agreement'])}{cell(r['krippendorff_alpha'])}"
            + (ci_cell(ci.get("krippendorff_alpha")) if ci is not None else "")
            + f"{cell(r['fleiss_kappa'])}"
            + (ci_cell(ci.get("fleiss_kappa")) if ci is not None else "")
            + f"{cell(r['fleiss_units'])}</tr>"
        )
        units = {(u["a"], u["b"]): u["units"] for u in r["pair_units"]}
        for k in r["cohen_kappa"]:
            cohen_rows.append(
                f"<tr>{text_cell(name)}{text_cell(k['a'] + ' / ' + k['b'])}{cell(units.get((k['a'], k['b'])))}"
                f"{cell(k['kappa'])}" + (ci_cell(k.get("ci")) if with_ci else "") + "</tr>"
            )
    ci_h = ["95% CI"] if with_ci else []
    headers = ["label", "units", "observed", "Krippendorff's α", *ci_h, "Fleiss' κ", *ci_h, "Fleiss units"]
    return (
        f"<h2>{escape(title)}</h2>"
        + table(headers, rows)
        + f"<h3>{escape(title)}: Cohen's κ per pair</h3>"
        + table(["label", "pair", "articles", "Cohen's κ", *ci_h], cohen_rows, 2)
    )


def _confusion_section(confusion: dict) -> str:
    parts = [
        "<h2>Label confusion</h2><p>How often two annotators put different labels on the same boundaries "
        "(first annotator's label, second annotator's label), summed over pairs.</p>"
    ]
    for key, title in (("entities", "Entities"), ("events", "Event types")):
        rows = confusion.get(key, [])
        parts.append(f"<h3>{title}</h3>")
        if not rows:
            parts.append("<p>None.</p>")
            continue
        parts.append(heatmap_svg(rows, f"{title}: label confusion"))
        parts.append(
            table(
                ["first label", "second label", "times"],
                (f"<tr>{text_cell(r['a_label'])}{text_cell(r['b_label'])}{cell(r['count'])}</tr>" for r in rows),
                2,
            )
        )
    return "".join(parts)


def _per_article_section(data: dict) -> str:
    parts = ["<h2>Per article</h2>"]
    disagreements = data.get("disagreements", {})
    if disagreements:
        ranked = sorted(disagreements.items(), key=lambda x: -x[1])
        parts.append(
            "<p>Disagreements: units (overlapping spans, overlapping event triggers, a stance target) where "
            "the versions of the annotators who marked the article done differ.</p>"
        )
        parts.append(
            "<details open><summary>Articles by disagreement</summary>"
            + table(["article", "disagreements"], (f"<tr>{text_cell(d)}{cell(n)}</tr>" for d, n in ranked))
            + "</details>"
        )
    for key, title in LAYERS:
        rows = []
        modes = data[key]
        first: dict = next(iter(modes.values()), {"pairs": []})
        for i, p in enumerate(first["pairs"]):
            docs = list(p.get("per_document", {}))
            for d in docs:
                cells = ""
                for result in modes.values():
                    q = result["pairs"][i].get("per_document", {}).get(d)
                    cells += "".join(cell(q[k]) for k in ("tp", "n_a", "n_b", *PRF_KEYS)) if q else "<td></td>" * 6
                rows.append(f"<tr>{text_cell(d)}{text_cell(p['a'] + ' / ' + p['b'])}{cells}</tr>")
        if not rows:
            continue
        headers = ["article", "pair"]
        for mode in modes:
            headers += [f"{mode} {h}" for h in ("TP", "|A|", "|B|", "P", "R", "F1")]
        parts.append(f"<details><summary>{escape(title)} per article</summary>{table(headers, rows, 2)}</details>")
    return "".join(parts)


def report_html(data: dict, project_name: str) -> str:
    """The whole report from the agreement JSON (with per-document figures)."""
    names = data["annotators"]
    with_ci = "ci_settings" in data
    settings = [
        ("project", escape(project_name)),
        ("annotators", escape(", ".join(names)) or "none"),
        ("articles compared", f"{data['documents']} (marked done by at least two of the annotators)"),
        ("matching rules", escape(MATCHING)),
    ]
    if with_ci:
        s = data["ci_settings"]
        settings.append(
            (
                "intervals",
                f"{s['level'] * 100:.0f}% percentile bootstrap: the {s['articles']} articles resampled with "
                f"replacement {s['samples']} times (seed {s['seed']}), the same resamples for every figure",
            )
        )
    settings.append(("made by", f"annotator {escape(__version__)}"))
    body = ["<h1>Inter-annotator agreement</h1>", "<h2>Settings</h2><dl>"]
    body += [f"<dt>{k}</dt><dd>{v}</dd>" for k, v in settings]
    body.append("</dl>")
    if len(names) < 2:
        body.append("<p>Agreement needs at least two annotators.</p>")
    for key, title in LAYERS:
        body.append(_span_section(key, title, data[key], names, with_ci))
    body.append(_categorical_section("Stance", data["stance"], with_ci))
    body.append(_categorical_section("Flags", data["flags"], with_ci))
    body.append(_confusion_section(data["label_confusion"]))
    body.append(_per_article_section(data))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Agreement: {escape(project_name)}</title><style>{STYLE}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )


def write_report(path: str | Path, data: dict, project_path: str | Path) -> None:
    """Write the report atomically; never onto the project file itself (an older report is replaced)."""
    out = Path(path)
    check_output(out, project_path, force=True, folder=False)
    with atomic_path(out) as tmp:
        tmp.write_text(report_html(data, Path(project_path).name), encoding="utf-8")
