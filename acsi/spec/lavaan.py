"""Read and write model specifications in lavaan-style text.

The text syntax follows lavaan's model syntax, restricted to what a customer-satisfaction model
needs::

    # measurement model
    QUAL =~ qual1 + qual2 + qual3      # reflective block (PLS Mode A)
    IMAG <~ imag1 + imag2 + imag3      # composite block (PLS Mode B)
    # structural model: 'Y ~ X + Z' means the paths X -> Y and Z -> Y
    SAT ~ IMAG + QUAL
    # higher-order construct: the right-hand side names constructs ('<~': reflective-formative)
    SERV =~ TANG + REL
    # covariance statements (kept for covariance-based SEM; PLS refuses them)
    qual1 ~~ imag1
    # pre-multiplied fixed values, e.g. a marker loading
    LOY =~ 1*loy1 + loy2

Rules
-----
- ``#`` and ``!`` start a comment that runs to the end of the line; blank lines are ignored.
- A statement ends at the end of its line, unless the line ends with ``+`` or the next line
  starts with ``+``. Several statements may share a line when separated by ``;``.
- A construct may appear on the left of ``=~`` (or ``<~``) in several statements: the
  indicators are appended. Declaring it with both ``=~`` and ``<~`` is an error.
- ``~`` and ``~~`` accept several names on the left (``Y1 + Y2 ~ X``), expanded to every pair.
- A numeric pre-multiplier (``0*x``, ``-0.5*x``, ``1e-3*x``) fixes the parameter; the term
  still counts as an indicator, predictor or covariance. Labels (``a*x``), ``NA*x`` and
  modifiers such as ``start(0.5)*x`` are not supported.
- Regressions involving indicators (observed-variable regressions), intercepts (``y ~ 1``)
  and the operators ``:=``, ``==``, ``<``, ``>``, ``<=``, ``>=``, ``|``, ``~*~`` are refused.

Every error is a :class:`~acsi.errors.SpecError` with ``line``, ``column`` (1-based) and
``source_line``, so that its message ends with the offending line and a caret under the
problem, like lavaan's ``lav_parse_txtloc``.

What text cannot express
------------------------
Scales, construct labels, the spec's ``name`` and ``description``, and the ``composite_a``
mode have no lavaan spelling. :func:`to_syntax` drops the first four (use YAML to keep them)
and refuses ``composite_a``. For every other spec ``parse_syntax(to_syntax(spec)) == spec``,
provided its fixed values are listed in statement order (blocks, then paths, then
covariances), which is the order :func:`parse_syntax` produces.
"""

from __future__ import annotations

import itertools

from acsi.errors import SpecError
from acsi.spec.lavaan_statements import Statement, Text, Token, parse_statement, split_statements, tokenize
from acsi.spec.model import Construct, Covariance, FixedValue, HigherOrder, Interaction, Mode, ModelSpec, Path

__all__ = ["parse_syntax", "to_syntax"]


def parse_syntax(text: str, *, source: str | None = None) -> ModelSpec:
    """Build a :class:`ModelSpec` from lavaan-style model text.

    Parameters
    ----------
    text : str
        Model text with ``=~`` (reflective block), ``<~`` (composite block), ``~`` (paths:
        ``Y ~ X + Z`` means ``X -> Y`` and ``Z -> Y``) and ``~~`` (covariance) statements; see
        the module documentation for comments, line continuation and fixed values.
    source : str, optional
        The file the text came from, named in error messages.

    Returns
    -------
    ModelSpec
        Constructs in order of first appearance, paths and covariances in text order, fixed
        values in statement order (blocks, then paths, then covariances). No scales, labels,
        name or description.

    Raises
    ------
    SpecError
        For a syntax error, with ``line``, ``column`` and ``source_line``; for an invalid model
        (undeclared construct, cycle, indicator in two blocks, ...) with the line of the
        offending statement where it can be found.

    Examples
    --------
    >>> spec = parse_syntax('''
    ... QUAL =~ qual1 + qual2
    ... SAT  =~ sat1 + sat2   # satisfaction
    ... SAT ~ QUAL
    ... ''')
    >>> [p.key for p in spec.paths]
    ['QUAL -> SAT']
    """
    if not isinstance(text, str):
        raise SpecError(f"Model text must be a str; got {type(text).__name__}.", culprit="text")
    source_text = Text(text, source)
    statements = [parse_statement(tokens, source_text) for tokens in split_statements(tokenize(source_text))]
    if not statements:
        raise source_text.error(
            "The model text contains no statement. Declare at least one block such as 'SAT =~ sat1 + sat2'.",
            culprit="text",
        )
    return _build(statements, source_text)


def _build(statements: list[Statement], text: Text) -> ModelSpec:
    blocks: dict[str, tuple[Token, list[str]]] = {}  # construct -> (first operator token, indicators)
    for st in statements:
        if st.op.text not in ("=~", "<~"):
            continue
        name = st.lhs[0].text
        if name in blocks and blocks[name][0].text != st.op.text:
            first = blocks[name][0]
            raise text.error(
                f"Construct '{name}' is declared with both '{first.text}' (line {first.line}) and "
                f"'{st.op.text}'. A block is either reflective ('=~') or composite ('<~'); use one operator.",
                st.op,
                culprit=name,
            )
        blocks.setdefault(name, (st.op, []))[1].extend(term.name for term in st.terms)
    higher_order = _higher_order(blocks, statements, text)
    indicators = {i for _, items in blocks.values() for i in items}

    paths: list[Path] = []
    covariances: list[Covariance] = []
    fixed: dict[tuple[str, str, str], float] = {}
    where: dict[str, Token] = {}  # path key / statement text -> token, for validation errors
    for st in statements:
        op = st.op.text
        for left in st.lhs:
            for term in st.terms:
                if op == "~":
                    for end in (left, term.token):
                        if end.text in indicators:
                            raise text.error(
                                f"Regression '{left.text} ~ {term.name}' involves the indicator '{end.text}'; "
                                "observed-variable regressions are not supported. Regress constructs on "
                                "constructs, or declare a single-indicator construct for it.",
                                end,
                                culprit=end.text,
                            )
                    path = Path(term.name, left.text)
                    paths.append(path)
                    where.setdefault(path.key, term.token)
                elif op == "~~":
                    covariances.append(Covariance(left.text, term.name))
                    where.setdefault(f"{left.text} ~~ {term.name}", term.token)
                key = (left.text, op, term.name)
                if term.value is not None:
                    if key in fixed:
                        raise text.error(
                            f"Parameter '{' '.join(key)}' is fixed twice. Keep one value.",
                            term.token,
                            culprit=" ".join(key),
                        )
                    fixed[key] = term.value
                    where.setdefault(" ".join(key), term.token)
    constructs = tuple(
        Construct(name, tuple(items), Mode.REFLECTIVE if op.text == "=~" else Mode.COMPOSITE)
        for name, (op, items) in blocks.items()
    )
    # Fixed values in statement order: blocks, then paths, then covariances.
    order = [(c.name, "=~" if c.mode is Mode.REFLECTIVE else "<~", i) for c in constructs for i in c.indicators]
    order += [(p.target, "~", p.source) for p in paths] + [(c.left, "~~", c.right) for c in covariances]
    fixed_values = tuple(FixedValue(*key, fixed.pop(key)) for key in order if key in fixed)
    paths, interactions = _split_interactions(paths)
    try:
        return ModelSpec(
            constructs=constructs,
            paths=paths,
            covariances=tuple(covariances),
            fixed=fixed_values,
            higher_order=higher_order,
            interactions=interactions,
        )
    except SpecError as err:
        token = _locate(err.culprit, statements, where)
        if token is None:
            if text.source is None:
                raise
            raise text.error(str(err), culprit=err.culprit) from err
        raise text.error(str(err), token, culprit=err.culprit) from err


def _higher_order(blocks: dict[str, tuple[Token, list[str]]], statements: list[Statement], text: Text) -> tuple[HigherOrder, ...]:
    """Take the blocks whose terms are all constructs out of ``blocks`` as higher-order constructs.

    ``QUAL =~ TANG + REL`` (reflective-reflective) or ``QUAL <~ TANG + REL`` (reflective-formative);
    a block mixing constructs and indicators is an error pointing at the first construct.
    """
    names = set(blocks)
    found: list[HigherOrder] = []
    for name, (op, items) in list(blocks.items()):
        inner = [item for item in items if item in names]
        if not inner:
            continue
        if len(inner) < len(items):
            token = next(t.token for st in statements for t in st.terms if st.lhs[0].text == name and t.name in names)
            raise text.error(
                f"'{inner[0]}' is used both as a construct and as an indicator of '{name}'. A higher-order construct "
                "lists constructs only, a first-order construct indicators only; rename one of them.",
                token,
                culprit=inner[0],
            )
        found.append(HigherOrder(name, tuple(items), Mode.REFLECTIVE if op.text == "=~" else Mode.COMPOSITE))
    for hoc in found:
        del blocks[hoc.name]
    return tuple(found)


def _split_interactions(paths: list[Path]) -> tuple[tuple[Path, ...], tuple[Interaction, ...]]:
    """The plain paths, and the ``A:B`` terms of ``C ~ A:B`` as interactions (one per ``A:B``, targets in text order)."""
    targets: dict[str, list[str]] = {}
    for p in paths:
        if ":" in p.source:
            targets.setdefault(p.source, []).append(p.target)
    interactions = tuple(Interaction(*name.split(":"), tuple(found)) for name, found in targets.items())
    return tuple(p for p in paths if ":" not in p.source), interactions


def _locate(culprit: str | None, statements: list[Statement], where: dict[str, Token]) -> Token | None:
    """The token of the statement a ModelSpec validation error is about, if it can be found."""
    if culprit is None:
        return None
    if culprit in where:
        return where[culprit]
    if " -> " in culprit:  # a cycle 'A -> B -> C -> A': point at the edge declared last
        ends = culprit.split(" -> ")
        edges = [where[f"{a} -> {b}"] for a, b in itertools.pairwise(ends) if f"{a} -> {b}" in where]
        return max(edges, key=lambda t: (t.line, t.column)) if edges else None
    in_blocks = [t.token for st in statements if st.op.text in ("=~", "<~") for t in st.terms if t.name == culprit]
    if len(in_blocks) > 1:  # an indicator listed twice: point at the repetition
        return in_blocks[-1]
    for st in statements:
        for token in (*st.lhs, *(t.token for t in st.terms)):
            if token.text == culprit:
                return token
    return None


def _format_value(value: float) -> str:
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def to_syntax(spec: ModelSpec) -> str:
    """Write a spec as canonical lavaan-style text.

    One measurement line per construct, then one ``Y ~ X + Z`` line per endogenous construct
    (more when the spec lists the paths into ``Y`` apart from each other: path order is kept),
    then one ``~~`` line per covariance. Fixed values are written in place as ``value*name``.

    Parameters
    ----------
    spec : ModelSpec
        The spec to write.

    Returns
    -------
    str
        The text, ending with a newline. Scales, construct labels, ``name`` and ``description``
        are not expressible in lavaan syntax and are left out.

    Raises
    ------
    SpecError
        If a construct has mode ``composite_a``, which has no lavaan operator.

    Examples
    --------
    >>> print(to_syntax(parse_syntax("S =~ s1 + s2; Q =~ 1*q1 + q2; S ~ Q")), end="")
    S =~ s1 + s2
    Q =~ 1*q1 + q2
    S ~ Q
    """
    fixed = {(f.lhs, f.op, f.rhs): f.value for f in spec.fixed}

    def term(lhs: str, op: str, rhs: str) -> str:
        value = fixed.get((lhs, op, rhs))
        return rhs if value is None else f"{_format_value(value)}*{rhs}"

    lines = []
    for construct in spec.constructs:
        if construct.mode is Mode.COMPOSITE_A:
            raise SpecError(
                f"Construct '{construct.name}' has mode 'composite_a', which lavaan syntax cannot express. "
                "Write the spec as YAML instead, or make the construct 'reflective' or 'composite'.",
                culprit=construct.name,
            )
        op = "<~" if construct.mode is Mode.COMPOSITE else "=~"
        lines.append(f"{construct.name} {op} " + " + ".join(term(construct.name, op, i) for i in construct.indicators))
    for hoc in spec.higher_order:
        lines.append(f"{hoc.name} {'<~' if hoc.mode is Mode.COMPOSITE else '=~'} " + " + ".join(hoc.components))
    for target, group in itertools.groupby(spec.paths, key=lambda p: p.target):
        lines.append(f"{target} ~ " + " + ".join(term(target, "~", p.source) for p in group))
    lines += [f"{target} ~ {t.name}" for t in spec.interactions for target in t.targets]
    for cov in spec.covariances:
        lines.append(f"{cov.left} ~~ {term(cov.left, '~~', cov.right)}")
    return "\n".join(lines) + "\n"
