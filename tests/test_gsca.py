"""GSCA: recovery of composite populations, the ALS properties Hwang & Takane state, FIT/AFIT."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.core import gsca as kernel
from acsi.estimators.gsca import GSCA
from acsi.resources import bundled
from acsi.simulate import ACSI_PATHS, CompositePopulationModel
from acsi.spec.model import Mode
from acsi.structure import model_structure

from ._tolerances import EXACT, POPULATION


@pytest.fixture(scope="module")
def acsi_spec() -> acsi.ModelSpec:
    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    return acsi.ModelSpec(constructs=spec.constructs, paths=spec.paths)  # continuous draws: no 1-10 scales


def test_gsca_recovers_paths_and_weights_of_an_equal_weight_composite_population(acsi_spec: acsi.ModelSpec) -> None:
    population = CompositePopulationModel(acsi_spec, paths=ACSI_PATHS, within=0.5)
    frame = population.draw(1000, seed=4, exact=True)
    result = GSCA().fit(acsi_spec, frame)
    for key, want in ACSI_PATHS.items():
        np.testing.assert_allclose(result.path_coefficients[key], want, **POPULATION)
    np.testing.assert_allclose(result.outer_weights, population.weight_vector(), **POPULATION)


def test_gsca_is_close_to_unequal_population_weights(acsi_spec: acsi.ModelSpec) -> None:
    population = CompositePopulationModel(
        acsi_spec, paths=ACSI_PATHS, within=0.5, composite_weights={"exp_overall": 2.0, "qual_overall": 0.5}
    )
    frame = population.draw(1000, seed=4, exact=True)
    result = GSCA().fit(acsi_spec, frame)
    deviation = np.abs(result.path_coefficients.to_numpy() - np.array(list(ACSI_PATHS.values())))
    # GSCA's least-squares criterion also fits the loadings, so it is close to, not on, the
    # population weights when these are unequal; PLS Mode B recovers them exactly.
    assert deviation.max() < 0.02
    mode_b = acsi.ModelSpec(
        constructs=tuple(
            dataclasses.replace(c, mode=Mode.COMPOSITE) if len(c.indicators) > 1 else c for c in acsi_spec.constructs
        ),
        paths=acsi_spec.paths,
    )
    pls_b = acsi.fit(mode_b, frame, method="pls")
    np.testing.assert_allclose(pls_b.path_coefficients.to_numpy(), list(ACSI_PATHS.values()), **POPULATION)


def test_als_criterion_never_increases_and_fit_is_a_share(satisfaction: pd.DataFrame) -> None:
    syntax = (
        "IMAG =~ imag1 + imag2 + imag3 + imag4 + imag5\nEXPE =~ expe1 + expe2 + expe3 + expe4 + expe5\n"
        "SAT =~ sat1 + sat2 + sat3 + sat4\nLOY =~ loy1 + loy2 + loy3 + loy4\n"
        "EXPE ~ IMAG\nSAT ~ IMAG + EXPE\nLOY ~ SAT\n"
    )
    spec = acsi.parse_syntax(syntax)
    S = np.corrcoef(satisfaction[list(spec.indicators)].to_numpy(float), rowvar=False)
    solution = kernel.gsca(S, model_structure(spec), tol=1e-12)
    assert solution.converged
    assert np.diff(solution.criterion).max() <= 1e-12
    assert 0 < solution.fit < 1
    afit = kernel.adjusted_fit(solution.fit, len(satisfaction), model_structure(spec))
    assert afit < solution.fit  # the penalty for free parameters


def test_gsca_components_have_unit_variance_and_reproduce_the_paths(satisfaction: pd.DataFrame) -> None:
    spec = acsi.parse_syntax("IMAG =~ imag1 + imag2 + imag3\nSAT =~ sat1 + sat2 + sat3\nSAT ~ IMAG\n")
    result = GSCA().fit(spec, satisfaction)
    scores = result.scores
    np.testing.assert_allclose(scores.var(ddof=1).to_numpy(), 1.0, **EXACT)
    slope = np.corrcoef(scores["IMAG"], scores["SAT"])[0, 1]
    np.testing.assert_allclose(result.path_coefficients["IMAG -> SAT"], slope, **EXACT)
    assert set(result.to_dict()["fit_indices"]) == {"fit", "afit"}


def test_gsca_reports_non_convergence(satisfaction: pd.DataFrame) -> None:
    spec = acsi.parse_syntax(
        "IMAG =~ imag1 + imag2 + imag3\nSAT =~ sat1 + sat2 + sat3\nLOY =~ loy1 + loy2\nSAT ~ IMAG\nLOY ~ SAT + IMAG\n"
    )
    with pytest.warns(acsi.ConvergenceWarning, match="GSCA did not converge"):
        result = GSCA(max_iter=1, tol=1e-15).fit(spec, satisfaction)
    assert not result.converged


def test_composite_population_rejects_a_bad_within_correlation(acsi_spec: acsi.ModelSpec) -> None:
    with pytest.raises(acsi.SpecError, match="within"):
        CompositePopulationModel(acsi_spec, paths=ACSI_PATHS, within=1.5)
