"""``acsi fit --interactions``: how the spec's interaction terms are built, and the simple-slope tables of the output."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from acsi.spec.interactions import APPROACHES


def add_interactions_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--interactions",
        choices=APPROACHES,
        help="how the spec's interaction terms (A:B) are built (default: two-stage; method pls, plsc two-stage, cbsem "
        "product-indicator, its default): products of the standardised indicators (cbsem: latent product of "
        "double-mean-centred indicators), those products orthogonalised on the indicators, or the product of stage-1 scores",
    )
    parser.add_argument(
        "--slope-plot",
        metavar="FILE",
        help="write the simple-slope chart of the interaction path to FILE (.png, .svg, .pdf); with several "
        "interaction paths, one file each, named FILE's stem + '_A_B_C'",
    )


def _plot(result: Any, tables: dict[str, Any], target: Path) -> None:
    """One simple-slope chart per interaction path (:func:`acsi.report.slope_plot.plot_simple_slopes`)."""
    from acsi.report.slope_plot import plot_simple_slopes

    paths = result.path_coefficients
    for key, table in tables.items():
        first = table.iloc[0]
        name = (
            target
            if len(tables) == 1
            else target.with_name(f"{target.stem}_{first.focal}_{first.moderator}_{first.target}{target.suffix}")
        )
        plot_simple_slopes(table, name, moderator_effect=float(paths.get(f"{first.moderator} -> {first.target}", 0.0)), title=key)


def with_interactions(estimator: Any, spec: Any, approach: str | None) -> Any:
    """The estimator that builds the spec's interaction terms (:func:`acsi.api.with_interactions`)."""
    from acsi.api import with_interactions as wrap

    return wrap(estimator, spec, approach)


def simple_slopes_output(result: Any, boot: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Print the simple-slope table of every interaction path (unless quiet or JSON on stdout) and return
    the JSON key ``simple_slopes`` ({"A:B -> C": [rows]}), or nothing when the fit has no interaction."""
    from acsi.inference.simple_slopes import simple_slopes

    if result.method == "cbsem" and result.spec.interactions:
        if not args.quiet and args.json != "-":
            print("\nSimple slopes are not built for --method cbsem (unstandardised paths); no table or chart written.")
        return {}
    tables = {
        f"{term.name} -> {target}": simple_slopes(result, term.name, target, bootstrap=boot)
        for term in result.spec.interactions
        for target in term.targets
    }
    if not tables:
        return {}
    if not args.quiet and args.json != "-":
        print("\nSimple slopes (effect of the focal construct at the moderator's -1, 0, +1 SD)")
        for table in tables.values():
            print(table.to_string(index=False, float_format="{:.4f}".format))
    if getattr(args, "slope_plot", None):
        _plot(result, tables, Path(args.slope_plot))
    return {"simple_slopes": {key: table.to_dict(orient="records") for key, table in tables.items()}}
