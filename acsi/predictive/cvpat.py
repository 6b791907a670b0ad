"""CVPAT: the cross-validated predictive ability test of two PLS (or PLSc) models and of a model against its benchmarks.

Every model is evaluated by the same k-fold cross-validation (PLSpredict,
:func:`acsi.assessment.pls_predictions`: the held-out respondents' endogenous indicators predicted
from their exogenous indicators through the training fit), repeated ``repeats`` times with the
same fold assignments for every model. The loss of respondent i is the mean, over the common
target indicators (the endogenous indicators of both models), of the squared prediction error,
averaged over the repetitions:

    L_i = (1 / R) sum_r (1 / T) sum_t (x_it - xhat_it^(r))^2.

For a model M against a competitor C, ``D_i = L_i(C) - L_i(M)`` (positive: M predicts better) and

    t = mean(D) / (sd(D) / sqrt(n)),   df = n - 1,

with the two-sided p-value (equal predictive ability) and the one-sided p-value for "M predicts
better" (Liengaard, Sharma, Hult, Jensen, Sarstedt, Hair & Ringle 2021). The competitors are the
second model (when given) and the two benchmarks of Shmueli et al. (2019): the indicator average
(IA: each target predicted by its training mean) and the linear model (LM: each target regressed
on all exogenous indicators of M). With ``method="plsc"`` both models are estimated by consistent
PLS and predict through the disattenuated paths and loadings
(:func:`acsi.assessment.prediction.indicator_predictions`, cSEM's approach); the folds and the
benchmarks are those of the PLS run with the same seed.

References: Liengaard, B. D., Sharma, P. N., Hult, G. T. M., Jensen, M. B., Sarstedt, M., Hair,
J. F. & Ringle, C. M. (2021), Prediction: coveted, yet forsaken? Introducing a cross-validated
predictive ability test in partial least squares path modeling, *Decision Sciences* 52(2),
362-392; Shmueli, G., Sarstedt, M., Hair, J. F., Cheah, J.-H., Ting, H., Vaithilingam, S. &
Ringle, C. M. (2019), Predictive model assessment in PLS-SEM: guidelines for using PLSpredict,
*European Journal of Marketing* 53(11), 2322-2347.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

import numpy as np

from acsi.assessment.prediction import PREDICTING_METHODS
from acsi.errors import DataError, ParameterError, SpecError
from acsi.strict_json import strict
from acsi.validate import check_int, check_level

if TYPE_CHECKING:
    import pandas as pd

    from acsi.data import IndicatorData
    from acsi.spec.model import ModelSpec

__all__ = ["CVPATResult", "cvpat", "paired_loss_test"]


def paired_loss_test(model_loss: np.ndarray, other_loss: np.ndarray, level: float = 0.95) -> dict[str, float]:
    """The CVPAT t-test of ``D = other_loss - model_loss`` (see the module notes); NaN statistics when D is constant."""
    from scipy.stats import t as t_dist

    d = np.asarray(other_loss, dtype=float) - np.asarray(model_loss, dtype=float)
    n = d.size
    mean = float(d.mean())
    se = float(d.std(ddof=1) / math.sqrt(n))
    df = n - 1
    if se == 0.0:
        statistic = p_two = p_one = float("nan")
    else:
        statistic = mean / se
        p_two = float(2 * t_dist.sf(abs(statistic), df))
        p_one = float(t_dist.sf(statistic, df))
    q = float(t_dist.ppf(0.5 + level / 2, df))
    return {
        "model_loss": float(np.mean(model_loss)),
        "other_loss": float(np.mean(other_loss)),
        "difference": mean,
        "se": se,
        "ci_lower": mean - q * se,
        "ci_upper": mean + q * se,
        "t": statistic,
        "df": df,
        "p_two_sided": p_two,
        "p_model_better": p_one,
    }


@dataclass(frozen=True, repr=False)
class CVPATResult:
    """Tests of a model's out-of-sample loss against its competitors.

    ``tests`` maps a competitor name (``"IA"``, ``"LM"``, and the second model's name) to the
    output of :func:`paired_loss_test`; ``losses`` holds the per-respondent losses (n,) of every model.
    """

    model: str
    targets: tuple[str, ...]
    tests: dict[str, dict[str, float]]
    losses: dict[str, np.ndarray]
    settings: dict[str, Any]
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per competitor: model_loss, other_loss, difference, se, ci, t, df, p-values."""
        import pandas as pd

        return pd.DataFrame.from_dict(self.tests, orient="index").rename_axis("competitor")

    @strict
    def to_dict(self) -> dict[str, Any]:
        """Strict JSON: model, targets, settings, tests {competitor: {...}}, notes."""
        return {
            "model": self.model,
            "targets": list(self.targets),
            "settings": dict(self.settings),
            "tests": {name: dict(values) for name, values in self.tests.items()},
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        s = self.settings
        lines = [
            f"CVPAT for {self.model} ({s['method']}): {s['folds']}-fold cross-validation x {s['repeats']} repetitions, seed {s['seed']}, "
            f"{len(self.targets)} target indicators; difference = competitor's loss - {self.model}'s (> 0: {self.model} predicts better)",
            self.to_frame().to_string(float_format=lambda v: f"{v:.4g}"),
        ]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CVPATResult(model={self.model!r}, competitors={list(self.tests)}, targets={len(self.targets)})"

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"


def cvpat(
    spec: ModelSpec | str | FilePath,
    data: pd.DataFrame | IndicatorData,
    against: ModelSpec | str | FilePath | None = None,
    *,
    folds: int = 10,
    repeats: int = 10,
    seed: int | None = None,
    level: float = 0.95,
    names: tuple[str, str] = ("model", "alternative"),
    scheme: str = "path",
    missing: str = "error",
    method: str = "pls",
) -> CVPATResult:
    """CVPAT of the model ``spec`` against the IA and LM benchmarks and, when given, the model ``against``.

    Parameters
    ----------
    spec, against : ModelSpec, or anything :func:`acsi.load_spec` reads
        The model tested and its competitor; both are fitted by ``method`` to the same respondents.
    data : pandas.DataFrame or IndicatorData
    folds, repeats : int
        k of the k-fold cross-validation (default 10) and its repetitions (default 10).
    seed : int, optional
        Seeds the fold assignments (repetition r uses ``SeedSequence([seed, r])``, the same for
        every model); None draws one, recorded in ``settings``.
    level : float
        Of the interval of the mean loss difference.
    names : (str, str)
        Labels of ``spec`` and ``against`` in the output.
    method : {"pls", "plsc"}
        The estimator of both models: PLS, or consistent PLS (predictions through the
        consistent paths and loadings, :func:`acsi.assessment.prediction.indicator_predictions`).

    Raises
    ------
    ParameterError
        A ``method`` other than "pls" or "plsc".
    SpecError
        The two models share no endogenous indicator to predict.
    DataError
        The models keep different respondents (their missing values differ).
    """
    from acsi.api import fit as fit_model
    from acsi.assessment import pls_predictions
    from acsi.spec.load import load_spec
    from acsi.spec.model import ModelSpec

    check_int("folds", folds, 2)
    check_int("repeats", repeats, 1)
    check_level("level", level)
    if method not in PREDICTING_METHODS:
        raise ParameterError(f"method must be one of {', '.join(PREDICTING_METHODS)} for CVPAT; got {method!r}.")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    check_int("seed", seed, 0)
    specs = [s if isinstance(s, ModelSpec) or s is None else load_spec(s) for s in (spec, against)]
    fits = [fit_model(s, data, method=method, scheme=scheme, missing=missing) for s in specs if s is not None]  # type: ignore[arg-type]
    if len(fits) == 2 and not fits[0].row_labels.equals(fits[1].row_labels):
        raise DataError(
            f"CVPAT compares the models on the same respondents, but {names[0]} keeps {fits[0].n_obs} and {names[1]} "
            f"{fits[1].n_obs} (their missing values differ); treat the missing values first."
        )
    targets_of = [
        [r.indicators[i] for i in np.flatnonzero(np.isin(r.block, [r.constructs.index(c) for c in r.spec.endogenous]))]
        for r in fits
    ]
    common = [t for t in targets_of[0] if all(t in other for other in targets_of[1:])]
    if not common:
        raise SpecError(f"{names[0]} and {names[1]} share no endogenous indicator: CVPAT has nothing to predict in common.")
    notes = []
    if any(len(t) != len(common) for t in targets_of):
        notes.append(f"Losses over the {len(common)} endogenous indicators the models share: {', '.join(common)}.")
    n = fits[0].n_obs
    losses = {key: np.zeros(n) for key in (names[0], "IA", "LM", *([names[1]] if len(fits) == 2 else []))}
    for r in range(repeats):
        sequence = np.random.SeedSequence([seed, r])
        for m, result in enumerate(fits):
            predicted = pls_predictions(result, folds=folds, seed=sequence)
            columns = [targets_of[m].index(t) for t in common]
            actual = predicted.actual[:, columns]
            losses[names[m]] += np.mean((actual - predicted.pls[:, columns]) ** 2, axis=1) / repeats
            if m == 0:
                losses["IA"] += np.mean((actual - predicted.naive[:, columns]) ** 2, axis=1) / repeats
                losses["LM"] += np.mean((actual - predicted.lm[:, columns]) ** 2, axis=1) / repeats
    competitors = [c for c in losses if c != names[0]]
    tests = {c: paired_loss_test(losses[names[0]], losses[c], level) for c in competitors}
    return CVPATResult(
        model=names[0],
        targets=tuple(common),
        tests=tests,
        losses=losses,
        settings={"folds": folds, "repeats": repeats, "seed": seed, "level": level, "scheme": scheme, "method": method},
        notes=tuple(notes),
    )
