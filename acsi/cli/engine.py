"""``--engine dask`` of the commands that fit: DATA reduced to its moments on a cluster, the Poisson bootstrap, group comparisons."""

from __future__ import annotations

import argparse
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from acsi.data import IndicatorData
    from acsi.inference import BootstrapResult
    from acsi.results import FitResult
    from acsi.spec.model import ModelSpec


def _rows_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options that need the rows in memory, by flag (a truthy value is refused with ``--engine dask``)."""
    return {
        "--mapping": args.mapping,
        "--sheet": getattr(args, "sheet", None),
        "--lenient": not args.strict,
        "--q-squared": getattr(args, "q_squared", False),
        "--predict-folds": getattr(args, "predict_folds", None),
        "--group": getattr(args, "group", None),
        "--method cbsem": args.method == "cbsem",
    }


def dask_data(args: argparse.Namespace, spec: ModelSpec, weights: str | None) -> IndicatorData:
    """DATA (a Parquet directory or CSV glob) reduced to its moments on Dask (:mod:`acsi.distributed`)."""
    from acsi.distributed.command import check_engine_options, prepare_on_cluster

    check_engine_options(_rows_options(args))
    return prepare_on_cluster(
        spec,
        args.data,
        scale=args.scale,
        missing=args.missing,
        weight=weights,
        scheduler=args.scheduler,
        workers=args.workers,
    )


def fit_and_bootstrap_on_dask(args: argparse.Namespace, estimator: Any, spec: ModelSpec) -> tuple[FitResult, BootstrapResult]:
    """``acsi fit --engine dask --bootstrap N``: the fit and its Poisson bootstrap on one cluster.

    The resample moments are summed on the cluster (:mod:`acsi.inference.distributed`); the
    result equals ``acsi.bootstrap(..., resampling="poisson")`` on the rows in memory. Options
    that need the rows (``--ci bca``, ``--missing pairwise``, methods other than pls) are refused
    naming the flag.
    """
    from acsi.cli.fit import check_bootstrap_request
    from acsi.distributed.cluster import dask_client
    from acsi.distributed.command import check_engine_options
    from acsi.distributed.frames import read_frame
    from acsi.inference import bootstrap

    check_engine_options(
        _rows_options(args)
        | {
            "--ci bca": args.ci == "bca",
            "--missing pairwise (with --bootstrap)": args.missing == "pairwise",
            f"--method {args.method} (with --bootstrap; the distributed bootstrap runs PLS)": args.method != "pls",
        }
    )
    check_bootstrap_request(args, spec, 0)  # the stored replicates; the rows stay on the cluster
    with dask_client(args.scheduler, args.workers):
        boot = bootstrap(
            estimator,
            spec,
            read_frame(args.data),
            n_boot=args.bootstrap,
            seed=args.seed,
            ci=args.ci,
            level=args.level,
            sign_change=args.sign_change,
            scale=args.scale,
            missing=args.missing,
            resampling="poisson",
        )
    return boot.fit, boot


def compare_data_on_dask(args: argparse.Namespace, spec: ModelSpec) -> tuple[Any, AbstractContextManager[Any]]:
    """``acsi compare --engine dask``: DATA as a Dask DataFrame and the cluster to compare it on.

    The comparison estimates each group's moments (:mod:`acsi.compare.group_dask`); the flags
    that need the rows (resamples, permutations, periods, case weights, other methods) are
    refused naming the flag (``--weights COLUMN`` is honoured), and the construct names are checked before any work.
    """
    from acsi.cli import checks
    from acsi.distributed.cluster import dask_client
    from acsi.distributed.command import check_engine_options
    from acsi.distributed.frames import read_frame

    rows_options = {flag: value for flag, value in _rows_options(args).items() if flag != "--group"}  # compare's own --group
    check_engine_options(
        rows_options
        | {
            "--bootstrap": args.bootstrap,
            "--permutations": args.permutations,
            "--test permutation": args.test == "permutation",
            f"--method {args.method} (the group moments are estimated by PLS)": args.method != "pls",
            "--jobs": args.jobs > 1,
        }
    )
    for flag, name in (("--construct", args.construct), ("--target", args.target)):
        checks.check_name(flag, name, spec.construct_names, "a construct of the spec")
    for name in args.lower_is_better:
        checks.check_name("--lower-is-better", name, spec.construct_names, "a construct of the spec")
    return read_frame(args.data), dask_client(args.scheduler, args.workers)
