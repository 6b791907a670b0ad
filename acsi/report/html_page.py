"""The report page, section by section: :class:`Page` renders a :class:`~acsi.report.html_report.Report`, computing nothing."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from acsi.report.checklist import checklist
from acsi.report.html_parts import (
    _CSS,
    GROUP_SECTIONS,
    NOT_YET,
    SECTIONS,
    _bars,
    _e,
    _inline,
    _interval,
    _key,
    _lines,
    _num,
    _p,
    _scatter,
    _stars,
    _table,
    higher_order_table,
)

if TYPE_CHECKING:
    from acsi.report.html_report import Report


class Page:
    """Renders a :class:`Report` section by section (each method returns one ``<section>``)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.numbers = report.to_dict()
        self.fit = self.numbers["fit"]
        self.boot = self.numbers["bootstrap"]

    def render(self) -> str:
        r = self.report
        title = f"acsi report: {r.spec.name or Path(r.spec_source).stem}"
        sections = [
            self.settings(),
            self.data(),
            self.diagram(),
            self.outer_model(),
            self.structural_model(),
            self.effects(),
            self.indices(),
            self.assessment(),
            self.ipma(),
        ]
        if r.comparison is not None:
            sections += [self.ranking(), self.differences(), self.trend()]
        sections.append(self.not_yet())
        shown = [s for s in SECTIONS if r.comparison is not None or s not in GROUP_SECTIONS]
        nav = "".join(f'<a href="#{s}">{_e(s.replace("-", " "))}</a>' for s in shown)
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
            f"<style>{_CSS}</style></head><body><main>"
            f"<h1>{_e(title)}</h1><nav>{nav}</nav>" + "\n".join(sections) + "</main></body></html>\n"
        )

    # -- sections
    def settings(self) -> str:
        r = self.report
        from acsi.spec.lavaan import to_syntax

        facts = [
            ("spec", r.spec_source, None),
            ("spec SHA-256", r.spec_sha256 or "-", None),
            ("data", r.data_source, None),
            ("data SHA-256", r.data_sha256 or "-", None),
        ]
        facts += [(name, "-" if value is None else value, _key("settings", name)) for name, value in r.settings.items()]
        items = "".join(
            f'<div><span class="k">{_e(name)}</span> <span class="v"'
            + (f' data-key="{_e(key)}"' if key else "")
            + f">{_e(value)}</span></div>"
            for name, value, key in facts
        )
        try:
            syntax = to_syntax(r.spec)
        except Exception:  # noqa: BLE001 - a spec the lavaan writer cannot express is still reported
            syntax = "(this spec has no lavaan-style text)"
        messages = list(r.notes) + [f"warning: {w}" for w in self.fit["warnings"]]
        if self.boot is not None and self.boot["bootstrap"]["failed"]:
            b = self.boot["bootstrap"]
            reasons = ", ".join(f"{k} {v}" for k, v in b["failures"].items())
            messages.append(f"warning: {b['failed']} of {b['requested']} resamples failed ({reasons}); {b['used']} used.")
        notes = "".join(f"<li>{_e(n)}</li>" for n in messages)
        return (
            '<section id="settings"><h2>Run and settings</h2>'
            '<p class="note">Everything needed to reproduce this page: the same acsi version, spec, data file '
            "(check its SHA-256), seed and settings give the same numbers.</p>"
            + f'<div class="kv">{items}</div>'
            + f"<details><summary>Model (lavaan-style text)</summary><pre>{_e(syntax)}</pre></details>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</section>"
        )

    def data(self) -> str:
        r = self.report
        fit = self.fit
        missing = fit.get("missing") or {}
        values = np.asarray(r.data.values, dtype=float)
        by_indicator = missing.get("by_indicator") or {}
        rows = []
        fitted = r.result.first_stage or r.result  # of a two-stage fit, stage 1 measures every survey item
        owner = {name: fitted.constructs[b] for name, b in zip(fitted.indicators, fitted.block)}
        for j, indicator in enumerate(r.data.indicators):
            column = values[:, j]
            scale = r.data.scales.get(indicator)
            if scale is not None and np.allclose(column, np.round(column)) and scale.max - scale.min <= 20:
                levels = np.arange(math.ceil(scale.min), math.floor(scale.max) + 1)
                counts = [int((column == v).sum()) for v in levels]
                labels = [f"{v:g}" for v in levels]
            else:
                counts_a, edges = np.histogram(column, bins=10)
                counts, labels = counts_a.tolist(), [f"{e:.3g}" for e in edges[:-1]]
            construct = owner.get(indicator, "-")
            scale_text = f"{scale.min:g}-{scale.max:g}" if scale is not None else "-"
            miss = by_indicator.get(indicator)
            miss_cell = "-" if miss is None else _e(miss if not isinstance(miss, Mapping) else miss.get("missing", miss))
            rows.append(
                f"<td>{_e(construct)}</td><td>{_e(indicator)}</td><td>{scale_text}</td>"
                f'<td class="num">{column.mean():.2f}</td><td class="num">{column.std(ddof=1):.2f}</td>'
                f'<td class="num">{miss_cell}</td><td>{_bars(counts, labels)}</td>'
            )
        facts = [
            ("rows used (n)", fit["n_obs"], _key("fit", "n_obs")),
            ("rows dropped", fit["n_dropped"], _key("fit", "n_dropped")),
        ]
        summary = "".join(
            f'<tr><th>{_e(a)}</th><td class="num" data-key="{_e(k)}" data-value="{v}">{v}</td></tr>' for a, v, k in facts
        )
        treatment = _e(missing.get("treatment", self.report.settings.get("missing")))
        extra = "".join(
            f"<tr><th>{_e(k.replace('_', ' '))}</th><td>{_e(v)}</td></tr>"
            for k, v in missing.items()
            if k not in ("by_indicator", "treatment", "rows", "rows_dropped") and not isinstance(v, Mapping | list)
        )
        return (
            '<section id="data"><h2>Data</h2>'
            f"<table>{summary}<tr><th>missing values: treatment</th><td>{treatment}</td></tr>{extra}</table>"
            '<p class="note">Item distributions of the rows used (answers per scale point; mean and standard '
            "deviation with divisor n - 1; missing = cells missing in the file).</p>"
            + _table(("construct", "indicator", "scale", "mean", "sd", "missing", "distribution"), rows)
            + "</section>"
        )

    def diagram(self) -> str:
        from acsi.diagram import path_diagram

        r = self.report
        svg = path_diagram(
            r.result, r.bootstrap, title=f"{r.spec.name or Path(r.spec_source).stem}: {r.result.method}, n = {r.result.n_obs}"
        )
        return (
            '<section id="diagram"><h2>Path diagram</h2>'
            '<p class="note">Constructs (ellipses) with R² of the endogenous ones; indicators (rectangles) with '
            "loadings (Mode A, arrow to the indicator) or weights (Mode B, arrow to the construct); paths with "
            "their estimates"
            + (" and bootstrap intervals; * p &lt; 0.05, ** p &lt; 0.01, *** p &lt; 0.001." if self.boot else ".")
            + f'</p><div class="diagram">{_inline(svg)}</div></section>'
        )

    def _boot_cells(self, kind: str, construct_or_key: str, indicator: str | None = None, key_kind: str | None = None) -> str:
        """Standard error, p and interval cells of one statistic (empty without a bootstrap)."""
        if self.boot is None:
            return ""
        se_map, ci_map = self.boot["std_errors"][kind], self.boot["ci"][kind]
        p_kind = key_kind or kind
        if indicator is None:
            se, ci = se_map.get(construct_or_key), ci_map.get(construct_or_key)
            p = self.boot["p"].get(p_kind, {}).get(construct_or_key)
            base = (construct_or_key,)
        else:
            se, ci = se_map[construct_or_key][indicator], ci_map[construct_or_key][indicator]
            p = self.boot["p"].get(p_kind, {}).get(f"{construct_or_key} / {indicator}")
            base = (construct_or_key, indicator)
        return (
            _num(se, _key("bootstrap", "std_errors", kind, *base))
            + _p(p, _key("bootstrap", "p", p_kind, " / ".join(base)))
            + _interval(ci, _key("bootstrap", "ci", kind, *base))
        )

    def _boot_head(self) -> tuple[str, ...]:
        if self.boot is None:
            return ()
        b = self.boot["bootstrap"]
        return ("SE", "p", f"{100 * b['level']:g}% {b['ci_method']} interval")

    def outer_model(self) -> str:
        r = self.report
        rows = []
        for construct in r.spec.constructs:
            for indicator in construct.indicators:
                w = self.fit["weights"][construct.name][indicator]
                lam = self.fit["loadings"][construct.name][indicator]
                rows.append(
                    f"<td>{_e(construct.name)}</td><td>{_e(indicator)}</td><td>{construct.mode.weighting}</td>"
                    + _num(w, _key("fit", "weights", construct.name, indicator))
                    + (self._boot_cells("weights", construct.name, indicator) if self.boot else "")
                    + _num(lam, _key("fit", "loadings", construct.name, indicator))
                    + (self._boot_cells("loadings", construct.name, indicator) if self.boot else "")
                )
        head = ("construct", "indicator", "mode", "weight", *self._boot_head(), "loading", *self._boot_head())
        note = '<p class="note">Mode A blocks are read by their loadings, Mode B blocks by their weights.'
        if r.result.method == "cbsem":
            note += " CB-SEM loadings are unstandardised (marker identification); weights are factor-score weights."
        return '<section id="outer-model"><h2>Outer model</h2>' + note + "</p>" + _table(head, rows) + "</section>"

    def structural_model(self) -> str:
        rows = []
        for key, value in self.fit["paths"].items():
            p = self.boot["p"].get("paths", {}).get(key) if self.boot else None
            rows.append(
                f"<td>{_e(key)}</td>"
                + _num(value, _key("fit", "paths", key))
                + (self._boot_cells("paths", key) if self.boot else "")
                + f'<td class="sig">{_stars(p)}</td>'
            )
        r2_rows = []
        for name, value in self.fit["r_squared"].items():
            r2_rows.append(
                f"<td>{_e(name)}</td>"
                + _num(value, _key("fit", "r_squared", name))
                + _num(self.fit["adjusted_r_squared"][name], _key("fit", "adjusted_r_squared", name))
                + (
                    _interval(self.boot["ci"]["r_squared"].get(name), _key("bootstrap", "ci", "r_squared", name))
                    if self.boot
                    else ""
                )
            )
        r2_head = ("construct", "R²", "adjusted R²") + (("interval",) if self.boot else ())
        return (
            '<section id="structural-model"><h2>Structural model</h2>'
            + _table(("path", "estimate", *self._boot_head(), ""), rows)
            + "<h3>Explained variance</h3>"
            + _table(r2_head, r2_rows)
            + "</section>"
        )

    def effects(self) -> str:
        rows = []
        for key, parts in self.fit["effects"].items():
            cells = "".join(_num(parts[part], _key("fit", "effects", key, part)) for part in ("direct", "indirect", "total"))
            if self.boot:
                ci = self.boot["ci"]["effects"].get(key, {})
                cells += _interval(ci.get("indirect"), _key("bootstrap", "ci", "effects", key, "indirect"))
                cells += _interval(ci.get("total"), _key("bootstrap", "ci", "effects", key, "total"))
            rows.append(f"<td>{_e(key)}</td>{cells}")
        head = ("effect", "direct", "indirect", "total") + (("indirect interval", "total interval") if self.boot else ())
        return '<section id="effects"><h2>Effects</h2>' + _table(head, rows) + "</section>"

    def indices(self) -> str:
        index = self.fit.get("index")
        if not index:
            return '<section id="indices"><h2>Indices (0-100)</h2><p>No index: the indicators have no scale.</p></section>'
        rows = []
        for name, value in index.items():
            cells = _num(value, _key("fit", "index", name), 1)
            if self.boot:
                cells += _num(self.boot["std_errors"]["index"].get(name), _key("bootstrap", "std_errors", "index", name), 2)
                cells += _interval(self.boot["ci"]["index"].get(name), _key("bootstrap", "ci", "index", name), 1)
            rows.append(f"<td>{_e(name)}</td>{cells}")
        head = ("construct", "index") + (("SE", "interval") if self.boot else ())
        weights = self.report.result.index.table
        weight_rows = [
            f"<td>{_e(row.construct)}</td><td>{_e(row.indicator)}</td>"
            f'<td class="num">{row.weight:.3f}</td><td class="num">{row.mean:.2f}</td>'
            f'<td class="num">{row.scale_min:g}-{row.scale_max:g}</td>'
            for row in weights.itertuples(index=False)
        ]
        return (
            '<section id="indices"><h2>Indices (0-100)</h2>'
            f'<p class="note">index = 100 Σ w̃ (mean - min)/(max - min), {self.fit.get("index_weights")} weights '
            "(Fornell et al. 1996).</p>"
            + _table(head, rows)
            + "<details><summary>Index weights and indicator means</summary>"
            + _table(("construct", "indicator", "weight", "mean", "scale"), weight_rows)
            + "</details></section>"
        )

    def assessment(self) -> str:
        a = self.numbers["assessment"]
        if a is None:
            return '<section id="assessment"><h2>Assessment</h2><p>Not computed.</p></section>'
        rows = [
            f"<td>{_e(c.criterion)}</td><td>{_e(c.subject)}</td>"
            + _num(c.value, c.key)
            + f'<td>{_e(c.rule)}</td><td class="{c.css}">{_e(c.status)}</td><td class="note">{_e(c.source)}</td>'
            for c in checklist(self.report.assessment)
        ]
        flags = "".join(f"<li>{_e(f)}</li>" for f in a["flags"]) or "<li>none: every measure within its usual threshold</li>"
        descriptive = (
            f"GoF = {a['gof']:.3f} ({a['thresholds']['gof']}). " if a.get("gof") is not None else ""
        ) + f"R²: {a['thresholds']['r_squared']}. f²: {a['thresholds']['f_squared']}."
        f2_rows = [f"<td>{_e(k)}</td>" + _num(v, _key("assessment", "f_squared", k)) for k, v in a["f_squared"].items()]
        return (
            '<section id="assessment"><h2>Assessment</h2>'
            '<p class="note">Each usual threshold, met or not, with its source (acsi.thresholds.TABLE).</p>'
            + _table(("criterion", "construct / item", "value", "threshold", "", "source"), rows)
            + f"<h3>Flags</h3><ul>{flags}</ul>"
            + higher_order_table(a.get("higher_order"))
            + "<h3>Effect sizes f²</h3>"
            + _table(("path", "f²"), f2_rows)
            + f'<p class="note">{_e(descriptive)}</p></section>'
        )

    def ipma(self) -> str:
        m = self.numbers["ipma"]
        if m is None:
            return '<section id="ipma"><h2>Importance-performance map</h2><p>No IPMA: no 0-100 indices.</p></section>'
        rows = []
        for name, row in m["constructs"].items():
            rows.append(
                f"<td>{_e(name)}</td>"
                + _num(row["importance"], _key("ipma", "constructs", name, "importance"))
                + _num(row["performance"], _key("ipma", "constructs", name, "performance"), 1)
                + f"<td>{_e(row['quadrant'])}</td><td>{'mediator' if row['mediator'] else ''}</td>"
            )
        points = [(name, row["importance"], row["performance"]) for name, row in m["constructs"].items()]
        chart = _scatter(
            points,
            m["importance_cut"],
            m["performance_cut"],
            f"importance (total effect on {m['target']})",
            "performance (0-100)",
        )
        lever = f" (a mediator: act on {m['lever']})" if m["act_first_is_mediator"] else ""
        return (
            '<section id="ipma"><h2>Importance-performance map</h2>'
            f"<p>Target <b>{_e(m['target'])}</b>: act first on <b>{_e(m['act_first'])}</b>{_e(lever)}.</p>"
            f'<p class="note">{_e(m["rule"])}</p>'
            + chart
            + _table(("construct", "importance", "performance", "quadrant", ""), rows)
            + "</section>"
        )

    def ranking(self) -> str:
        c = self.numbers["comparison"]
        rows = []
        for group in c["ranking"] + [g for g in c["groups"] if g not in c["ranking"]]:
            entry = c["groups"][group]
            construct = c["construct"]
            rows.append(
                f"<td>{_e('-' if entry.get('rank') is None else int(entry['rank']))}</td><td>{_e(group)}</td>"
                f'<td class="num">{entry["n_obs"]}</td>'
                + _num(entry["index"].get(construct), _key("comparison", "groups", group, "index", construct), 1)
                + _interval(entry["ci"].get(construct), _key("comparison", "groups", group, "ci", construct), 1)
                + f"<td>{_e(entry.get('rank_ci') if c['n_boot'] else '-')}</td><td>{_e(entry.get('flag', ''))}</td>"
            )
        overall = c["overall"]["index"].get(c["construct"])
        return (
            f'<section id="ranking"><h2>Ranking by {_e(c["construct"])} ({_e(c["group_column"])})</h2>'
            f'<p class="note">{c["method"]}, {c["mode"]} model per group, {c["n_boot"]} bootstrap resamples per group, '
            f"{100 * c['level']:g}% percentile intervals; overall index {overall:.1f}. above/below: the interval "
            "excludes the overall index.</p>"
            + _table(("rank", "group", "n", "index", "interval", "rank interval", "flag"), rows)
            + "</section>"
        )

    def differences(self) -> str:
        c = self.numbers["comparison"]
        settings = c["differences_settings"]
        shown = [d for d in c["differences"] if d["quantity"] == "index" and d["parameter"] == c["construct"]]
        significant = [d for d in shown if d["significant"]]
        rows = []
        for j, d in enumerate(c["differences"]):
            if d not in significant:
                continue
            rows.append(
                f"<td>{_e(d['group_a'])} - {_e(d['group_b'])}</td>"
                + _num(d["estimate"], _key("comparison", "differences", j, "estimate"), 2)
                + _interval(d.get("ci"), _key("comparison", "differences", j, "ci"), 2)
                + _p(d["p_adjusted"], _key("comparison", "differences", j, "p_adjusted"))
            )
        notes = "".join(f"<li>{_e(n)}</li>" for n in c["notes"])
        body = (
            _table(("pair", "difference", "interval", "adjusted p"), rows)
            if rows
            else f"<p>No significant difference among {len(shown)} tested pairs.</p>"
        )
        return (
            f'<section id="differences"><h2>Significant differences in {_e(c["construct"])}</h2>'
            f'<p class="note">{len(significant)} of {len(shown)} pairs significant ({_e(settings["test"])} test, '
            f"{_e(settings['adjust'])} adjustment, {_e(settings['pairs'])}).</p>"
            + body
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</section>"
        )

    def trend(self) -> str:
        c = self.numbers["comparison"]
        periods_rows = c.get("periods")
        if not periods_rows:
            return '<section id="trend"><h2>Trend over periods</h2><p>No period column: add --period COLUMN.</p></section>'
        periods = sorted({str(row["period"]) for row in periods_rows})
        series: dict[str, list[tuple[str, float | None]]] = {}
        rows = []
        for j, row in enumerate(periods_rows):
            series.setdefault(str(row["group"]), []).append((str(row["period"]), row["value"]))
            rows.append(
                f'<td>{_e(row["group"])}</td><td>{_e(row["period"])}</td><td class="num">{row["n"]}</td>'
                + _num(row["value"], _key("comparison", "periods", j, "value"), 1)
                + _num(row.get("prev_change"), _key("comparison", "periods", j, "prev_change"), 1)
                + _num(row.get("yoy_change"), _key("comparison", "periods", j, "yoy_change"), 1)
            )
        for name in series:
            series[name].sort()
        return (
            f'<section id="trend"><h2>{_e(c["construct"])} over periods</h2>'
            + _lines(series, periods, f"{c['construct']} (0-100)")
            + "<details><summary>Per group and period</summary>"
            + _table(("group", "period", "n", "index", "change vs previous", "change vs a year earlier"), rows)
            + "</details></section>"
        )

    def not_yet(self) -> str:
        items = "".join(f"<li>{_e(item)}</li>" for item in NOT_YET)
        return (
            '<section id="not-yet"><h2>What SmartPLS\'s report has that this one lacks</h2>'
            f"<ul>{items}</ul>"
            '<p class="note">Made by acsi (open source). No script and no external resource: this file opens offline.</p>'
            "</section>"
        )
