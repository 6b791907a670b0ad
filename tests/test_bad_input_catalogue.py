"""The bad-input catalogue: over a hundred user mistakes, each answered by one clear error.

Every row is a mistake a user can make: a spec (YAML or lavaan text), a data file, a survey
mapping, a command-line flag, a device profile, a vendor log, an event store or a group
comparison. A command-line row runs ``acsi`` in-process (a few also through a real
subprocess) on files written into ``tmp_path`` and asserts

- the exit status (2, the CLI's status for every user error: ``acsi.cli`` prints our errors
  as ``error: ...`` and argparse prints usage errors as ``acsi CMD: error: ...``, both with 2);
- no ``Traceback`` on stderr;
- an error line (``error: ...``, or argparse's ``acsi ...: error: ...``) naming the culprit:
  the column, key, flag, file, row or value at fault.

A Python-API row asserts the exception is an :class:`acsi.errors.AcsiError` subclass whose
message names the culprit. Cases that fail on today's code and belong to another engineer's
fix are deliberately absent (see the hardening issue); add them here once fixed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import acsi
from acsi.cli import main
from acsi.errors import AcsiError, DataError, IngestError, ParameterError, SpecError

from .ingest._files import write

# ---------------------------------------------------------------- base files of every case
LAV = "SAT =~ q1 + q2 + q3\nLOY =~ q4 + q5\nLOY ~ SAT\n"
SPEC = {
    "name": "T",
    "scale": {"min": 1, "max": 5},
    "constructs": {"SAT": {"mode": "reflective", "indicators": ["q1", "q2", "q3"]}, "LOY": {"indicators": ["q4", "q5"]}},
    "paths": ["SAT -> LOY"],
}
MAPPING = {"defaults": {"scale": [1, 5]}, "indicators": {q: q for q in ("q1", "q2", "q3", "q4", "q5")}}
SITE = {
    "bank_id": "B",
    "branch_id": "BR1",
    "tz": "Asia/Shanghai",
    "windows": [{"window_id": "W1", "device_uid": "1209:0002:SN0001"}],
}
LOG_HEADER = "流水号,评价时间,窗口号,工号,评价结果,原因\n"
LOG = LOG_HEADER + "1001,2024-03-05 09:15:02,W1,S01,5,\n1002,2024-03-05 09:20:40,W1,S01,2,1|4\n"
PROFILE_DIR = Path(acsi.__file__).parent / "ingest" / "device" / "profiles"


def frame(n: int = 40, seed: int = 0) -> pd.DataFrame:
    """Five 1-5 items, a case weight, a branch (two groups) and a quarter: a valid survey."""
    rng = np.random.default_rng(seed)
    base = rng.integers(1, 6, size=(n, 1))
    data = pd.DataFrame(
        np.clip(base + rng.integers(-1, 2, size=(n, 5)), 1, 5).astype(float), columns=["q1", "q2", "q3", "q4", "q5"]
    )
    data["wgt"] = rng.uniform(0.5, 2.0, size=n).round(3)
    data["branch"] = np.where(np.arange(n) % 2 == 0, "north", "south")
    data["period"] = np.where(np.arange(n) < n // 2, "2024Q1", "2024Q2")
    return data


def _profile(name: str = "framed-5level", **changes: Any) -> dict:
    """A shipped profile as plain data, with dotted keys set (``None`` deletes the key)."""
    data = yaml.safe_load((PROFILE_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        node = data
        for part in path:
            node = node[int(part) if isinstance(next(iter(node)), int) else part]
        key: Any = int(last) if node and isinstance(next(iter(node)), int) else last
        if value is None:
            del node[key]
        else:
            node[key] = value
    return data


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _spec(**changes: Any) -> str:
    data = yaml.safe_load(_yaml(SPEC))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return _yaml(data)


def _constructs(**blocks: Any) -> str:
    return _spec(constructs={**SPEC["constructs"], **blocks})


def _mapping(**indicators: Any) -> str:
    return _yaml({**MAPPING, "indicators": {**MAPPING["indicators"], **indicators}})


Content = str | bytes | pd.DataFrame | Callable[[Path], Any]


def _write_files(folder: Path, files: dict[str, Content]) -> None:
    base: dict[str, Content] = {
        "model.lav": LAV,
        "model.yaml": _yaml(SPEC),
        "data.csv": frame(),
        "map.yaml": _yaml(MAPPING),
        "site.yaml": _yaml(SITE),
        "log.csv": LOG,
    }
    for name, content in {**base, **files}.items():
        path = folder / name
        if callable(content) and not isinstance(content, pd.DataFrame):
            content(path)
        elif isinstance(content, pd.DataFrame):
            write(content, path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


# ---------------------------------------------------------------- the table
@dataclass(frozen=True)
class Cli:
    """A command line (``{d}`` stands for the case's folder), the files it needs and what the
    error must name."""

    id: str
    argv: str
    culprit: tuple[str, ...]
    files: dict[str, Content] = field(default_factory=dict)
    code: int = 2


def cli(id: str, argv: str, *culprit: str, **files: Content) -> Cli:  # noqa: A002 - the table's column
    return Cli(id, argv, culprit, {k.replace("__", "."): v for k, v in files.items()})


FIT = "fit {d}/model.lav {d}/data.csv"
FITY = "fit {d}/model.yaml {d}/data.csv"
IMPORT = "device import {d}/log.csv --profile framed-5level --site {d}/site.yaml --db {d}/e.sqlite"
IMPORT_P = "device import {d}/log.csv --profile {d}/p.yaml --site {d}/site.yaml --db {d}/e.sqlite"
COMPARE = "compare {d}/model.lav {d}/data.csv --scale 1,5 --group branch"


def _n(n: int) -> pd.DataFrame:
    return frame(n)


def _with(**cells: Any) -> pd.DataFrame:
    """The base survey with ``column=(rows, value)`` cells set (object columns where text goes in)."""
    data = frame()
    for column, (rows, value) in cells.items():
        if isinstance(value, str):
            data[column] = data[column].astype(object)
        data.loc[rows, column] = value
    return data


def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"this is a text file, not an SQLite database\n" * 50)


SPECS = [
    cli("spec-file-missing", "fit {d}/nowhere.yaml {d}/data.csv", "nowhere.yaml"),
    cli("spec-is-a-directory", "fit {d} {d}/data.csv", "is a directory"),
    cli("spec-not-utf8", FIT, "model.lav", model__lav=b"SAT =~ q1 + q\xe9\n"),
    cli("spec-empty-lavaan-file", FIT, "model.lav", model__lav=""),
    cli("yaml-unknown-top-level-key", FITY, "'pathz'", model__yaml=_spec(pathz=["SAT -> LOY"])),
    cli("yaml-misspelt-construct-key", FITY, "indicator", model__yaml=_constructs(LOY={"indicator": ["q4", "q5"]})),
    cli("yaml-path-to-unknown-construct", FITY, "LOYALTY", model__yaml=_spec(paths=["SAT -> LOYALTY"])),
    cli("yaml-path-from-unknown-construct", FITY, "IMAGE", model__yaml=_spec(paths=["IMAGE -> LOY", "SAT -> LOY"])),
    cli("yaml-cycle", FITY, "cycle", model__yaml=_spec(paths=["SAT -> LOY", "LOY -> SAT"])),
    cli("yaml-empty-indicator-block", FITY, "LOY", model__yaml=_constructs(LOY={"indicators": []})),
    cli("yaml-indicators-not-a-list", FITY, "constructs.LOY.indicators", model__yaml=_constructs(LOY={"indicators": "q4"})),
    cli("yaml-indicator-in-two-blocks", FITY, "q3", model__yaml=_constructs(LOY={"indicators": ["q3", "q4", "q5"]})),
    cli("yaml-indicator-twice-in-a-block", FITY, "q4", model__yaml=_constructs(LOY={"indicators": ["q4", "q4", "q5"]})),
    cli("yaml-wrong-mode", FITY, "formativ", model__yaml=_constructs(LOY={"mode": "formativ", "indicators": ["q4", "q5"]})),
    cli("yaml-scale-min-above-max", FITY, "scale", model__yaml=_spec(scale={"min": 5, "max": 1})),
    cli("yaml-scale-not-a-number", FITY, "scale", model__yaml=_spec(scale={"min": "one", "max": 5})),
    cli("yaml-scale-missing-bound", FITY, "'max'", model__yaml=_spec(scale={"min": 1})),
    cli(
        "yaml-construct-scale-reversed",
        FITY,
        "constructs.LOY.scale",
        model__yaml=_constructs(LOY={"indicators": ["q4", "q5"], "scale": {"min": 7, "max": 1}}),
    ),
    cli("yaml-syntax-error", FITY, "line", model__yaml="constructs:\n  SAT: {indicators: [q1, q2\npaths: [SAT -> LOY]\n"),
    cli(
        "yaml-key-given-twice",
        FITY,
        "SAT",
        model__yaml="constructs:\n  SAT: {indicators: [q1]}\n  SAT: {indicators: [q2]}\npaths: []\n",
    ),
    cli("yaml-mode-b-single-indicator", FITY, "LOY", model__yaml=_constructs(LOY={"mode": "formative", "indicators": ["q4"]})),
    cli("yaml-indicator-not-in-data", FITY, "q9", model__yaml=_constructs(LOY={"indicators": ["q4", "q9"]})),
    cli("lavaan-unknown-operator", FIT, ":=", model__lav=LAV + "ab := a*b\n"),
    cli("lavaan-path-to-undeclared-construct", FIT, "IMAG", model__lav=LAV + "SAT ~ IMAG\n"),
    cli("lavaan-cycle", FIT, "cycle", model__lav=LAV + "SAT ~ LOY\n"),
    cli("lavaan-indicator-twice", FIT, "q1", model__lav="SAT =~ q1 + q2 + q1\nLOY =~ q4 + q5\nLOY ~ SAT\n"),
    cli("lavaan-indicator-in-two-blocks", FIT, "q3", model__lav="SAT =~ q1 + q2 + q3\nLOY =~ q3 + q4\nLOY ~ SAT\n"),
    cli("lavaan-mode-b-single-indicator", FIT, "LOY", model__lav="SAT =~ q1 + q2\nLOY <~ q4\nLOY ~ SAT\n"),
    cli("lavaan-garbage-character", FIT, "@", model__lav=LAV + "@@@\n"),
    cli("lavaan-name-starting-with-digit", FIT, "2x", model__lav="SAT =~ q1 + 2x\nLOY =~ q4\nLOY ~ SAT\n"),
    cli("lavaan-stray-plus", FIT, "+", model__lav="SAT =~ q1 + + q2\nLOY =~ q4\nLOY ~ SAT\n"),
    cli("lavaan-measurement-only-for-pls", FIT, "structural path", model__lav="SAT =~ q1 + q2\nLOY =~ q4 + q5\n"),
    cli("lavaan-construct-on-no-path", FIT, "'IMG'", model__lav=LAV + "IMG =~ wgt\n"),
    cli("lavaan-covariance-for-pls", FIT, "q4 ~~ q5", model__lav=LAV + "q4 ~~ q5\n"),
    cli("lavaan-observed-regression", FIT, "q1", model__lav=LAV + "q1 ~ LOY\n"),
    cli("lavaan-indicator-not-in-data", FIT, "zz1", model__lav="SAT =~ q1 + zz1\nLOY =~ q4 + q5\nLOY ~ SAT\n"),
]

DATA = [
    cli("data-file-missing", "fit {d}/model.lav {d}/nowhere.csv", "nowhere.csv"),
    cli("data-missing-column", FIT, "q5", data__csv=frame().drop(columns="q5")),
    cli("data-missing-columns-listed-at-once", FIT, "q4", data__csv=frame().drop(columns=["q4", "q5"])),
    cli("data-non-numeric-cell", FIT, "'q3'", data__csv=_with(q3=([4, 10], "dont know"))),
    cli("data-inf-cell", FIT, "q2", data__csv=_with(q2=([5], np.inf))),
    cli("data-minus-inf-cell", FIT, "q4", data__csv=_with(q4=([7], -np.inf))),
    cli(
        "data-inf-text-cell",
        FIT,
        "q1",
        data__csv=lambda p: p.write_text(frame().to_csv(index=False).replace("\n3.0,", "\ninf,", 1)),
    ),
    cli("data-all-missing-column", FIT + " --missing listwise", "q4", data__csv=_with(q4=(slice(None), np.nan))),
    cli("data-missing-cells-refused-by-default", FIT, "q2", data__csv=_with(q2=([3, 9], np.nan))),
    cli("data-constant-column", FIT, "q4", data__csv=frame().assign(q4=3.0)),
    cli("data-constant-column-parquet", "fit {d}/model.lav {d}/d.parquet", "q5", d__parquet=frame().assign(q5=2.0)),
    cli("data-empty-file", FIT, "data.csv", data__csv=""),
    cli("data-header-only", FIT, "data.csv", data__csv="q1,q2,q3,q4,q5\n"),
    cli("data-wrong-extension", "fit {d}/model.lav {d}/data.json", ".json", data__json="{}"),
    cli("data-old-excel", "fit {d}/model.lav {d}/data.xls", ".xlsx", data__xls=b"\xd0\xcf\x11\xe0" * 20),
    cli("data-parquet-not-parquet", "fit {d}/model.lav {d}/data.parquet", "data.parquet", data__parquet=b"PAR0 not really" * 30),
    cli("data-xlsx-not-xlsx", "fit {d}/model.lav {d}/data.xlsx", "data.xlsx", data__xlsx=b"just some bytes" * 30),
    cli("data-sav-not-sav", "fit {d}/model.lav {d}/data.sav", "data.sav", data__sav=b"just some bytes" * 30),
    cli("data-file-is-a-directory", "fit {d}/model.lav {d}/folder.csv", "folder.csv", folder__csv=lambda p: p.mkdir()),
    cli("data-ragged-csv", FIT, "line 3", data__csv="q1,q2,q3,q4,q5\n1,2,3,4,5\n1,2,3,4,5,6\n"),
    cli("data-duplicate-column-names", FIT, "'q1'", data__csv="q1,q2,q3,q4,q5,q1\n1,2,3,4,5,1\n"),
    cli("data-not-utf8", FIT, "encoding", data__csv="q1,région\n1,Zürich\n".encode("latin-1")),
    cli("data-excel-missing-sheet", "fit {d}/model.lav {d}/d.xlsx --sheet answers", "answers", d__xlsx=frame()),
    cli("data-excel-non-numeric-cell", "fit {d}/model.lav {d}/d.xlsx", "q3", d__xlsx=_with(q3=([2], "n/a"))),
    cli("data-spss-missing-column", "fit {d}/model.lav {d}/d.sav", "q2", d__sav=frame().drop(columns="q2")),
    cli("data-out-of-scale-value", FIT + " --scale 1,5", "q1", data__csv=_with(q1=([6], 9.0))),
    cli("data-out-of-spec-scale-yaml", FITY, "q5", data__csv=_with(q5=([0, 1], 0.0))),
]

MAPPINGS = [
    cli("mapping-file-missing", FIT + " --mapping {d}/none.yaml", "none.yaml"),
    cli("mapping-unknown-source-column", FIT + " --mapping {d}/map.yaml", "Q9", map__yaml=_mapping(q5="Q9")),
    cli(
        "mapping-unknown-recode",
        FIT + " --mapping {d}/map.yaml",
        "percent",
        map__yaml=_mapping(q1={"column": "q1", "recode": "percent"}),
    ),
    cli(
        "mapping-recode-to-text",
        FIT + " --mapping {d}/map.yaml",
        "indicators.q1.recode",
        map__yaml=_mapping(q1={"column": "q1", "recode": {1: "low", 2: "high"}}),
    ),
    cli(
        "mapping-recode-outside-scale",
        FIT + " --mapping {d}/map.yaml",
        "indicators.q1.recode",
        map__yaml=_mapping(q1={"column": "q1", "recode": {1: 0, 9: 100}}),
    ),
    cli(
        "mapping-recode-one-value",
        FIT + " --mapping {d}/map.yaml",
        "indicators.q1.recode",
        map__yaml=_mapping(q1={"column": "q1", "recode": {1: 5, 2: 5}}),
    ),
    cli(
        "mapping-five-level-on-1-7",
        FIT + " --mapping {d}/map.yaml",
        "five_level",
        map__yaml=_mapping(q1={"column": "q1", "scale": [1, 7], "recode": "five_level"}),
    ),
    cli(
        "mapping-bad-missing-code",
        FIT + " --mapping {d}/map.yaml",
        "indicators.q2.missing",
        map__yaml=_mapping(q2={"column": "q2", "missing": [[98]]}),
    ),
    cli(
        "mapping-bad-default-missing",
        FIT + " --mapping {d}/map.yaml",
        "defaults.missing",
        map__yaml=_yaml({**MAPPING, "defaults": {"scale": [1, 5], "missing": [[98, 99]]}}),
    ),
    cli(
        "mapping-unknown-weight-column",
        FIT + " --mapping {d}/map.yaml",
        "nowhere",
        map__yaml=_yaml({**MAPPING, "weight": "nowhere"}),
    ),
    cli(
        "mapping-negative-weights",
        FIT + " --mapping {d}/map.yaml",
        "wgt",
        map__yaml=_yaml({**MAPPING, "weight": "wgt"}),
        data__csv=_with(wgt=([2, 7], -1.0)),
    ),
    cli("mapping-text-weights", FIT + " --mapping {d}/map.yaml", "branch", map__yaml=_yaml({**MAPPING, "weight": "branch"})),
    cli("mapping-weight-is-an-indicator", FIT + " --mapping {d}/map.yaml", "q1", map__yaml=_yaml({**MAPPING, "weight": "q1"})),
    cli("mapping-unknown-top-level-key", FIT + " --mapping {d}/map.yaml", "colour", map__yaml=_yaml({**MAPPING, "colour": 1})),
    cli(
        "mapping-misspelt-rule-key",
        FIT + " --mapping {d}/map.yaml",
        "scael",
        map__yaml=_mapping(q1={"column": "q1", "scael": [1, 5]}),
    ),
    cli(
        "mapping-scale-reversed",
        FIT + " --mapping {d}/map.yaml",
        "indicators.q1.scale",
        map__yaml=_mapping(q1={"column": "q1", "scale": [5, 1]}),
    ),
    cli(
        "mapping-scale-one-number",
        FIT + " --mapping {d}/map.yaml",
        "indicators.q1.scale",
        map__yaml=_mapping(q1={"column": "q1", "scale": [5]}),
    ),
    cli(
        "mapping-reverse-not-boolean",
        FIT + " --mapping {d}/map.yaml",
        "indicators.q1.reverse",
        map__yaml=_mapping(q1={"column": "q1", "reverse": "yes"}),
    ),
    cli(
        "mapping-reverse-without-scale",
        FIT + " --mapping {d}/map.yaml",
        "indicators.q1",
        map__yaml=_yaml({"indicators": {"q1": {"column": "q1", "reverse": True}}}),
    ),
    cli("mapping-without-indicators", FIT + " --mapping {d}/map.yaml", "indicators", map__yaml=_yaml({"weight": "wgt"})),
    cli("mapping-is-a-list", FIT + " --mapping {d}/map.yaml", "map.yaml", map__yaml="- q1\n- q2\n"),
    cli("mapping-yaml-syntax-error", FIT + " --mapping {d}/map.yaml", "line", map__yaml="indicators:\n  q1: [q1\n"),
    cli("mapping-key-given-twice", FIT + " --mapping {d}/map.yaml", "'q1'", map__yaml="indicators:\n  q1: q1\n  q1: q2\n"),
    cli("mapping-groups-not-a-list", FIT + " --mapping {d}/map.yaml", "groups", map__yaml=_yaml({**MAPPING, "groups": 3})),
    cli(
        "mapping-rename-onto-existing-column",
        FIT + " --mapping {d}/map.yaml",
        "q2",
        map__yaml=_yaml({"defaults": {"scale": [1, 5]}, "indicators": {"q2": "q1"}}),
    ),
    cli("mapping-out-of-scale-answer", FIT + " --mapping {d}/map.yaml", "q4", data__csv=_with(q4=([5], 7.0))),
    cli(
        "mapping-answer-missing-from-table",
        FIT + " --mapping {d}/map.yaml",
        "q1",
        map__yaml=_mapping(q1={"column": "q1", "recode": {1: 0, 2: 50, 3: 100}}),
    ),
    cli("ingest-missing-treatment-without-mapping", "ingest survey {d}/data.csv --missing listwise --out {d}/o.csv", "--mapping"),
    cli(
        "ingest-mapping-unknown-column",
        "ingest survey {d}/data.csv --mapping {d}/map.yaml --out {d}/o.csv",
        "Q7",
        map__yaml=_mapping(q3="Q7"),
    ),
]

FLAGS = [
    cli("flag-method-unknown", FIT + " --method bogus", "--method", "bogus"),
    cli("flag-scheme-unknown", FIT + " --scheme bogus", "--scheme", "bogus"),
    cli("flag-bootstrap-zero", FIT + " --bootstrap 0", "--bootstrap", "at least 2"),
    cli("flag-bootstrap-negative", FIT + " --bootstrap -5", "--bootstrap", "-5"),
    cli("flag-bootstrap-text", FIT + " --bootstrap abc", "--bootstrap", "abc"),
    cli("flag-seed-text", FIT + " --bootstrap 10 --seed abc", "--seed", "abc"),
    cli("flag-seed-negative", FIT + " --bootstrap 10 --seed -1", "--seed", "-1"),
    cli("flag-workers-zero", FIT + " --bootstrap 10 --workers 0", "--workers", "0"),
    cli("flag-ci-unknown", FIT + " --bootstrap 10 --ci normal", "--ci", "normal"),
    cli("flag-scale-reversed", FIT + " --scale 10,0", "--scale", "10,0"),
    cli("flag-scale-text", FIT + " --scale low,high", "--scale", "low,high"),
    cli("flag-scale-three-numbers", FIT + " --scale 1,5,7", "--scale", "1,5,7"),
    cli("flag-missing-unknown", FIT + " --missing impute", "--missing", "impute"),
    cli("flag-index-weights-unknown", FIT + " --index-weights pca", "--index-weights", "pca"),
    cli("flag-objective-unknown", FIT + " --method cbsem --objective WLS", "--objective", "WLS"),
    cli("flag-max-iter-text", FIT + " --max-iter many", "--max-iter", "many"),
    cli("flag-tol-text", FIT + " --tol small", "--tol", "small"),
    cli("flag-raw-with-plsc", FIT + " --method plsc --raw", "raw"),
    cli("flag-strict-and-lenient", FIT + " --strict --lenient", "--lenient"),
    cli("flag-unknown-option", FIT + " --colour red", "--colour"),
    cli("flag-unknown-command", "fitt {d}/model.lav {d}/data.csv", "fitt"),
    cli("flag-fit-without-data", "fit {d}/model.lav", "data"),
    cli("flag-predict-folds-one", "assess {d}/model.lav {d}/data.csv --predict-folds 1", "PLSpredict folds", "1"),
    cli(
        "flag-omission-distance-text",
        "assess {d}/model.lav {d}/data.csv --q-squared --omission-distance x",
        "--omission-distance",
        "x",
    ),
    cli("flag-ingest-without-out", "ingest survey {d}/data.csv", "--out"),
    cli("flag-ingest-missing-em", "ingest survey {d}/data.csv --missing em --out {d}/o.csv", "--missing", "em"),
    cli("flag-compare-methods-unknown", "compare-methods {d}/model.lav {d}/data.csv --methods pls,lisrel", "--methods", "lisrel"),
    cli("flag-compare-test-unknown", COMPARE + " --test wilcoxon", "--test", "wilcoxon"),
    cli("flag-compare-bootstrap-text", COMPARE + " --bootstrap many", "--bootstrap", "many"),
    cli("flag-compare-jobs-text", COMPARE + " --jobs all", "--jobs", "all"),
    cli("flag-compare-pooled-plsc", COMPARE + " --mode pooled --method plsc", "--mode pooled", "plsc"),
    cli("flag-compare-permutation-without-permutations", COMPARE + " --test permutation", "--permutations"),
    cli(
        "flag-device-indicators-bad-period",
        "device indicators --db {d}/e.sqlite --by branch,decade",
        "decade",
        e__sqlite=lambda p: main(IMPORT.replace("{d}", str(p.parent)).split()),
    ),
    cli("flag-device-small-n-unknown", "device indicators --db {d}/e.sqlite --small-n hide", "--small-n", "hide"),
    cli("flag-device-learn-vendor-id-text", "device learn --vendor-id acme", "--vendor-id", "acme"),
]


def _profile_file(**changes: Any) -> str:
    return _yaml(_profile(**changes))


LIST_P = "device list --profile {d}/p.yaml"
PROFILES = [
    cli("profile-missing-file-or-name", "device list --profile nope-profile", "nope-profile"),
    cli("profile-not-yaml", LIST_P, "p.yaml", p__yaml="profile: [unclosed\n"),
    cli("profile-missing-id", LIST_P, "profile.id", p__yaml=_profile_file(profile__id=None)),
    cli("profile-empty-id", LIST_P, "profile.id", p__yaml=_profile_file(profile__id="")),
    cli("profile-unknown-key", LIST_P, "usb.colour", p__yaml=_profile_file(usb__colour="red")),
    cli("profile-vendor-id-text", LIST_P, "match.vendor_id", p__yaml=_profile_file(match__vendor_id="acme")),
    cli("profile-unknown-transport", LIST_P, "transport.kind", p__yaml=_profile_file(transport__kind="bluetooth")),
    cli("profile-unknown-decoder", LIST_P, "decoder.kind", p__yaml=_profile_file(decoder__kind="magic")),
    cli("profile-header-not-hex", LIST_P, "decoder.header", p__yaml=_profile_file(decoder__header="GG68")),
    cli("profile-trailer-not-hex", LIST_P, "decoder.trailer", p__yaml=_profile_file(decoder__trailer="zz")),
    cli(
        "profile-request-data-not-hex",
        LIST_P,
        "transport.request",
        p__yaml=_profile_file(transport__request={"func": 16, "data": "XYZ"}),
    ),
    cli(
        "profile-poll-data-not-hex",
        "device list --profile {d}/p.yaml",
        "transport.poll.data",
        p__yaml=_yaml(_profile("hid-poll-3level", transport__poll__data="zz")),
    ),
    cli("profile-level-out-of-range", LIST_P, "codes.5.level", p__yaml=_profile_file(codes__5={"level": 9})),
    cli(
        "profile-code-level-and-outcome", LIST_P, "codes.4", p__yaml=_profile_file(codes__4={"level": 4, "outcome": "cancelled"})
    ),
    cli("profile-unknown-outcome", LIST_P, "codes.0.outcome", p__yaml=_profile_file(codes__0={"outcome": "maybe"})),
    cli(
        "profile-non-canonical-label",
        LIST_P,
        "scale.labels[0]",
        p__yaml=_profile_file(scale__labels=["awful", "dissatisfied", "basic", "satisfied", "very_satisfied"]),
    ),
    cli("profile-levels-and-labels-disagree", LIST_P, "scale.labels", p__yaml=_profile_file(scale__levels=3)),
    cli("profile-no-out-endpoint-for-prompts", LIST_P, "usb.endpoint_out", p__yaml=_profile_file(usb__endpoint_out="none")),
    cli("profile-export-without-time-column", LIST_P, "export.columns.time", p__yaml=_profile_file(export__columns__time=None)),
    cli(
        "profile-poll-no-default-thresholds",
        "device list --profile {d}/p.yaml",
        "scale",
        p__yaml=_yaml(_profile("hid-poll-3level", scale__satisfied_min_level=None)),
    ),
    cli("profile-without-export-for-import", IMPORT.replace("framed-5level", "hid-keyboard-4key"), "export"),
]

LOGS = [
    cli("log-file-missing", IMPORT.replace("log.csv", "none.csv"), "none.csv"),
    cli("log-missing-columns", IMPORT, "评价时间", "time, code", log__csv="time,code\n2024-03-05 09:00:00,5\n"),
    cli("log-misspelt-header", IMPORT, "评价结果", log__csv=LOG.replace("评价结果", "评价结", 1)),
    cli("log-repeated-header", IMPORT, "repeats column names", log__csv=LOG.replace("原因", "工号", 1)),
    cli("log-unreadable-timestamp", IMPORT, "yesterday", log__csv=LOG.replace("2024-03-05 09:20:40", "yesterday")),
    cli("log-timestamp-other-format", IMPORT, "05/03/2024", log__csv=LOG.replace("2024-03-05 09:15:02", "05/03/2024 09:15")),
    cli("log-impossible-date", IMPORT, "2024-02-30", log__csv=LOG.replace("2024-03-05 09:15:02", "2024-02-30 09:15:02")),
    cli("log-empty-timestamp", IMPORT, "rows 2", log__csv=LOG.replace("2024-03-05 09:15:02", "")),
    cli("log-truncated-line", IMPORT, "log.csv", log__csv=LOG + "1003,2024-03-05 10:00:00,W1\n"),
    cli("log-line-with-extra-fields", IMPORT, "log.csv", log__csv=LOG + "1003,2024-03-05 10:00:00,W1,S01,5,,x,y\n"),
    cli("log-not-utf8", IMPORT, "log.csv", log__csv=LOG.encode("gbk")),
    cli("log-without-site", "device import {d}/log.csv --profile framed-5level --db {d}/e.sqlite", "--site"),
    cli("log-site-missing", IMPORT.replace("site.yaml", "nosite.yaml"), "nosite.yaml"),
    cli("log-site-unknown-tz", IMPORT, "tz", "Mars/Olympus", site__yaml=_yaml({**SITE, "tz": "Mars/Olympus"})),
    cli("log-site-unknown-key", IMPORT, "colour", site__yaml=_yaml({**SITE, "colour": "red"})),
    cli(
        "log-site-device-at-two-windows",
        IMPORT,
        "windows[1].device_uid",
        site__yaml=_yaml({**SITE, "windows": SITE["windows"] * 2}),
    ),
    cli("log-site-business-hours-text", IMPORT, "business_hours", site__yaml=_yaml({**SITE, "business_hours": "all day"})),
    cli(
        "log-profile-broken-export-time-format",
        IMPORT_P,
        "p.yaml",
        "export.time_format",
        p__yaml=_profile_file(export__time_format=5),
    ),
    cli("log-export-not-an-export", "device import {d}/log.csv --db {d}/e.sqlite", "log.csv"),
]

STORES = [
    cli("store-missing-for-indicators", "device indicators --db {d}/none.sqlite", "none.sqlite"),
    cli(
        "store-not-sqlite-for-indicators",
        "device indicators --db {d}/x.sqlite",
        "x.sqlite",
        "not an SQLite database",
        x__sqlite=_not_sqlite,
    ),
    cli(
        "store-not-sqlite-for-export",
        "device export --db {d}/x.sqlite --out {d}/o.parquet",
        "x.sqlite",
        "not an SQLite database",
        x__sqlite=_not_sqlite,
    ),
    cli("store-not-sqlite-for-import", IMPORT.replace("e.sqlite", "x.sqlite"), "x.sqlite", x__sqlite=_not_sqlite),
    cli("store-is-a-directory", "device indicators --db {d}/x.sqlite", "x.sqlite", x__sqlite=lambda p: p.mkdir()),
    cli("store-parquet-export-missing", "device indicators --db {d}/none.parquet", "none.parquet"),
]

COMPARISONS = [
    cli("compare-unknown-group-column", "compare {d}/model.lav {d}/data.csv --group region", "region"),
    cli("compare-unknown-weights-column", COMPARE + " --weights wt", "wt"),
    cli("compare-text-weights-column", COMPARE + " --weights period", "period"),
    cli("compare-unknown-period-column", COMPARE + " --period quarter", "quarter"),
    cli("compare-hierarchy-missing", COMPARE + " --hierarchy {d}/h.csv", "h.csv"),
    cli("compare-group-column-all-missing", COMPARE, "branch", data__csv=frame().assign(branch=np.nan)),
    cli("ipma-unknown-group-column", "ipma {d}/model.lav {d}/data.csv --target LOY --group region", "region"),
    cli("ipma-unknown-target", "ipma {d}/model.lav {d}/data.csv --scale 1,5 --target UNKNOWN", "UNKNOWN"),
    cli("ipma-without-target", "ipma {d}/model.lav {d}/data.csv", "--target"),
]

#: Cases fixed by the other hardening items (checks before work, ParameterError, periods, stores).
FIXED_LATER = [
    cli("flag-jobs-zero-on-compare", COMPARE + " --jobs 0", "--jobs"),
    cli(
        "flag-omission-distance-zero",
        "assess {d}/model.lav {d}/data.csv --q-squared --omission-distance 0",
        "--omission-distance",
    ),
    cli("flag-bootstrap-one", FIT + " --bootstrap 1 --seed 1", "--bootstrap"),
    cli("out-json-is-a-directory", FIT + " --json {d}", "--json"),
    cli("out-json-in-a-missing-folder", FIT + " --json {d}/nodir/r.json", "nodir"),
    cli("compare-unknown-construct", COMPARE + " --construct UNKNOWN", "UNKNOWN"),
    cli("yaml-spec-without-constructs", "fit {d}/m.yaml {d}/data.csv", "constructs", m__yaml="name: T\npaths: [SAT -> LOY]\n"),
    cli(
        "yaml-spec-misspelt-constructs",
        "fit {d}/m.yaml {d}/data.csv",
        "construct",
        m__yaml="name: T\nconstruct:\n  SAT: {indicators: [q1, q2]}\n",
    ),
    cli(
        "compare-period-not-a-period",
        COMPARE + " --period period",
        "sometime",
        data__csv=frame().assign(period=np.where(np.arange(40) < 20, "2024Q1", "sometime")),
    ),
    cli(
        "compare-period-month-13",
        COMPARE + " --period period",
        "2024-13",
        data__csv=frame().assign(period=np.where(np.arange(40) < 20, "2024-12", "2024-13")),
    ),
    cli(
        "compare-period-quarter-5",
        COMPARE + " --period period",
        "Q5/24",
        data__csv=frame().assign(period=np.where(np.arange(40) < 20, "Q4/24", "Q5/24")),
    ),
    cli(
        "mapping-one-column-two-indicators",
        "fit {d}/model.lav {d}/data.csv --mapping {d}/m.yaml",
        "q1",
        "q2",
        m__yaml=_mapping(q2="q1"),
    ),
    cli("store-mistyped-for-export", "device export --db {d}/typo.sqlite --out {d}/o.parquet", "typo.sqlite"),
    cli("store-parquet-not-parquet", "device indicators --db {d}/x.parquet", "x.parquet", x__parquet=b"garbage" * 50),
]

CLI_CASES = SPECS + DATA + MAPPINGS + FLAGS + PROFILES + LOGS + STORES + COMPARISONS + FIXED_LATER

#: An error line of ours (``error: ...``) or of argparse (``acsi fit: error: ...``).
_ERROR_LINE = re.compile(r"^(acsi(?: [\w-]+)*: )?error: ", re.MULTILINE)


def _argv(case: Cli, folder: Path) -> list[str]:
    return [part.replace("{d}", str(folder)) for part in case.argv.split()]


def _check(case: Cli, code: Any, err: str) -> None:
    assert code == case.code, f"exit status {code!r}, expected {case.code}; stderr:\n{err}"
    assert "Traceback" not in err, err
    found = _ERROR_LINE.search(err)
    assert found, f"no error line on stderr:\n{err}"
    message = err[found.start() :]
    for culprit in case.culprit:
        assert culprit in message, f"{culprit!r} not named in:\n{message}"


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_bad_input_on_the_command_line_gets_one_error_naming_the_culprit(case: Cli, tmp_path: Path, capsys) -> None:
    _write_files(tmp_path, case.files)
    capsys.readouterr()
    try:
        code = main(_argv(case, tmp_path))
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code
    _check(case, code, capsys.readouterr().err)


SUBPROCESS = ["flag-bootstrap-text", "yaml-path-to-unknown-construct", "data-inf-cell", "log-unreadable-timestamp"]


@pytest.mark.parametrize("name", SUBPROCESS)
def test_bad_input_through_a_real_process_exits_2_without_a_traceback(name: str, tmp_path: Path) -> None:
    case = next(c for c in CLI_CASES if c.id == name)
    _write_files(tmp_path, case.files)
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    run = subprocess.run(
        [sys.executable, "-m", "acsi.cli", *_argv(case, tmp_path)], capture_output=True, text=True, timeout=120, env=env
    )
    _check(case, run.returncode, run.stderr)


# ---------------------------------------------------------------- Python API
@dataclass(frozen=True)
class Api:
    id: str
    call: Callable[[Path], Any]
    error: type[AcsiError]
    culprit: tuple[str, ...]


def _fit(**kwargs: Any) -> Callable[[Path], Any]:
    return lambda d: acsi.fit(acsi.parse_syntax(LAV), frame(), **kwargs)


def _fit_frame(data: pd.DataFrame, **kwargs: Any) -> Callable[[Path], Any]:
    return lambda d: acsi.fit(acsi.parse_syntax(LAV), data, **kwargs)


def _read(name: str, content: Content) -> Callable[[Path], Any]:
    def call(folder: Path) -> Any:
        from acsi.ingest import read_survey

        _write_files(folder, {name: content})
        return read_survey(folder / name)

    return call


def _profile_dict(**changes: Any) -> Callable[[Path], Any]:
    from acsi.ingest.device.profile_load import profile_from_dict

    return lambda d: profile_from_dict(_profile(**changes), source="p.yaml")


def _vendor_log(text: str) -> Callable[[Path], Any]:
    def call(folder: Path) -> Any:
        from acsi.ingest.device.profile_load import load_profile
        from acsi.ingest.device.site import site_from_dict
        from acsi.ingest.device.vendor_log import read_vendor_log

        (folder / "v.csv").write_text(text, encoding="utf-8")
        return read_vendor_log(folder / "v.csv", load_profile("framed-5level"), site_from_dict(SITE))

    return call


def _mapping_dict(data: Any) -> Callable[[Path], Any]:
    from acsi.ingest import mapping_from_dict

    return lambda d: mapping_from_dict(data, source="m.yaml")


def _site_dict(data: Any) -> Callable[[Path], Any]:
    from acsi.ingest.device.site import site_from_dict

    return lambda d: site_from_dict(data, source="s.yaml")


API_CASES = [
    Api("api-fit-missing-column", _fit_frame(frame().drop(columns="q3")), DataError, ("q3",)),
    Api("api-fit-text-cell", _fit_frame(_with(q1=([1], "x"))), DataError, ("q1",)),
    Api("api-fit-inf-cell", _fit_frame(_with(q5=([2], np.inf))), DataError, ("q5",)),
    Api("api-fit-constant-column", _fit_frame(frame().assign(q2=1.0)), DataError, ("q2",)),
    Api(
        "api-prepare-unknown-missing-policy",
        lambda d: acsi.prepare(acsi.parse_syntax(LAV), frame(), missing="impute"),
        DataError,
        ("impute",),
    ),
    Api("api-load-spec-empty-text", lambda d: acsi.load_spec(""), SpecError, ("Empty spec",)),
    Api("api-load-spec-wrong-type", lambda d: acsi.load_spec(42), SpecError, ("int",)),
    Api("api-load-spec-missing-file", lambda d: acsi.load_spec(d / "gone.yaml"), SpecError, ("gone.yaml",)),
    Api("api-load-spec-unknown-construct", lambda d: acsi.load_spec("A =~ a1\nB ~ A"), SpecError, ("'B'",)),
    Api(
        "api-load-spec-yaml-bad-mode",
        lambda d: acsi.load_spec("constructs:\n  A: {mode: Q, indicators: [a]}\n"),
        SpecError,
        ("constructs.A.mode",),
    ),
    Api(
        "api-read-survey-missing",
        lambda d: __import__("acsi.ingest", fromlist=["x"]).read_survey(d / "none.csv"),
        IngestError,
        ("none.csv",),
    ),
    Api("api-read-parquet-not-parquet", _read("x.parquet", b"garbage" * 50), IngestError, ("x.parquet",)),
    Api("api-read-empty-csv", _read("x.csv", ""), IngestError, ("x.csv",)),
    Api("api-mapping-not-a-mapping", _mapping_dict(["q1"]), IngestError, ("(top level)",)),
    Api("api-mapping-indicators-empty", _mapping_dict({"indicators": {}}), IngestError, ("indicators",)),
    Api(
        "api-mapping-column-not-text", _mapping_dict({"indicators": {"a": {"column": 5}}}), IngestError, ("indicators.a.column",)
    ),
    Api("api-profile-unknown-top-key", _profile_dict(colour="red"), IngestError, ("colour",)),
    Api("api-profile-level-not-integer", _profile_dict(codes__5={"level": "five"}), IngestError, ("codes.5",)),
    Api("api-site-not-a-mapping", _site_dict(["W1"]), IngestError, ("s.yaml",)),
    Api("api-site-windows-not-a-list", _site_dict({"windows": "W1"}), IngestError, ("windows",)),
    Api("api-site-window-without-id", _site_dict({"windows": [{"device_uid": "x"}]}), IngestError, ("windows[0]",)),
    Api("api-site-burst-zero", _site_dict({"burst": {"max_events": 0}}), IngestError, ("burst.max_events",)),
    Api("api-vendor-log-bad-time", _vendor_log(LOG.replace("2024-03-05 09:15:02", "noon")), IngestError, ("noon",)),
    Api("api-fit-unknown-method", _fit_frame(frame(), method="lisrel"), ParameterError, ("lisrel",)),
    Api("api-fit-unknown-scheme", _fit_frame(frame(), scheme="radial"), ParameterError, ("radial",)),
    Api("api-vendor-log-missing-column", _vendor_log(LOG.replace("窗口号", "window")), IngestError, ("窗口号",)),
]


def _file(name: str, text: str, reader: Callable[[Path], Any]) -> Callable[[Path], Any]:
    def call(folder: Path) -> Any:
        (folder / name).write_text(text, encoding="utf-8")
        return reader(folder / name)

    return call


def _load_profile(path: Path) -> Any:
    from acsi.ingest.device.profile_load import load_profile

    return load_profile(path)


def _load_site(path: Path) -> Any:
    from acsi.ingest.device.site import load_site

    return load_site(path)


def _load_mapping(path: Path) -> Any:
    from acsi.ingest import load_mapping

    return load_mapping(path)


NO_DATE = "0000-0-0T0:00:00"  # YAML reads it as a timestamp, and Python has no year 0
API_CASES += [
    Api("api-load-spec-tilde-of-unknown-user", lambda d: acsi.load_spec("~0"), SpecError, ("~0",)),
    Api("api-load-spec-null-byte", lambda d: acsi.load_spec("~\x00"), SpecError, ("~",)),
    Api(
        "api-spec-yaml-impossible-date",
        _file("s.yaml", f"name: {NO_DATE}\nconstructs: {{A: {{indicators: [a]}}}}\n", acsi.load_spec),
        SpecError,
        ("s.yaml", "year 0"),
    ),
    Api(
        "api-mapping-yaml-impossible-date",
        _file("m.yaml", f"description: {NO_DATE}\nindicators: {{a: q1}}\n", _load_mapping),
        IngestError,
        ("m.yaml", "year 0"),
    ),
    Api(
        "api-profile-yaml-impossible-date",
        _file("p.yaml", f"profile: {{id: {NO_DATE}}}\n", _load_profile),
        IngestError,
        ("p.yaml", "year 0"),
    ),
    Api("api-site-yaml-impossible-date", _file("s.yaml", f"bank_id: {NO_DATE}\n", _load_site), IngestError, ("s.yaml", "year 0")),
    Api("api-site-overlong-time-zone", _site_dict({"tz": "Europe/" + "x" * 400}), IngestError, ("tz", "xxxx")),
    Api(
        "api-site-device-id-a-list",
        _site_dict({"windows": [{"window_id": "W1", "device_uid": ["a"]}]}),
        IngestError,
        ("windows[0].device_uid",),
    ),
]


@pytest.mark.parametrize("case", API_CASES, ids=[c.id for c in API_CASES])
def test_bad_input_to_the_python_api_raises_our_error_naming_the_culprit(case: Api, tmp_path: Path) -> None:
    with pytest.raises(AcsiError) as info:
        case.call(tmp_path)
    assert isinstance(info.value, case.error), f"{type(info.value).__name__}: {info.value}"
    for culprit in case.culprit:
        assert culprit in str(info.value), f"{culprit!r} not named in: {info.value}"


def test_the_catalogue_holds_at_least_a_hundred_distinct_cases() -> None:
    ids = [c.id for c in CLI_CASES] + [c.id for c in API_CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 100
