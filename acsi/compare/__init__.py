"""Comparing branches, firms and periods: group indices with uncertainty, tests, invariance, aggregation, IPMA.

* :func:`estimate_groups` -> :class:`GroupEstimates`: per-group 0-100 indices and paths with
  bootstrap intervals (separate or pooled model, case weights, a minimum-n rule);
* :func:`compare_groups`, :func:`permutation_test`, :func:`omnibus_index_test`,
  :func:`ranking`: are the differences real (parametric, Henseler's PLS-MGA, permutation;
  Holm / Benjamini-Hochberg), and ranks with uncertainty;
* :func:`micom`: measurement invariance of composites, steps 1-3, with a verdict;
* :func:`rank_table`, :func:`period_changes`, :func:`aggregate`: ranks, period changes and
  firm -> industry -> sector -> national aggregation on any tidy (group, period, value, n)
  table, survey indices and device indicators alike;
* :func:`ipma`, :func:`ipma_groups`: importance-performance maps.
"""

from acsi.compare.branches import BranchComparison, compare_branches
from acsi.compare.differences import (
    adjust_pvalues,
    compare_groups,
    omnibus_index_test,
    permutation_test,
    ranking,
)
from acsi.compare.groups import GroupEstimates, estimate_groups
from acsi.compare.ipma import IPMAResult, ipma, ipma_groups
from acsi.compare.methods import MethodComparison, compare_methods
from acsi.compare.micom import micom, pair_verdicts
from acsi.compare.tables import aggregate, mean_se, period_changes, proportion_se, rank_table, read_hierarchy

__all__ = [
    "BranchComparison",
    "GroupEstimates",
    "IPMAResult",
    "MethodComparison",
    "adjust_pvalues",
    "aggregate",
    "compare_branches",
    "compare_groups",
    "compare_methods",
    "estimate_groups",
    "ipma",
    "ipma_groups",
    "mean_se",
    "micom",
    "omnibus_index_test",
    "pair_verdicts",
    "period_changes",
    "permutation_test",
    "proportion_se",
    "rank_table",
    "ranking",
    "read_hierarchy",
]
