"""Recognise and read the Dask DataFrames the distributed engine works on."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acsi.errors import DataError, ParameterError


def is_dask_frame(data: object) -> bool:
    """True for a ``dask.dataframe.DataFrame`` (tested by its module, so Dask is not imported to ask)."""
    module = type(data).__module__
    return module.startswith("dask.") or module.startswith("dask_expr")


@dataclass(frozen=True)
class DaskRows:
    """A Dask DataFrame with the name of its case-weight column: the data of a weighted fit or bootstrap.

    ``acsi.fit(spec, DaskRows(frame, weight="w"))`` and ``acsi.bootstrap(estimator, spec,
    DaskRows(frame, weight="w"), resampling="poisson")`` weight every row's moments by the
    column ``w`` (a plain Dask DataFrame is unweighted).
    """

    frame: Any
    weight: str | None = None


def dask_rows(data: object) -> DaskRows | None:
    """``data`` as :class:`DaskRows` when it is a Dask DataFrame (unweighted) or already DaskRows, else None."""
    if isinstance(data, DaskRows):
        return data
    return DaskRows(data) if is_dask_frame(data) else None


def read_frame(source: str) -> Any:
    """A Dask DataFrame of ``source``: a directory of Parquet files, one ``.parquet`` file, or a CSV glob.

    Raises
    ------
    DataError
        Nothing matches ``source``.
    """
    dd = import_dask_dataframe()
    path = Path(source)
    if path.is_dir() or path.suffix == ".parquet":
        if not path.exists():
            raise DataError(f"Parquet data {source} do not exist; expected a directory of .parquet files or one file.")
        return dd.read_parquet(str(path))
    matches = sorted(glob.glob(source))
    if not matches:
        raise DataError(f"No file matches {source}; expected a directory of Parquet files or a CSV glob such as 'part-*.csv'.")
    return dd.read_csv(matches, assume_missing=True)


def import_dask_dataframe() -> Any:
    """``dask.dataframe``, or a ParameterError saying how to install it."""
    try:
        import dask.dataframe as dd
    except ImportError as err:  # pragma: no cover - the test extra installs it
        raise ParameterError(
            "The Dask engine needs the optional dependencies dask and distributed: pip install 'acsi[dask]'."
        ) from err
    return dd
