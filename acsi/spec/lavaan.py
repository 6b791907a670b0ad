"""Read and write model specifications in lavaan-style text.

The text syntax follows lavaan's model syntax, restricted to what a customer-satisfaction model
needs::

    # measurement model
    QUAL =~ qual1 + qual2 + qual3      # reflective block (PLS Mode A)
    IMAG <~ imag1 + imag2 + imag3      # composite block (PLS Mode B)
    # structural model: 'Y ~ X + Z' means the paths X -> Y and Z -> Y
    SAT ~ IMAG + QUAL
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
import re
from dataclasses import dataclass

from acsi.errors import SpecError
from acsi.spec.model import Construct, Covariance, FixedValue, Mode, ModelSpec, Path

__all__ = ["parse_syntax", "to_syntax"]

_SUPPORTED = ("=~", "<~", "~", "~~")
_SUPPORTED_TEXT = "'=~' (reflective block), '<~' (composite block), '~' (path), '~~' (covariance)"

# Longest operators first, so that '~~' is not read as two '~'.
_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\f\v]+)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?(?![\w.]))
  | (?P<name>[^\W\d][\w.]*)
  | (?P<badname>[\w.]+)
  | (?P<op>~\*~|=~|<~|~~|:=|==|<=|>=|~|<|>|\||=)
  | (?P<plus>\+)
  | (?P<star>\*)
  | (?P<minus>-)
  | (?P<semi>;)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # name, number, op, plus, star, minus, semi, newline
    text: str
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class _Term:
    name: str
    token: _Token
    value: float | None  # a fixed value, or None


@dataclass(frozen=True)
class _Statement:
    lhs: tuple[_Token, ...]
    op: _Token
    terms: tuple[_Term, ...]


class _Text:
    """The source lines, to build errors with a caret line."""

    def __init__(self, text: str, source: str | None) -> None:
        self.lines = text.splitlines()
        self.source = source

    def error(
        self,
        message: str,
        token: _Token | None = None,
        *,
        culprit: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> SpecError:
        if token is not None:
            line, column = token.line, token.column
        if self.source is not None:
            message = f"In file '{self.source}': {message}"
        source_line = self.lines[line - 1] if line is not None and 0 < line <= len(self.lines) else None
        return SpecError(message, culprit=culprit, line=line, column=column, source_line=source_line)


def _strip_comment(line: str) -> str:
    cut = [i for i in (line.find("#"), line.find("!")) if i >= 0]
    return line[: min(cut)] if cut else line


def _tokenize(text: _Text) -> list[_Token]:
    tokens: list[_Token] = []
    for number, raw in enumerate(text.lines, start=1):
        line = _strip_comment(raw)
        pos = 0
        while pos < len(line):
            match = _TOKEN.match(line, pos)
            column = pos + 1
            if match is None:
                char = line[pos]
                hint = (
                    " Modifiers such as start(), equal() or c() are not supported; write a plain "
                    "name or a numeric fixed value such as '1*x1'."
                    if char == "("
                    else " Names contain letters, digits, '_' or '.'; operators are " + _SUPPORTED_TEXT + ". "
                    "Remove the character."
                )
                raise text.error(f"Unexpected character {char!r}.{hint}", culprit=char, line=number, column=column)
            kind = match.lastgroup or "space"
            if kind == "badname":
                raise text.error(
                    f"Invalid name {match.group()!r}. Names start with a letter or underscore and contain "
                    "letters, digits, '_' or '.'; rename it.",
                    culprit=match.group(),
                    line=number,
                    column=column,
                )
            if kind != "space":
                tokens.append(_Token(kind, match.group(), number, column))
            pos = match.end()
        tokens.append(_Token("newline", "", number, len(line) + 1))
    return tokens


def _split_statements(tokens: list[_Token]) -> list[list[_Token]]:
    """Group tokens into statements: ';' ends one; a newline does unless '+' joins the lines."""
    statements: list[list[_Token]] = []
    current: list[_Token] = []
    for i, token in enumerate(tokens):
        if token.kind == "newline":
            if current and current[-1].kind == "plus":
                continue
            following = next((t for t in itertools.islice(tokens, i + 1, None) if t.kind != "newline"), None)
            if current and following is not None and following.kind == "plus":
                continue
        if token.kind in ("newline", "semi"):
            if current:
                statements.append(current)
            current = []
            continue
        current.append(token)
    if current:
        statements.append(current)
    return statements


def _describe(token: _Token) -> str:
    return "a number" if token.kind == "number" else repr(token.text)


def _parse_statement(tokens: list[_Token], text: _Text) -> _Statement:
    first = tokens[0]
    if first.kind != "name":
        if first.kind == "plus":
            raise text.error(
                "Stray '+' at the start of a statement. Put it between two names, or continue the "
                "previous line by ending it with '+'.",
                first,
                culprit="+",
            )
        raise text.error(
            f"A statement must start with a construct or indicator name; found {_describe(first)}. "
            "Write statements such as 'SAT =~ sat1 + sat2' or 'SAT ~ QUAL'.",
            first,
            culprit=first.text,
        )
    lhs = [first]
    pos = 1
    while pos < len(tokens) and tokens[pos].kind == "plus":
        if pos + 1 < len(tokens) and tokens[pos + 1].kind == "name":
            lhs.append(tokens[pos + 1])
            pos += 2
        else:
            raise text.error("Stray '+': expected a name after it.", tokens[pos], culprit="+")
    if pos == len(tokens):
        last = tokens[-1]
        raise text.error(
            f"Statement '{' + '.join(t.text for t in lhs)}' has no operator. Add one after it; operators: {_SUPPORTED_TEXT}.",
            _Token(last.kind, last.text, last.line, last.column + len(last.text)),
            culprit=first.text,
        )
    op = tokens[pos]
    if op.kind != "op":
        raise text.error(
            f"Expected an operator after '{tokens[pos - 1].text}'; found {_describe(op)}. Operators: {_SUPPORTED_TEXT}.",
            op,
            culprit=op.text,
        )
    if op.text not in _SUPPORTED:
        raise text.error(
            f"Operator '{op.text}' is not supported. Supported operators: {_SUPPORTED_TEXT}. Remove the "
            "statement or rewrite it with one of these.",
            op,
            culprit=op.text,
        )
    if len(lhs) > 1 and op.text in ("=~", "<~"):
        raise text.error(
            f"'{op.text}' takes a single construct on its left-hand side; found "
            f"'{' + '.join(t.text for t in lhs)}'. Declare each block on its own line.",
            lhs[1],
            culprit=lhs[1].text,
        )
    pos += 1
    if pos == len(tokens):
        raise text.error(
            f"Operator '{op.text}' has nothing on its right-hand side. Add the "
            + ("indicators" if op.text in ("=~", "<~") else "names")
            + f" after it, as in '{first.text} {op.text} x1 + x2'.",
            op,
            culprit=first.text,
        )
    terms: list[_Term] = []
    while True:
        term, pos = _parse_term(tokens, pos, op, text)
        terms.append(term)
        if pos == len(tokens):
            break
        token = tokens[pos]
        if token.kind == "plus":
            if pos + 1 == len(tokens):
                raise text.error("Stray '+' at the end of the statement: expected a name after it.", token, culprit="+")
            pos += 1
            continue
        if token.kind == "op":
            raise text.error(
                f"A second operator '{token.text}' in one statement. Put each statement on its own line "
                "or separate statements with ';'.",
                token,
                culprit=token.text,
            )
        raise text.error(
            f"Expected '+' between two terms; found {_describe(token)}. Join the terms with '+'.",
            token,
            culprit=token.text,
        )
    return _Statement(tuple(lhs), op, tuple(terms))


def _parse_term(tokens: list[_Token], pos: int, op: _Token, text: _Text) -> tuple[_Term, int]:
    token = tokens[pos]
    rest = tokens[pos + 1 :]
    if token.kind == "name" and rest and rest[0].kind == "star":
        # 'label*x': a non-numeric pre-multiplier.
        if token.text == "NA":
            raise text.error("Freeing a parameter with 'NA*' is not supported. Remove 'NA*'.", token, culprit=token.text)
        raise text.error(
            f"Labels are not supported yet: remove the label '{token.text}' in '{token.text}*...'. "
            "Only numeric fixed values such as '1*x1' may pre-multiply a name.",
            token,
            culprit=token.text,
        )
    if token.kind == "name":
        return _Term(token.text, token, None), pos + 1
    if token.kind in ("number", "minus"):
        sign = 1.0
        start = token
        if token.kind == "minus":
            if not rest or rest[0].kind != "number":
                raise text.error(
                    "Unexpected '-'. A minus sign may only precede a fixed value, as in '-1*x1'.", token, culprit="-"
                )
            sign, pos = -1.0, pos + 1
            token, rest = tokens[pos], tokens[pos + 1 :]
        if not rest or rest[0].kind != "star":
            if op.text == "~" and start.kind == "number":
                raise text.error(
                    f"Operator '~{token.text}' (an intercept) is not supported: models have no mean structure. "
                    f"Remove '~ {token.text}'.",
                    start,
                    culprit=f"~{token.text}",
                )
            raise text.error(
                f"Expected a name; found the number {token.text!r}. Write a fixed value as '{token.text}*name'.",
                start,
                culprit=token.text,
            )
        if len(rest) < 2 or rest[1].kind != "name":
            after = rest[1] if len(rest) > 1 else rest[0]
            raise text.error(f"Expected a name after '{token.text}*'.", after, culprit=token.text)
        name = rest[1]
        if len(rest) > 2 and rest[2].kind == "star":
            raise text.error(
                f"Only one pre-multiplier per term is supported; found another '*' after '{name.text}'.",
                rest[2],
                culprit=name.text,
            )
        return _Term(name.text, name, sign * float(token.text)), pos + 3
    if token.kind == "plus":
        raise text.error("Stray '+': expected a name before it.", token, culprit="+")
    if token.kind == "op":
        raise text.error(
            f"Operator '{op.text}' is followed by a second operator '{token.text}'. Write one operator per statement.",
            token,
            culprit=token.text,
        )
    raise text.error(f"Expected a name; found {_describe(token)}.", token, culprit=token.text)


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
    source_text = _Text(text, source)
    statements = [_parse_statement(tokens, source_text) for tokens in _split_statements(_tokenize(source_text))]
    if not statements:
        raise source_text.error(
            "The model text contains no statement. Declare at least one block such as 'SAT =~ sat1 + sat2'.",
            culprit="text",
        )
    return _build(statements, source_text)


def _build(statements: list[_Statement], text: _Text) -> ModelSpec:
    blocks: dict[str, tuple[_Token, list[str]]] = {}  # construct -> (first operator token, indicators)
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
    indicators = {i for _, items in blocks.values() for i in items}

    paths: list[Path] = []
    covariances: list[Covariance] = []
    fixed: dict[tuple[str, str, str], float] = {}
    where: dict[str, _Token] = {}  # path key / statement text -> token, for validation errors
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
    try:
        return ModelSpec(constructs=constructs, paths=tuple(paths), covariances=tuple(covariances), fixed=fixed_values)
    except SpecError as err:
        token = _locate(err.culprit, statements, where)
        if token is None:
            if text.source is None:
                raise
            raise text.error(str(err), culprit=err.culprit) from err
        raise text.error(str(err), token, culprit=err.culprit) from err


def _locate(culprit: str | None, statements: list[_Statement], where: dict[str, _Token]) -> _Token | None:
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
    for target, group in itertools.groupby(spec.paths, key=lambda p: p.target):
        lines.append(f"{target} ~ " + " + ".join(term(target, "~", p.source) for p in group))
    for cov in spec.covariances:
        lines.append(f"{cov.left} ~~ {term(cov.left, '~~', cov.right)}")
    return "\n".join(lines) + "\n"
