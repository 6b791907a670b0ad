"""Hypothesis strategies for acsi's own types, for property tests here and in downstream code.

Like ``xarray.testing.strategies``, these generate valid values only; tests state the
properties (``parse_syntax(to_syntax(spec)) == spec``, YAML round trips, ...).

Examples
--------
>>> from hypothesis import given
>>> from acsi.testing.strategies import model_specs
>>> @given(model_specs(pls_ready=True))
... def test_pls_accepts(spec):
...     spec.check_pls()
"""

from __future__ import annotations

from hypothesis import strategies as st

from acsi.spec.model import Construct, Covariance, FixedValue, Mode, ModelSpec, Path, Scale

__all__ = ["model_specs", "names", "scales"]


def names(max_size: int = 8) -> st.SearchStrategy[str]:
    """Valid construct or indicator names: a letter or ``_`` then letters, digits, ``_`` or ``.``."""
    return st.from_regex(rf"[A-Za-z_][A-Za-z0-9_.]{{0,{max_size - 1}}}", fullmatch=True)


def scales() -> st.SearchStrategy[Scale]:
    """Answer scales with finite bounds, min < max (integers or floats)."""
    bound = st.one_of(st.integers(-100, 100), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
    return st.tuples(bound, bound).filter(lambda b: b[0] < b[1]).map(lambda b: Scale(*b))


_text = st.text(st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=30)
_values = st.one_of(
    st.integers(-10, 10),
    st.floats(allow_nan=False, allow_infinity=False),
)


@st.composite
def model_specs(
    draw: st.DrawFn,
    *,
    syntax_only: bool = False,
    pls_ready: bool = False,
    max_constructs: int = 5,
    max_indicators: int = 4,
) -> ModelSpec:
    """Valid :class:`ModelSpec` values.

    Parameters
    ----------
    syntax_only : bool
        Only what lavaan text can express: no scales, labels, name, description or
        ``composite_a`` mode, and fixed values in statement order. Such specs satisfy
        ``parse_syntax(to_syntax(spec)) == spec``.
    pls_ready : bool
        Specs that pass :meth:`ModelSpec.check_pls`: at least two constructs, every construct
        on a path, no covariances, no fixed values.
    max_constructs, max_indicators : int
        Size limits (constructs in the model, indicators per block).

    Returns
    -------
    hypothesis strategy of ModelSpec
    """
    n = draw(st.integers(2 if pls_ready else 1, max(max_constructs, 2 if pls_ready else 1)))
    sizes = [draw(st.integers(1, max_indicators)) for _ in range(n)]
    pool = draw(st.lists(names(), min_size=n + sum(sizes), max_size=n + sum(sizes), unique=True))
    construct_names, rest = pool[:n], pool[n:]
    constructs = []
    for name, size in zip(construct_names, sizes):
        indicators, rest = tuple(rest[:size]), rest[size:]
        modes = [Mode.REFLECTIVE] + ([Mode.COMPOSITE] if size >= 2 else []) + ([] if syntax_only else [Mode.COMPOSITE_A])
        mode = draw(st.sampled_from(modes))
        label = None if syntax_only else draw(st.none() | _text)
        constructs.append(Construct(name, indicators, mode, label))

    # Paths go forward in a random order of the constructs, so the model is acyclic.
    order = draw(st.permutations(construct_names))
    forward = [(order[i], order[j]) for i in range(n) for j in range(i + 1, n)]
    chosen = set(draw(st.lists(st.sampled_from(forward), unique=True, max_size=len(forward))) if forward else [])
    if pls_ready:  # connect every construct that is on no path: from an earlier one, or to the next
        for j in range(n):
            if not any(order[j] in pair for pair in chosen):
                chosen.add((draw(st.sampled_from(order[:j])), order[j]) if j else (order[0], order[1]))
    pairs = draw(st.permutations(sorted(chosen)))
    paths = [Path(source, target) for source, target in pairs]

    covariances: list[Covariance] = []
    fixed: list[FixedValue] = []
    if not pls_ready:
        variables = [*construct_names, *(i for c in constructs for i in c.indicators)]
        cov_pairs = draw(
            st.lists(
                st.tuples(st.sampled_from(variables), st.sampled_from(variables)), max_size=3, unique_by=lambda p: frozenset(p)
            )
        )
        covariances = [Covariance(a, b) for a, b in cov_pairs]
        statements = [(c.name, "<~" if c.mode is Mode.COMPOSITE else "=~", i) for c in constructs for i in c.indicators]
        statements += [(p.target, "~", p.source) for p in paths] + [(c.left, "~~", c.right) for c in covariances]
        for lhs, op, rhs in statements:
            if draw(st.integers(0, 4)) == 0:
                fixed.append(FixedValue(lhs, op, rhs, draw(_values)))
        if not syntax_only:
            fixed = draw(st.permutations(fixed))

    spec_scales: dict[str, Scale] = {}
    name = description = None
    if not syntax_only:
        layout = draw(st.sampled_from(["none", "common", "per_construct", "per_indicator"]))
        indicators = [i for c in constructs for i in c.indicators]
        if layout == "common":
            common = draw(scales())
            spec_scales = {i: common for i in indicators}
        elif layout == "per_construct":
            for c in constructs:
                scale = draw(st.none() | scales())
                spec_scales |= {i: scale for i in c.indicators if scale is not None}
        elif layout == "per_indicator":
            for i in indicators:
                scale = draw(st.none() | scales())
                if scale is not None:
                    spec_scales[i] = scale
        name = draw(st.none() | _text)
        description = draw(st.none() | _text)
    return ModelSpec(
        constructs=tuple(constructs),
        paths=tuple(paths),
        scales=spec_scales,
        covariances=tuple(covariances),
        fixed=tuple(fixed),
        name=name,
        description=description,
    )
