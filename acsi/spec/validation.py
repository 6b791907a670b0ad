"""The checks that make a :class:`~acsi.spec.model.ModelSpec` valid: names, blocks, paths,
acyclicity, scales, covariance statements and fixed values, in a fixed order so that the first
problem found is reported (the optional declarations are checked by :mod:`acsi.spec.declarations`).

Every failure is a :class:`~acsi.errors.SpecError` naming the offending construct, indicator,
path or statement.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from acsi.errors import SpecError
from acsi.spec.declarations import check_derived, check_higher_order, check_interactions, check_ordinal
from acsi.spec.elements import Mode, Scale, check_name

if TYPE_CHECKING:
    from acsi.spec.model import ModelSpec


def validate_spec(spec: ModelSpec) -> None:
    """Raise :class:`SpecError` at the first problem of ``spec``: blocks, paths, higher-order and
    derived declarations, cycles, scales, covariances and fixed values, interactions, ordinal ones."""
    names, owner = _check_blocks(spec)
    _check_paths(spec, names)
    check_higher_order(spec, names, set(owner))
    check_derived(spec, set(owner))
    _check_acyclic(spec)
    _check_scales_and_covariance_ends(spec, names, owner)
    _check_covariances_and_fixed(spec)
    check_interactions(spec, names)
    check_ordinal(spec, set(owner))


def _check_blocks(spec: ModelSpec) -> tuple[set[str], dict[str, str]]:
    """Construct names and their indicators: valid, unique, each indicator in one block; the
    construct names and the block owning each indicator."""
    if not spec.constructs:
        raise SpecError("The model declares no construct. Declare at least one block such as 'SAT =~ sat1 + sat2'.")
    owner: dict[str, str] = {}
    names: set[str] = set()
    products = {term.name for term in spec.interactions}  # built by acsi.spec.interactions.expand
    for construct in spec.constructs:
        if construct.name not in products:
            check_name(construct.name, "Construct")
        if construct.name in names:
            raise SpecError(
                f"Construct '{construct.name}' is declared twice. Merge its indicators into one block.",
                culprit=construct.name,
            )
        names.add(construct.name)
        if not isinstance(construct.mode, Mode):
            Mode.parse(construct.mode, where=f"Construct '{construct.name}'")
        if not construct.indicators:
            raise SpecError(
                f"Construct '{construct.name}' has no indicators. Give it at least one indicator.",
                culprit=construct.name,
            )
        seen: set[str] = set()
        for indicator in construct.indicators:
            if construct.name not in products:
                check_name(indicator, f"Indicator of construct '{construct.name}'")
            if indicator in seen:
                raise SpecError(
                    f"Indicator '{indicator}' is listed twice in construct '{construct.name}'.",
                    culprit=indicator,
                )
            seen.add(indicator)
            if indicator in owner:
                raise SpecError(
                    f"Indicator '{indicator}' belongs to two blocks, '{owner[indicator]}' and "
                    f"'{construct.name}'. Each indicator measures exactly one construct.",
                    culprit=indicator,
                )
            owner[indicator] = construct.name
        if construct.mode is Mode.COMPOSITE and len(construct.indicators) < 2:
            raise SpecError(
                f"Composite (Mode B) construct '{construct.name}' has a single indicator; Mode B needs "
                "at least two. Declare it reflective ('=~') instead.",
                culprit=construct.name,
            )
    clash = names & set(owner)
    if clash:
        culprit = sorted(clash)[0]
        raise SpecError(
            f"'{culprit}' is used both as a construct and as an indicator. Rename one of them.",
            culprit=culprit,
        )
    return names, owner


def _check_paths(spec: ModelSpec, names: set[str]) -> None:
    """Each path joins two different declared (or higher-order) constructs, once."""
    declared = ", ".join(c.name for c in spec.constructs)
    names_in_paths = names | {h.name for h in spec.higher_order}
    seen_paths: set[tuple[str, str]] = set()
    for path in spec.paths:
        for end, role in ((path.source, "starts"), (path.target, "ends")):
            if end not in names_in_paths:
                raise SpecError(
                    f"Path '{path.key}' {role} at '{end}', which is not a declared construct. "
                    f"Declared constructs: {declared}. Declare '{end}' or correct the path.",
                    culprit=end,
                )
        if path.source == path.target:
            raise SpecError(f"Path '{path.key}' points from a construct to itself.", culprit=path.key)
        if (path.source, path.target) in seen_paths:
            raise SpecError(f"Path '{path.key}' is declared twice.", culprit=path.key)
        seen_paths.add((path.source, path.target))


def _check_acyclic(spec: ModelSpec) -> None:
    """The structural model is recursive (:func:`find_cycle` finds no cycle)."""
    cycle = find_cycle(spec.construct_names, [(p.source, p.target) for p in spec.paths])
    if cycle:
        text = " -> ".join(cycle + [cycle[0]])
        raise SpecError(
            f"The structural model has a cycle: {text}. Non-recursive models are not supported; remove one of these paths.",
            culprit=text,
        )


def _check_scales_and_covariance_ends(spec: ModelSpec, names: set[str], owner: dict[str, str]) -> None:
    """Scales belong to indicators of the model; covariances name its constructs or indicators."""
    for indicator, scale in spec.scales.items():
        if indicator not in owner:
            raise SpecError(
                f"A scale is given for '{indicator}', which is not an indicator of any construct.",
                culprit=indicator,
            )
        if not isinstance(scale, Scale):
            raise SpecError(f"The scale of '{indicator}' must be a Scale; got {scale!r}.", culprit=indicator)
    variables = names | set(owner)
    for cov in spec.covariances:
        for end in (cov.left, cov.right):
            if end not in variables:
                raise SpecError(
                    f"Covariance '{cov.left} ~~ {cov.right}' names '{end}', which is neither a construct "
                    "nor an indicator of the model.",
                    culprit=end,
                )


def _check_covariances_and_fixed(spec: ModelSpec) -> None:
    """Each covariance declared once; each fixed value a finite number fixing a declared statement, once."""
    # Each covariance is one parameter: 'a ~~ b' and 'b ~~ a' are the same statement.
    covs: set[frozenset[str]] = set()
    for cov in spec.covariances:
        key = frozenset((cov.left, cov.right))
        if key in covs:
            raise SpecError(
                f"Covariance '{cov.left} ~~ {cov.right}' is declared twice. Keep one of the statements.",
                culprit=f"{cov.left} ~~ {cov.right}",
            )
        covs.add(key)
    cov_pairs = {(cov.left, cov.right) for cov in spec.covariances}
    # A fixed value fixes the parameter of a statement that the spec declares.
    ops = {Mode.REFLECTIVE: ("=~",), Mode.COMPOSITE: ("<~",), Mode.COMPOSITE_A: ("=~", "<~")}
    blocks = {c.name: c for c in spec.constructs}
    paths = {(p.source, p.target) for p in spec.paths}
    fixed: set[tuple[str, str, str]] = set()
    for fix in spec.fixed:
        text = f"{fix.lhs} {fix.op} {fix.rhs}"
        value = fix.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise SpecError(
                f"Fixed value of '{text}' must be a finite number; got {value!r}.",
                culprit=text,
            )
        if fix.op in ("=~", "<~"):
            block = blocks.get(fix.lhs)
            allowed = ops.get(block.mode, ("=~", "<~")) if block is not None else ()
            declared = block is not None and fix.rhs in block.indicators and fix.op in allowed
        elif fix.op == "~":
            declared = (fix.rhs, fix.lhs) in paths
        elif fix.op == "~~":
            # Same orientation as the covariance, so that the spec has one spelling.
            declared = (fix.lhs, fix.rhs) in cov_pairs
        else:
            raise SpecError(
                f"Fixed value '{text}' has operator {fix.op!r}; expected one of '=~', '<~', '~' or '~~'.",
                culprit=text,
            )
        if not declared:
            raise SpecError(
                f"Fixed value '{fix.lhs} {fix.op} {value!r}*{fix.rhs}' does not match any statement of the "
                f"model. Declare '{text}' (a block indicator, path or covariance) or remove the fixed value.",
                culprit=text,
            )
        key = (fix.lhs, fix.op, fix.rhs)
        if key in fixed:
            raise SpecError(f"Parameter '{text}' is fixed twice. Keep one value.", culprit=text)
        fixed.add(key)


def find_cycle(nodes: tuple[str, ...], edges: list[tuple[str, str]]) -> list[str]:
    """The nodes of one directed cycle in declaration order of the first node reached, or ``[]``
    when the graph is acyclic (depth-first search with white/grey/black marks)."""
    successors: dict[str, list[str]] = {n: [] for n in nodes}
    for source, target in edges:
        successors.setdefault(source, []).append(target)
        successors.setdefault(target, [])
    state: dict[str, int] = dict.fromkeys(successors, 0)  # 0 unseen, 1 on the current path, 2 done
    for root in successors:
        if state[root]:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, i = stack[-1]
            if i < len(successors[node]):
                stack[-1] = (node, i + 1)
                nxt = successors[node][i]
                if state[nxt] == 1:
                    return path[path.index(nxt) :]
                if state[nxt] == 0:
                    state[nxt] = 1
                    stack.append((nxt, 0))
                    path.append(nxt)
            else:
                state[node] = 2
                stack.pop()
                path.pop()
    return []
