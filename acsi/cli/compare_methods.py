"""``acsi compare-methods SPEC DATA``: every estimator on the same model and data, side by side.

The estimates of each method's parameter table (:attr:`acsi.FitResult.params`) are joined on
(lhs, op, rhs), lavaan's operators: ``=~`` loadings, ``~`` paths, ``r2``, and a row ``index``
per construct for the 0-100 index. CB-SEM contributes its completely standardised
loadings and paths (``std_all``), so that every column is on the same standardised scale.
A method that cannot estimate the spec (CB-SEM with composites) is left out with a note.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from typing import TYPE_CHECKING

from acsi.cli.fit import _scale, add_strictness, check_fit_outputs, load_data, write_json
from acsi.cli.options import INDEX_WEIGHTS, METHODS, MISSING_POLICIES, SCHEMES
from acsi.errors import AcsiError
from acsi.spec.load import load_spec

if TYPE_CHECKING:
    import pandas as pd

    from acsi.results import FitResult

_KEY = ["lhs", "op", "rhs"]


def _column(result: "FitResult") -> "pd.Series":
    """Estimates keyed by (lhs, op, rhs): loadings, paths, R², 0-100 index."""
    import pandas as pd

    table = result.params
    if "std_all" in table:  # CB-SEM: standardised estimates, comparable with the component methods
        table = table.assign(estimate=table["std_all"])
    table = table[table.op.isin(["=~", "~"])]
    rows = [tuple(r) for r in table[_KEY + ["estimate"]].itertuples(index=False)]
    rows += [(name, "r2", name, value) for name, value in result.r_squared.items()]
    if result.index is not None:
        rows += [(name, "index", name, value) for name, value in result.index.to_dict().items()]
    frame = pd.DataFrame(rows, columns=_KEY + [result.method])
    return frame.set_index(_KEY)[result.method]


def compare(results: list["FitResult"]) -> "pd.DataFrame":
    """One table of estimates side by side, one column per method, joined on (lhs, op, rhs)."""
    import pandas as pd

    columns = [_column(r) for r in results]
    joined = pd.concat(columns, axis=1, join="outer")
    order = {"=~": 0, "~": 1, "r2": 2, "index": 3}
    keys = sorted(joined.index, key=lambda k: (order.get(k[1], 9), list(joined.index).index(k)))
    return joined.loc[keys]


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from acsi.api import make_estimator

    check_fit_outputs(args)
    spec = load_spec(Path(args.spec))
    data = load_data(args, spec)
    results, notes = [], []
    for method in args.methods:
        estimator = make_estimator(method, scheme=args.scheme, index_weights=args.index_weights)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                results.append(estimator.fit(spec, data))
            for item in caught:
                notes.append(f"{method}: {item.category.__name__}: {item.message}")
        except AcsiError as err:
            notes.append(f"{method}: left out: {err}")
    if not results:
        print("error: no method could estimate the model.\n" + "\n".join(notes), file=sys.stderr)
        return 2
    table = compare(results)
    if args.json:
        payload = [
            {"lhs": k[0], "op": k[1], "rhs": k[2], **{m: (None if pd.isna(v) else float(v)) for m, v in row.items()}}
            for k, row in table.iterrows()
        ]
        write_json({"methods": [r.method for r in results], "estimates": payload, "notes": notes}, args.json)
    if args.json != "-":
        print(table.to_string(float_format=lambda v: f"{v:.4f}", na_rep="-"))
        if notes:
            print("\nnotes:\n  " + "\n  ".join(notes))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``compare-methods`` command."""
    parser = commands.add_parser(
        "compare-methods",
        help="fit PLS, PLSc, CB-SEM and GSCA to the same data and print the estimates side by side",
        description="Fit SPEC to DATA with every method and print one table of loadings, paths, R-squared and "
        "0-100 indices, joined on (lhs, op, rhs). CB-SEM columns are completely standardised.",
    )
    parser.add_argument("spec", help="model spec: YAML file or lavaan-style text file")
    parser.add_argument("data", help="survey file (.csv, .tsv, .xlsx, .sav, .parquet)")

    def methods(text: str) -> tuple[str, ...]:
        values = tuple(v.strip() for v in text.split(",") if v.strip())
        if not values or any(v not in METHODS for v in values):
            raise argparse.ArgumentTypeError(f"choose from {', '.join(METHODS)}; got {text!r}")
        return values

    parser.add_argument("--methods", type=methods, default=METHODS, help="comma-separated (default: pls,plsc,cbsem,gsca)")
    parser.add_argument("--scheme", default="path", choices=SCHEMES,
                        help="PLS/PLSc inner weighting scheme (default: path)")
    parser.add_argument("--index-weights", default="fornell", choices=INDEX_WEIGHTS)
    parser.add_argument("--scale", type=_scale, metavar="MIN,MAX", help="theoretical bounds for indicators without a scale")
    parser.add_argument("--missing", default="error", choices=list(MISSING_POLICIES), help="missing-value treatment")
    parser.add_argument("--mapping", metavar="MAP.yaml", help="mapping from DATA's columns to the indicators")
    parser.add_argument("--sheet", help="Excel worksheet of DATA")
    add_strictness(parser)
    parser.add_argument("--json", metavar="FILE", help="also write the table as JSON ('-' for standard output)")
    parser.set_defaults(run=run)
