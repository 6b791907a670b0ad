"""One replication of the study: a sample drawn under a condition, fitted by every estimator, scored."""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import AcsiError, ConvergenceWarning, InadmissibleSolutionWarning
from acsi.simulate.bundled import ACSI_PATHS
from acsi.spec.model import ModelSpec
from acsi.study.samples import draw_sample, study_spec, true_cbsem_paths, true_indices
from acsi.study.settings import StudySettings


def _estimator(name: str):  # noqa: ANN202
    from acsi.estimators.registry import REGISTRY

    return REGISTRY[name].load()()


def _fit_one(name: str, spec: ModelSpec, frame: pd.DataFrame, n_boot: int, seed: int, cover: bool) -> dict[str, Any]:
    """Fit one estimator; return its paths, indices, intervals and diagnostics."""
    out: dict[str, Any] = {
        "paths": {},
        "index": {},
        "intervals": {},
        "converged": True,
        "inadmissible": False,
        "error": False,
        "seconds": float("nan"),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if name == "equal":
                from acsi.baselines import equal_weight_index

                start = time.perf_counter()
                out["index"] = dict(equal_weight_index(spec, frame).index)
                out["seconds"] = time.perf_counter() - start
                return out
            estimator = _estimator(name)
            start = time.perf_counter()
            result = estimator.fit(spec, frame)
            out["seconds"] = time.perf_counter() - start
            payload = result.to_dict()
            out["converged"] = bool(result.converged)
            out["paths"] = payload["standardized"]["paths"] if name == "cbsem" else payload["paths"]
            out["index"] = payload.get("index", {})
            if name == "cbsem" and cover:
                truth = true_cbsem_paths(spec)
                for key, estimate in payload["paths"].items():
                    se = payload["std_errors"]["paths"][key]
                    out["intervals"][key] = (estimate - 1.959963984540054 * se, estimate + 1.959963984540054 * se, truth[key])
            elif name != "cbsem" and n_boot > 0:
                from acsi.inference import bootstrap

                boot = bootstrap(result, n_boot=n_boot, seed=seed, workers=1, engine="batched" if name == "pls" else "refit")
                for kind, key, (low, high) in zip(boot.kinds, boot.keys, boot.intervals):
                    if kind == "paths":
                        out["intervals"][key[0]] = (low, high, None)
        except (AcsiError, np.linalg.LinAlgError, ValueError, RuntimeError) as err:
            out["error"] = True
            out["message"] = f"{type(err).__name__}: {err}"
    for item in caught:
        if issubclass(item.category, InadmissibleSolutionWarning):
            out["inadmissible"] = True
        if issubclass(item.category, ConvergenceWarning):
            out["converged"] = False
    return out


def replicate(task: tuple[int, int, tuple[str, str, int, bool], StudySettings]) -> list[tuple]:
    """Replication ``r`` of condition ``c``: draw its sample, fit every estimator, one row per parameter (:data:`COLUMNS`)."""
    c, r, (dgp, distribution, n, misspecified), settings = task
    seed_sequence = np.random.SeedSequence(settings.seed, spawn_key=(c, r))
    frame = draw_sample(dgp, distribution, n, seed_sequence)
    spec = study_spec(misspecified)
    truth_index = true_indices(distribution)
    boot_seed = int(seed_sequence.generate_state(1)[0])
    rows = []
    cover_cbsem = dgp == "factor" and distribution == "normal"
    for name in settings.estimators:
        fitted = _fit_one(name, spec, frame, settings.n_boot, boot_seed, cover_cbsem)
        common = (
            dgp,
            distribution,
            n,
            misspecified,
            r,
            name,
            fitted["converged"],
            fitted["inadmissible"],
            fitted["error"],
            fitted["seconds"],
        )
        if name != "equal":
            for path in spec.paths:
                estimate = fitted["paths"].get(path.key, float("nan"))
                covered = float("nan")
                if path.key in fitted["intervals"]:
                    low, high, metric_truth = fitted["intervals"][path.key]
                    target = ACSI_PATHS[path.key] if metric_truth is None else metric_truth
                    covered = float(low <= target <= high)
                rows.append(common + ("path", path.key, estimate, ACSI_PATHS[path.key], covered))
        for construct in spec.construct_names:
            rows.append(
                common + ("index", construct, fitted["index"].get(construct, float("nan")), truth_index[construct], float("nan"))
            )
    return rows


COLUMNS = [
    "dgp",
    "distribution",
    "n",
    "misspecified",
    "replication",
    "estimator",
    "converged",
    "inadmissible",
    "error",
    "seconds",
    "kind",
    "parameter",
    "estimate",
    "truth",
    "covered",
]
