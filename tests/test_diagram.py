"""The path diagram: layout without crossings for the shipped models, valid SVG with the right elements."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.diagram import crossings, group_diagrams, layout, path_diagram, save_diagram
from acsi.errors import ParameterError
from tests.conftest import MODELS, ROOT

SVG = "{http://www.w3.org/2000/svg}"
SHIPPED = [*sorted(MODELS.glob("*.yaml")), ROOT / "docs" / "ecsi_mobi.lav"]
#: What is drawn for each shipped model: the spec itself, or for a model with higher-order
#: constructs the fitted layouts (stage 2 of the two-stage approaches; repeated indicators, also
#: CB-SEM's second-order factor model).
DRAWN = [
    (model, approach)
    for model in SHIPPED
    for approach in (("two-stage", "repeated-indicators") if acsi.load_spec(model).higher_order else (None,))
]


def _drawn(case: tuple[Path, str | None]) -> acsi.ModelSpec:
    from acsi.estimators.higher_order import repeated_indicators_spec, second_stage_spec

    model, approach = case
    spec = acsi.load_spec(model)
    if approach == "two-stage":
        return second_stage_spec(spec, scaled=True)
    return repeated_indicators_spec(spec) if approach else spec


def _case_id(case: tuple[Path, str | None]) -> str:
    return case[0].name + (f":{case[1]}" if case[1] else "")


def _segments_cross(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Proper intersection of two segments (x1, y1, x2, y2), written out independently of the module."""

    def orient(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    p1, p2, q1, q2 = a[:2], a[2:], b[:2], b[2:]
    d1, d2, d3, d4 = orient(q1, q2, p1), orient(q1, q2, p2), orient(p1, p2, q1), orient(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def _arrows(svg: str) -> list[tuple[str, tuple[float, ...]]]:
    root = ET.fromstring(svg)
    return [
        (line.get("class"), tuple(float(line.get(k)) for k in ("x1", "y1", "x2", "y2")))
        for line in root.iter(f"{SVG}line")
        if "arrow" in line.get("class", "").split()
    ]


@pytest.mark.parametrize("case", DRAWN, ids=_case_id)
def test_no_arrow_of_a_shipped_model_crosses_another(case: tuple[Path, str | None]) -> None:
    spec = _drawn(case)
    svg = path_diagram_of_spec(spec)
    arrows = _arrows(svg)
    assert len(arrows) == len(spec.paths) + len(spec.indicators)
    crossing = [
        (i, j) for i in range(len(arrows)) for j in range(i + 1, len(arrows)) if _segments_cross(arrows[i][1], arrows[j][1])
    ]
    assert crossing == []
    assert crossings(layout(spec)) == []


#: Known fault: the grid search finds no layout of the repeated-indicators model of a higher-order
#: construct with five components in which no path passes through a component (README, reports).
THROUGH_A_CONSTRUCT = {"acsi_servqual.yaml:repeated-indicators"}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.xfail(strict=True, reason="known layout fault"))
        if _case_id(case) in THROUGH_A_CONSTRUCT
        else case
        for case in DRAWN
    ],
    ids=_case_id,
)
def test_no_arrow_runs_through_a_construct_it_does_not_connect(case: tuple[Path, str | None]) -> None:
    diagram = layout(_drawn(case))
    for arrow in diagram.arrows:
        for node in diagram.constructs.values():
            if node.name in (arrow.source, arrow.target):
                continue
            t = np.linspace(0.0, 1.0, 200)
            x = arrow.x1 + t * (arrow.x2 - arrow.x1)
            y = arrow.y1 + t * (arrow.y2 - arrow.y1)
            assert (((x - node.x) / node.rx) ** 2 + ((y - node.y) / node.ry) ** 2 >= 1.0).all(), (arrow, node.name)


@pytest.mark.parametrize("case", DRAWN, ids=_case_id)
def test_exogenous_constructs_are_left_and_paths_never_point_left(case: tuple[Path, str | None]) -> None:
    spec = _drawn(case)
    diagram = layout(spec)
    x = {name: node.x for name, node in diagram.constructs.items()}
    exogenous = [n for n in spec.construct_names if not spec.predecessors(n)]
    assert max(x[n] for n in exogenous) == min(x.values())
    for path in spec.paths:
        assert x[path.source] <= x[path.target]


def path_diagram_of_spec(spec: acsi.ModelSpec) -> str:
    from acsi.diagram import render_svg

    return render_svg(layout(spec))


def test_the_layout_is_the_same_on_every_call(demo) -> None:  # noqa: ANN001
    spec, _ = demo
    from acsi.diagram import placement

    placement._CACHE.clear()
    first = layout(spec)
    placement._CACHE.clear()
    assert layout(spec).placement == first.placement


def test_the_svg_is_valid_xml_with_one_ellipse_per_construct_and_one_box_per_indicator(demo) -> None:  # noqa: ANN001
    spec, frame = demo
    result = acsi.fit(spec, frame)
    root = ET.fromstring(result.plot())
    assert root.tag == f"{SVG}svg"
    assert len(list(root.iter(f"{SVG}ellipse"))) == len(spec.constructs)
    boxes = [r for r in root.iter(f"{SVG}rect") if "indicator" in r.get("class", "").split()]
    assert len(boxes) == len(spec.indicators)
    lines = [line.get("class").split() for line in root.iter(f"{SVG}line")]
    assert sum("path" in c for c in lines) == len(spec.paths)
    assert sum("loading" in c for c in lines) == len(spec.indicators)  # every block of the ACSI model is Mode A


def test_the_diagram_shows_the_estimates_of_to_dict(demo) -> None:  # noqa: ANN001
    spec, frame = demo
    result = acsi.fit(spec, frame)
    out = result.to_dict()
    texts = [t.text for t in ET.fromstring(path_diagram(result)).iter(f"{SVG}text")]
    for value in out["paths"].values():
        assert f"{value:.3f}" in texts
    for construct, values in out["loadings"].items():
        for value in values.values():
            assert f"{value:.3f}" in texts, construct
    for value in out["r_squared"].values():
        assert f"R² = {value:.3f}" in texts


def test_a_bootstrap_adds_significance_marks_and_intervals(demo) -> None:  # noqa: ANN001
    spec, frame = demo
    result = acsi.fit(spec, frame)
    boot = acsi.bootstrap(result, n_boot=200, seed=1)
    texts = [t.text for t in ET.fromstring(path_diagram(result, boot)).iter(f"{SVG}text")]
    table = boot.table[boot.table.kind == "paths"].set_index("key")
    for key, value in result.to_dict()["paths"].items():
        row = table.loc[key]
        stars = "***" if row.p < 0.001 else "**" if row.p < 0.01 else "*" if row.p < 0.05 else ""
        assert f"{value:.3f}{stars}" in texts
        assert f"[{row.ci_lower:.2f}, {row.ci_upper:.2f}]" in texts


def test_a_bootstrap_of_another_fit_is_refused(demo) -> None:  # noqa: ANN001
    spec, frame = demo
    boot = acsi.bootstrap(acsi.fit(spec, frame.iloc[:300]), n_boot=20, seed=1)
    with pytest.raises(ParameterError, match="bootstrap of this fit"):
        path_diagram(acsi.fit(spec, frame), boot)


def test_mode_b_blocks_get_weight_arrows_pointing_at_the_construct() -> None:
    spec = acsi.parse_syntax("A <~ a1 + a2\nB =~ b1 + b2\nB ~ A")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 1))
    frame = pd.DataFrame(x + rng.normal(size=(200, 4)), columns=["a1", "a2", "b1", "b2"])
    result = acsi.fit(spec, frame)
    root = ET.fromstring(path_diagram(result))
    weights = [line for line in root.iter(f"{SVG}line") if "weight" in line.get("class", "").split()]
    assert len(weights) == 2
    node = layout(spec).constructs["A"]
    for line in weights:  # the arrow ends on the construct's ellipse
        x2, y2 = float(line.get("x2")), float(line.get("y2"))
        # coordinates are written with one decimal: 0.05 px on axes of about 60 and 26 px
        assert ((x2 - node.x) / node.rx) ** 2 + ((y2 - node.y) / node.ry) ** 2 == pytest.approx(1.0, abs=0.01)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for value in result.to_dict()["weights"]["A"].values():
        assert f"{value:.3f}" in texts


@pytest.mark.parametrize("method", ["plsc", "gsca", "cbsem"])
def test_every_method_draws_the_same_layout(demo, method: str) -> None:  # noqa: ANN001
    spec, frame = demo
    result = acsi.fit(spec, frame, method=method)
    root = ET.fromstring(path_diagram(result))
    assert len(list(root.iter(f"{SVG}ellipse"))) == len(spec.constructs)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for value in result.to_dict()["paths"].values():
        assert f"{value:.3f}" in texts


def test_group_estimates_get_one_diagram_per_group_with_their_paths() -> None:
    from acsi.compare import estimate_groups
    from acsi.ingest.survey import read_survey

    spec = acsi.load_spec(MODELS / "bank_branch.yaml")
    survey = read_survey(ROOT / "datasets" / "bank_branches_demo.csv")
    est = estimate_groups(spec, survey, "branch", n_boot=20, seed=1)
    drawn = group_diagrams(est)
    assert set(drawn) == {str(g) for g, ok in zip(est.labels, est.reported) if ok}
    entry = est.to_dict()["B01"]
    texts = [t.text for t in ET.fromstring(drawn["B01"]).iter(f"{SVG}text")]
    for key, value in entry["paths"].items():
        assert f"{value:.3f}" in texts, key
        lo, hi = entry["path_ci"][key]
        assert f"[{lo:.2f}, {hi:.2f}]" in texts
    with pytest.raises(ParameterError, match="group"):
        path_diagram(est)


def test_png_output_is_drawn_by_matplotlib(demo, tmp_path: Path) -> None:  # noqa: ANN001
    spec, frame = demo
    target = acsi.fit(spec, frame).plot(path=tmp_path / "model.png")
    from PIL import Image

    assert target.startswith("<svg")
    image = np.asarray(Image.open(tmp_path / "model.png").convert("L"), dtype=float)
    assert image.shape[0] > 300 and image.std() > 10  # not blank


def test_other_extensions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"\.svg or \.png"):
        save_diagram("<svg/>", tmp_path / "model.jpg")


@pytest.mark.parametrize(
    "text",
    [
        "A =~ a1 + a2 + a3",
        "\n".join([f"X{i} =~ x{i}a + x{i}b" for i in range(5)] + ["Y =~ y1 + y2", "Y ~ X0 + X1 + X2 + X3 + X4"]),
    ],
    ids=["one construct", "five exogenous constructs"],
)
def test_small_and_wide_models_are_laid_out_without_crossings(text: str) -> None:
    spec = acsi.parse_syntax(text)
    diagram = layout(spec)
    assert set(diagram.constructs) == set(spec.construct_names)
    assert crossings(diagram) == []
    ET.fromstring(path_diagram_of_spec(spec))
