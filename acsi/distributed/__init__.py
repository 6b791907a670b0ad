"""Sufficient statistics of data that do not fit one machine, on Dask (optional extra ``acsi[dask]``).

Every estimator works on the indicators' means and covariance matrix, which
:class:`acsi.core.accumulator.MomentAccumulator` computes per partition and merges. This
package reads a Parquet directory, a CSV glob or any Dask DataFrame, reduces the partitions'
accumulators on a cluster (:mod:`acsi.distributed.cluster`), and hands the estimators an
:class:`~acsi.data.IndicatorData` that carries the moments (:mod:`acsi.distributed.prepare`).
Dask is imported only when one of these functions runs.
"""
