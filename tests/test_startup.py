"""Start-up: ``import acsi`` and building the command line load no numeric library.

Times are measured in ``benchmarks/test_startup_speed.py``, not asserted here.
"""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

HEAVY = ("numpy", "pandas", "scipy", "networkx", "semopy", "matplotlib", "pyarrow")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    line = out.rsplit("LOADED:", 1)[-1].strip()  # the probe's line, after whatever the code printed
    return [m for m in line.split(",") if m]


def test_import_acsi_loads_no_numeric_library() -> None:
    assert _loaded_after("import acsi") == []


def test_building_the_command_line_loads_no_numeric_library() -> None:
    assert _loaded_after("from acsi.cli import build_parser\nbuild_parser()") == []


def test_acsi_help_loads_no_numeric_library() -> None:
    code = "from acsi.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    assert _loaded_after(code) == []


def test_public_names_resolve_on_first_use() -> None:
    import acsi
    from acsi.api import fit
    from acsi.inference import bootstrap
    from acsi.spec.load import load_spec

    assert acsi.fit is fit and acsi.bootstrap is bootstrap and acsi.load_spec is load_spec
    assert set(acsi.__all__) <= set(dir(acsi))
    for name in acsi.__all__:
        assert getattr(acsi, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        acsi.nothing_here  # noqa: B018


def test_command_line_choices_are_the_library_constants() -> None:
    from acsi.assessment.prediction import PREDICTING_METHODS
    from acsi.cli import options
    from acsi.compare.differences import ADJUSTMENTS, TESTS
    from acsi.compare.group_estimates import DEFAULT_MIN_N, MIN_BOOT
    from acsi.compare.methods import compare_methods
    from acsi.core.resample import SIGN_CHANGES
    from acsi.data import MISSING_POLICIES
    from acsi.estimators.registry import METHODS
    from acsi.index import INDEX_WEIGHTS
    from acsi.inference import BCA_MIN_RESAMPLES, CI_METHODS
    from acsi.servqual.ranking import RANKING_METHODS
    from acsi.study import DGPS, DISTRIBUTIONS, ESTIMATORS

    assert options.METHODS == METHODS and options.INDEX_WEIGHTS == INDEX_WEIGHTS
    assert options.MISSING_POLICIES == MISSING_POLICIES and options.CI_METHODS == CI_METHODS
    assert options.SIGN_CHANGES == SIGN_CHANGES and options.TESTS == TESTS and options.ADJUSTMENTS == ADJUSTMENTS
    assert options.BCA_MIN_RESAMPLES == BCA_MIN_RESAMPLES
    assert options.DEFAULT_MIN_N == DEFAULT_MIN_N and options.MIN_GROUP_BOOT == MIN_BOOT
    assert (options.DGPS, options.DISTRIBUTIONS, options.ESTIMATORS) == (DGPS, DISTRIBUTIONS, ESTIMATORS)
    assert options.ESTIMATORS == (*METHODS, "equal")
    assert options.COMPARED_METHODS == inspect.signature(compare_methods).parameters["methods"].default
    assert options.RANKING_METHODS == RANKING_METHODS and options.PREDICTING_METHODS == PREDICTING_METHODS
    assert set(RANKING_METHODS) <= set(METHODS) and set(PREDICTING_METHODS) <= set(METHODS)


def test_command_line_estimator_settings_are_the_estimators_choices() -> None:
    from acsi.cli import options
    from acsi.core.pls import SCHEMES
    from acsi.estimators.cbsem import OBJECTIVES
    from acsi.estimators.ordinal import ORDINAL_MODES

    assert set(options.SCHEMES) == set(SCHEMES) and options.OBJECTIVES == OBJECTIVES
    assert options.ORDINAL_MODES == ORDINAL_MODES


def test_command_line_estimator_options_are_keywords_of_make_estimator() -> None:
    import inspect

    from acsi.api import make_estimator
    from acsi.cli import options

    assert set(options.ESTIMATOR_OPTIONS) == set(inspect.signature(make_estimator).parameters) - {"method"}


def test_a_cycle_in_the_structural_model_is_found_without_networkx() -> None:
    from acsi.spec.validation import find_cycle

    assert find_cycle(("A", "B", "C"), [("A", "B"), ("B", "C")]) == []
    assert find_cycle(("A", "B", "C"), [("A", "B"), ("B", "C"), ("C", "A")]) == ["A", "B", "C"]
    assert find_cycle(("A", "B", "C", "D"), [("A", "B"), ("C", "D"), ("D", "C")]) == ["C", "D"]
