"""Study files are validated before any work, naming the key, expected and found."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from acsi.errors import ParameterError
from acsi.resources import bundled
from acsi.study.studyfile import design_from_dict, load_study

ECSI = Path(bundled("models/studies/ecsi_two_factors.yaml"))


def _ecsi() -> dict:
    return yaml.safe_load(ECSI.read_text())


def test_shipped_study_files_load_with_their_factors() -> None:
    ecsi = load_study(ECSI)
    assert ecsi.ns == (100, 250, 1000) and ecsi.loadings == (0.7, 0.9)
    assert len(ecsi.conditions()) == 6
    acsi = load_study(bundled("models/studies/acsi.yaml"))
    assert [d.name for d in acsi.distributions] == ["normal", "skewed", "discrete"]
    assert len(acsi.conditions()) == 2 * 3 * 5 * 2


@pytest.mark.parametrize(
    ("edit", "key", "found"),
    [
        (lambda d: d.update(colour="red"), "'colour'", "colour"),
        (lambda d: d["design"].update(n=[100, 5]), "'design.n[1]'", "5"),
        (lambda d: d.update(estimators=["pls", "ols"]), "'estimators[1].method'", "ols"),
        (
            lambda d: d.update(estimators=[{"method": "gsca", "options": {"scheme": "path"}}]),
            "'estimators[0].options.scheme'",
            "scheme",
        ),
        (lambda d: d["design"].update(distribution=[{"name": "c", "kind": "cauchy"}]), "'design.distribution[0].kind'", "cauchy"),
        (
            lambda d: d["design"].update(distribution=[{"name": "o", "kind": "ordinal", "categories": 4, "thresholds": [0, 1]}]),
            "'design.distribution[0].thresholds'",
            "[0, 1]",
        ),
        (
            lambda d: d["design"].update(distribution=[{"name": "chi", "kind": "chi_square", "df": 0}]),
            "'design.distribution[0].df'",
            "0",
        ),
        (
            lambda d: d["design"].update(
                dgp=["factor", "composite"], distribution=["normal", {"name": "chi", "kind": "chi_square"}]
            ),
            "'design.distribution'",
            "'chi' (kind chi_square)",
        ),
        (lambda d: d["design"].update(misspecification=[{"name": "m", "omit_paths": ["a -> b"]}]), "omit_paths[0]'", "a -> b"),
        (lambda d: d["design"].update(missing=[{"name": "m", "pattern": "mar", "rate": 0.8}]), "'design.missing[0].rate'", "0.8"),
        (lambda d: d["population"]["paths"].update({"image -> customer_loyalty": 2.0}), "image -> customer_loyalty", "2.0"),
        (lambda d: d.update(replications=0), "'replications'", "0"),
        (lambda d: d.update(bootstrap={"n_boot": 50, "intervals": ["bca"]}), "'bootstrap.n_boot'", "50"),
        (lambda d: d.update(bootstrap={"n_boot": 200, "intervals": ["studentized"]}), "'bootstrap.intervals[0]'", "studentized"),
    ],
)
def test_bad_study_file_names_key_expected_and_found(edit, key, found) -> None:
    content = _ecsi()
    edit(content)
    with pytest.raises(ParameterError) as caught:
        design_from_dict(content, source="my.yaml", folder=ECSI.parent)
    message = str(caught.value)
    assert message.startswith("my.yaml") and key in message and found in message and "expected" in message


def test_inadmissible_population_fails_before_any_work() -> None:
    content = _ecsi()
    content["population"]["paths"]["customer_satisfaction -> customer_loyalty"] = 0.99
    with pytest.raises(ParameterError, match="key 'population'.*customer_loyalty"):
        design_from_dict(content, source="my.yaml", folder=ECSI.parent)


def test_lavaan_text_with_fixed_values_gives_the_population() -> None:
    content = {
        "population": {"model": "X =~ 0.7*x1 + 0.7*x2 + 0.7*x3\nY =~ 0.8*y1 + 0.8*y2 + 0.8*y3\nY ~ 0.45*X\n"},
        "design": {"n": [100]},
        "estimators": ["pls"],
    }
    design = design_from_dict(content, source="text.yaml")
    assert dict(design.population.paths) == {"X -> Y": 0.45}
    assert design.population.loadings["x2"] == 0.7 and design.population.loadings["y1"] == 0.8
    assert len(design.population.spec.fixed) == 7  # kept on the population spec, dropped from the fitted one


def test_unreadable_study_file_is_our_error(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="cannot read"):
        load_study(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("design: [")
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_study(bad)
