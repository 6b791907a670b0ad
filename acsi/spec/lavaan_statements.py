"""Tokens and statements of lavaan-style model text (the lexer and statement parser of :mod:`acsi.spec.lavaan`).

:func:`tokenize` splits the text into tokens with their line and column, :func:`split_statements`
joins continued lines and splits at ``;``, :func:`parse_statement` reads ``lhs op term + term``
(a term is a name, optionally pre-multiplied by a number). Every error is a
:class:`~acsi.errors.SpecError` pointing at the offending token (:meth:`Text.error`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from acsi.errors import SpecError

SUPPORTED = ("=~", "<~", "~", "~~")
SUPPORTED_TEXT = "'=~' (reflective block), '<~' (composite block), '~' (path), '~~' (covariance)"

# Longest operators first, so that '~~' is not read as two '~'.
_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\f\v]+)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?(?![\w.]))
  | (?P<name>[^\W\d][\w.]*)
  | (?P<badname>[\w.]+)
  | (?P<op>~\*~|=~|<~|~~|:=|==|<=|>=|~|<|>|\||=)
  | (?P<colon>:)
  | (?P<plus>\+)
  | (?P<star>\*)
  | (?P<minus>-)
  | (?P<semi>;)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # name, number, op, plus, star, minus, semi, newline
    text: str
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class Term:
    name: str
    token: Token
    value: float | None  # a fixed value, or None


@dataclass(frozen=True)
class Statement:
    lhs: tuple[Token, ...]
    op: Token
    terms: tuple[Term, ...]


class Text:
    """The source lines, to build errors with a caret line."""

    def __init__(self, text: str, source: str | None) -> None:
        self.lines = text.splitlines()
        self.source = source

    def error(
        self,
        message: str,
        token: Token | None = None,
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


def strip_comment(line: str) -> str:
    cut = [i for i in (line.find("#"), line.find("!")) if i >= 0]
    return line[: min(cut)] if cut else line


def tokenize(text: Text) -> list[Token]:
    tokens: list[Token] = []
    for number, raw in enumerate(text.lines, start=1):
        line = strip_comment(raw)
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
                    else " Names contain letters, digits, '_' or '.'; operators are " + SUPPORTED_TEXT + ". Remove the character."
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
                tokens.append(Token(kind, match.group(), number, column))
            pos = match.end()
        tokens.append(Token("newline", "", number, len(line) + 1))
    return tokens


def split_statements(tokens: list[Token]) -> list[list[Token]]:
    """Group tokens into statements: ';' ends one; a newline does unless '+' joins the lines."""
    statements: list[list[Token]] = []
    current: list[Token] = []
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


def describe(token: Token) -> str:
    return "a number" if token.kind == "number" else repr(token.text)


def parse_statement(tokens: list[Token], text: Text) -> Statement:
    """One statement ``lhs op term + term ...`` of the tokens between two statement ends."""
    lhs, pos = _parse_lhs(tokens, text)
    first = tokens[0]
    if pos == len(tokens):
        last = tokens[-1]
        raise text.error(
            f"Statement '{' + '.join(t.text for t in lhs)}' has no operator. Add one after it; operators: {SUPPORTED_TEXT}.",
            Token(last.kind, last.text, last.line, last.column + len(last.text)),
            culprit=first.text,
        )
    op = tokens[pos]
    if op.kind != "op":
        raise text.error(
            f"Expected an operator after '{tokens[pos - 1].text}'; found {describe(op)}. Operators: {SUPPORTED_TEXT}.",
            op,
            culprit=op.text,
        )
    if op.text not in SUPPORTED:
        raise text.error(
            f"Operator '{op.text}' is not supported. Supported operators: {SUPPORTED_TEXT}. Remove the "
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
    terms: list[Term] = []
    while True:
        term, pos = parse_term(tokens, pos, op, text)
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
            f"Expected '+' between two terms; found {describe(token)}. Join the terms with '+'.",
            token,
            culprit=token.text,
        )
    return Statement(tuple(lhs), op, tuple(terms))


def _parse_lhs(tokens: list[Token], text: Text) -> tuple[list[Token], int]:
    """The names left of the operator (``Y1 + Y2``) and the position after them."""
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
            f"A statement must start with a construct or indicator name; found {describe(first)}. "
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
    return lhs, pos


def parse_term(tokens: list[Token], pos: int, op: Token, text: Text) -> tuple[Term, int]:
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
    if token.kind == "name" and rest and rest[0].kind == "colon":
        return _interaction_term(token, rest, op, text), pos + 3
    if token.kind == "name":
        return Term(token.text, token, None), pos + 1
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
        return Term(name.text, name, sign * float(token.text)), pos + 3
    if token.kind == "plus":
        raise text.error("Stray '+': expected a name before it.", token, culprit="+")
    if token.kind == "op":
        raise text.error(
            f"Operator '{op.text}' is followed by a second operator '{token.text}'. Write one operator per statement.",
            token,
            culprit=token.text,
        )
    raise text.error(f"Expected a name; found {describe(token)}.", token, culprit=token.text)


def _interaction_term(token: Token, rest: list[Token], op: Token, text: Text) -> Term:
    """``A:B`` on the right of ``~``: the interaction of constructs A and B (moderation)."""
    if op.text != "~" or len(rest) < 2 or rest[1].kind != "name":
        raise text.error(
            f"'{token.text}:' starts an interaction term, written 'A:B' on the right of '~' "
            "(as in 'SAT ~ QUAL + SEG + QUAL:SEG').",
            rest[0],
            culprit=token.text,
        )
    return Term(f"{token.text}:{rest[1].text}", token, None)
