"""A report a research team can publish: one self-contained HTML file (``acsi report``).

:func:`build_report` runs the library calls (:func:`acsi.data.prepare`, the estimator's ``fit``,
:func:`acsi.bootstrap`, :func:`acsi.assess`, :func:`acsi.compare.ipma.ipma` and, with a
group column, :func:`acsi.compare.branches.compare_branches`) and keeps their results in a
:class:`Report`; :meth:`Report.to_html` renders them, computing nothing: every number printed is a
value of :meth:`Report.to_dict` (the results' own ``to_dict()``), rounded for display, and carries
that value and its key in ``data-value`` / ``data-key`` attributes so a test (or a reader's script)
can check it. The page has inline CSS and inline SVG only (no script, no external URL: it opens
offline and can be mailed); :meth:`Report.write` also prints it to PDF through headless Chromium.

Sections: header (acsi version, spec and data file with SHA-256, seed, every setting), data
(rows, missing values and their treatment, item distributions as small bar charts), path diagram
(:mod:`acsi.diagram`), outer model, structural model with intervals, effects, 0-100
indices with intervals, assessment (each threshold met or not, with its source), IPMA, and with a
group column the ranking, the significant differences and the trend over periods; a closing note
lists what SmartPLS's report has that this one lacks.
"""

from __future__ import annotations

import hashlib
import math
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import ParameterError
from acsi.report.html_page import Page
from acsi.report.html_parts import GROUP_SECTIONS, NOT_YET, SECTIONS
from acsi.report.pdf import find_chromium, print_pdf
from acsi.spec.model import ModelSpec

__all__ = ["GROUP_SECTIONS", "NOT_YET", "SECTIONS", "Report", "build_report", "find_chromium"]


@dataclass(frozen=True)
class Report:
    """The results behind one report, and their rendering.

    Attributes
    ----------
    spec : ModelSpec
    spec_source, data_source : str
        Where the spec and the data came from (file names, or a description).
    spec_sha256, data_sha256 : str or None
        SHA-256 of the files (None for objects passed in memory).
    settings : dict
        Every setting of the run (method and estimator settings, data treatment, bootstrap, groups).
    data : IndicatorData
    result : FitResult
    bootstrap, assessment, ipma, comparison : results or None
    notes : tuple of str
        Why a section is missing or limited.
    """

    spec: ModelSpec
    spec_source: str
    data_source: str
    spec_sha256: str | None
    data_sha256: str | None
    settings: dict[str, Any]
    data: Any
    result: Any
    bootstrap: Any = None
    assessment: Any = None
    ipma: Any = None
    comparison: Any = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The numbers the page shows, as the results' ``to_dict()`` give them: ``settings``, ``fit``,
        ``bootstrap`` (plus ``p`` {kind: {key: value}} from the bootstrap table), ``assessment``, ``ipma``,
        ``comparison`` (each None when not computed)."""
        out: dict[str, Any] = {"settings": dict(self.settings), "fit": self.result.to_dict()}
        out["bootstrap"] = None
        if self.bootstrap is not None:
            out["bootstrap"] = self.bootstrap.to_dict()
            out["bootstrap"]["p"] = _p_values(self.bootstrap)
        out["assessment"] = self.assessment.to_dict() if self.assessment is not None else None
        out["ipma"] = self.ipma.to_dict() if self.ipma is not None else None
        out["comparison"] = self.comparison.to_dict() if self.comparison is not None else None
        return out

    def to_html(self) -> str:
        """The self-contained page (inline CSS and SVG; no script, no external URL)."""
        return Page(self).render()

    def write(self, path: str | Path, *, format: str = "html") -> Path:  # noqa: A002 - the CLI's --format
        """Write the page as ``format`` ``"html"``, or ``"pdf"`` printed by headless Chromium."""
        target = Path(path)
        page = self.to_html()
        if format == "html":
            target.write_text(page, encoding="utf-8")
        elif format == "pdf":
            print_pdf(page, target)
        else:
            raise ParameterError(f"--format must be html or pdf; got {format!r}.")
        return target


def _p_values(boot: Any) -> dict[str, dict[str, float | None]]:
    """``{kind: {key: p}}`` from the bootstrap table (None where there is no test)."""
    out: dict[str, dict[str, float | None]] = {}
    for row in boot.table.itertuples(index=False):
        p = float(row.p)
        out.setdefault(row.kind, {})[row.key] = p if math.isfinite(p) else None
    return out


# ---------------------------------------------------------------------- building
def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_report(
    spec: ModelSpec | str | Path,
    data: str | Path | pd.DataFrame,
    *,
    method: str = "pls",
    n_boot: int = 0,
    seed: int | None = None,
    ci: str = "percentile",
    level: float = 0.95,
    sign_change: str = "none",
    group: str | None = None,
    period: str | None = None,
    target: str | None = None,
    mapping: Any = None,
    scale: tuple[float, float] | None = None,
    missing: str = "error",
    strict: bool = True,
    sheet: str | int | None = None,
    group_boot: int | None = None,
    workers: int | None = None,
    higher_order: str | None = None,
    **estimator_options: Any,
) -> Report:
    """Fit, bootstrap, assess, map and (with ``group``) compare, and keep everything for the report.

    Parameters
    ----------
    spec : ModelSpec or a spec file
    data : survey file (CSV/TSV, Excel, SPSS, Parquet) or DataFrame
    method : {"pls", "plsc", "cbsem", "gsca"}
    n_boot, seed, ci, level, sign_change
        Bootstrap of the fit (:func:`acsi.bootstrap`; none when ``n_boot`` is 0).
    group, period : column names, optional
        Adds the ranking, the differences and the trend (:func:`acsi.compare.branches.compare_branches`).
    target : str, optional
        IPMA target (default: the satisfaction construct, as ``acsi compare`` picks it).
    mapping, scale, missing, strict, sheet
        Passed to :func:`acsi.data.prepare` / :func:`acsi.ingest.survey.read_survey`.
    group_boot : int, optional
        Resamples per group of the comparison (default ``n_boot``, at most 200, 0 without a bootstrap).
    workers : int, optional
        Threads of the bootstrap.
    higher_order : {"repeated-indicators", "two-stage-embedded", "two-stage-disjoint"}, optional
        The approach for a spec with higher-order constructs (:func:`acsi.api.fit_higher_order_spec`);
        the report then shows the fitted first-order model (stage 2 of a two-stage approach) and the
        assessment adds the higher-order constructs' measures. Not with ``group``.
    **estimator_options
        ``scheme``, ``raw``, ``index_weights``, ``tol``, ``max_iter``, ``objective``, ``std_lv``,
        ``ordinal`` (:func:`acsi.api.make_estimator`).
    """
    from acsi.api import make_estimator
    from acsi.assessment import assess
    from acsi.compare.branches import compare_branches
    from acsi.data import prepare

    spec, spec_source, spec_sha = _read_spec(spec)
    survey, data_source, data_sha = _read_data(data, sheet)
    treatment = {"scale": scale, "missing": missing, "strict": strict, "mapping": mapping}
    resampling = {"n_boot": n_boot, "seed": seed, "ci": ci, "level": level, "sign_change": sign_change}
    estimator = make_estimator(method, **estimator_options)
    prepared = prepare(spec, survey, **treatment)
    result = _fit(estimator, spec, prepared, method, higher_order, group)
    notes: list[str] = []

    result, boot = _bootstrap(method, result, estimator, spec, survey, treatment, resampling, workers)
    if boot is None:
        notes.append("No bootstrap: add --bootstrap N (1,000 or more) for standard errors, p values and intervals.")

    assessment = assess(result, data=prepared)
    target, ipma_result = _ipma(result, spec, target)
    if ipma_result is None:
        notes.append("No 0-100 indices and no IPMA: the indicators have no scale (give it in the spec or with --scale).")

    comparison = None
    if group is not None:
        per_group = min(n_boot, 200) if group_boot is None else group_boot
        comparison = compare_branches(
            spec,
            survey,
            group,
            period=period,
            target=target,
            seed=seed,
            estimator=estimator,
            n_boot=per_group,
            level=level,
            **treatment,
        )
    where = {"sheet": sheet, "ipma_target": target, "group": group, "period": period}
    settings = _settings(result, boot, comparison, treatment, resampling, where)
    return Report(
        spec=result.spec,  # the fitted model: with higher-order constructs the first-order model of the approach
        spec_source=spec_source,
        data_source=data_source,
        spec_sha256=spec_sha,
        data_sha256=data_sha,
        settings=settings,
        data=prepared,
        result=result,
        bootstrap=boot,
        assessment=assessment,
        ipma=ipma_result,
        comparison=comparison,
        notes=tuple(notes),
    )


def _fit(estimator: Any, spec: ModelSpec, prepared: Any, method: str, higher_order: str | None, group: str | None) -> Any:
    """The fit of the prepared data; a spec with higher-order constructs through its approach (not with ``group``)."""
    if not spec.higher_order and higher_order is None:
        return estimator.fit(spec, prepared)
    if group is not None:
        raise NotImplementedError(
            "The group comparison of the report (--group) does not take higher-order constructs yet; report the "
            "groups one by one, without --group."
        )
    from acsi.api import fit_higher_order_spec

    return fit_higher_order_spec(estimator, spec, prepared, method, higher_order)


def _read_spec(spec: ModelSpec | str | Path) -> tuple[ModelSpec, str, str | None]:
    """The spec, where it came from and the SHA-256 of its file (None for an object in memory)."""
    from acsi.spec.load import load_spec

    if isinstance(spec, ModelSpec):
        return spec, "ModelSpec object", None
    digest = sha256_of(spec)
    return load_spec(Path(spec)), str(spec), digest


def _read_data(data: str | Path | pd.DataFrame, sheet: str | int | None) -> tuple[Any, str, str | None]:
    """The survey, where it came from and the SHA-256 of its file (None for a DataFrame in memory)."""
    from acsi.ingest.survey import Survey, read_survey

    if isinstance(data, pd.DataFrame):
        return Survey(frame=data), "DataFrame object", None
    return read_survey(data, sheet=sheet), str(data), sha256_of(data)


def _ipma(result: Any, spec: ModelSpec, target: str | None) -> tuple[str | None, Any]:
    """``(target, ipma)``: the IPMA of ``target`` (default: :func:`acsi.compare.branches.default_construct`), or
    ``(target, None)`` when the fit has no 0-100 indices."""
    from acsi.compare.branches import default_construct
    from acsi.compare.ipma import ipma

    index_constructs = tuple(result.index.constructs) if result.index is not None else ()
    if not index_constructs:
        return target, None
    target = target or default_construct(index_constructs, spec.endogenous)
    return target, ipma(result, target)


def _bootstrap(
    method: str,
    result: Any,
    estimator: Any,
    spec: ModelSpec,
    survey: Any,
    treatment: dict[str, Any],
    resampling: dict[str, Any],
    workers: int | None,
) -> tuple[Any, Any]:
    """``(result, bootstrap)``: the bootstrap of ``result`` (None without resamples). PLS on data without treated
    missing values resamples the fit's moments; otherwise the estimator refits the same resamples, treating missing
    values again in each, and the result becomes the bootstrap's refit of the full sample (the same numbers)."""
    from acsi.inference import TREATED_MISSING, bootstrap

    if not resampling["n_boot"]:
        return result, None
    if (method == "pls" or spec.higher_order) and treatment["missing"] not in TREATED_MISSING:
        return result, bootstrap(result, **resampling, workers=workers)
    if spec.higher_order and result.source_spec is None:
        raise ParameterError(
            f"missing={treatment['missing']!r} is repeated in every resample from the survey, which a "
            f"{result.settings['higher_order']['approach']} fit cannot do; use a two-stage approach or missing='listwise'."
        )
    boot = bootstrap(result.estimator, spec, survey, **resampling, workers=workers, **treatment)
    return boot.fit, boot


def _settings(
    result: Any,
    boot: Any,
    comparison: Any,
    treatment: dict[str, Any],
    resampling: dict[str, Any],
    where: dict[str, Any],
) -> dict[str, Any]:
    """Every setting of the run, in the order the page's header shows them."""
    from acsi import __version__

    scale, mapping, n_boot = treatment["scale"], treatment["mapping"], resampling["n_boot"]
    return {
        "acsi_version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "method": result.method,
        **{f"estimator.{k}": v for k, v in sorted(result.settings.items()) if k != "higher_order"},
        **({"higher_order": result.settings["higher_order"]["approach"]} if "higher_order" in result.settings else {}),
        "scale": list(scale) if scale is not None else None,
        "missing": treatment["missing"],
        "strict": treatment["strict"],
        "mapping": str(mapping) if mapping is not None else None,
        "sheet": where["sheet"],
        "bootstrap": n_boot,
        "seed": boot.seed if boot is not None else resampling["seed"],
        "ci": resampling["ci"] if n_boot else None,
        "level": resampling["level"],
        "sign_change": resampling["sign_change"] if n_boot else None,
        "bootstrap_engine": boot.engine if boot is not None else None,
        "ipma_target": where["ipma_target"],
        "group": where["group"],
        "period": where["period"],
        "group_bootstrap": (comparison.to_dict()["n_boot"] if comparison is not None else None),
    }
