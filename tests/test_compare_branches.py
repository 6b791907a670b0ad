"""``acsi.compare.compare_branches``: the library call behind ``acsi compare`` gives what the command writes."""

from __future__ import annotations

import json
from pathlib import Path

import acsi
from acsi.cli import main
from acsi.resources import bundled

from ._tolerances import NUMERIC, assert_nested_close


def test_compare_branches_in_python_gives_what_acsi_compare_writes(tmp_path: Path, capsys) -> None:
    from acsi.api import make_estimator
    from acsi.compare import BranchComparison, compare_branches
    from acsi.ingest.survey import read_survey

    model, data = bundled("models/bank_branch.yaml"), bundled("datasets/bank_branches_demo.csv")
    out = tmp_path / "compare.json"
    assert (
        main(
            [
                "compare",
                str(model),
                str(data),
                "--group",
                "branch",
                "--period",
                "quarter",
                "--bootstrap",
                "100",
                "--permutations",
                "19",
                "--seed",
                "1",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    comparison = compare_branches(
        acsi.load_spec(model),
        read_survey(str(data)),
        "branch",
        period="quarter",
        permutations=19,
        seed=1,
        estimator=make_estimator("pls"),
        n_boot=100,
    )
    assert isinstance(comparison, BranchComparison)
    written = json.loads(out.read_text())
    assert set(written) >= {"differences", "invariance", "periods", "ipma", "omnibus"}
    assert_nested_close(comparison.to_dict(), written, **NUMERIC)
    assert str(comparison.summary()) in printed
    assert "\n" not in repr(comparison) and len(comparison.to_frame()) == len(written["groups"])
