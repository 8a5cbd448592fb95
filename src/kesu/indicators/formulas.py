"""Indicator formulas: a small safe expression language, parsed by hand (never `eval`).

Syntax: numbers, + - * /, parentheses, unary minus and data-element references written
`#{code}` (the element's total over its category options) or `#{code.option}` (one option), e.g.

    (#{science_museum_area} + #{st_museum_area}) / #{resident_population}

Errors carry the 0-based character position so that the editor can point at it. Evaluation
returns None when a referenced value is missing (in + and −, a missing operand counts as 0 unless
both are missing) and raises `ZeroDenominator` on division by zero,
which `compute_indicator` turns into the message “无法计算（分母为0）” instead of a number.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

NOT_COMPUTABLE_ZERO = "无法计算（分母为0）"
NOT_COMPUTABLE_MISSING = "缺少数据"

_CODE = r"[A-Za-z_][A-Za-z0-9_]*"
_REFERENCE = re.compile(rf"#\{{\s*({_CODE})(?:\.({_CODE}))?\s*\}}")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")


class FormulaError(ValueError):
    """A formula that cannot be parsed or checked; `position` is 0-based into the source."""

    def __init__(self, message: str, position: int, source: str = ""):
        self.message = message
        self.position = position
        self.source = source
        super().__init__(f"第{position + 1}个字符处：{message}")

    def pointer(self) -> str:
        """The source with a caret under the offending character, for <pre> display."""
        return f"{self.source}\n{' ' * self.position}^"


class ZeroDenominator(ArithmeticError):
    pass


@dataclass(frozen=True)
class Number:
    value: float
    position: int


@dataclass(frozen=True)
class Reference:
    element: str
    option: str | None
    position: int

    @property
    def key(self) -> str:
        return f"{self.element}.{self.option}" if self.option else self.element


@dataclass(frozen=True)
class Negate:
    operand: Node
    position: int


@dataclass(frozen=True)
class BinaryOp:
    operator: str
    left: Node
    right: Node
    position: int


Node = Number | Reference | Negate | BinaryOp


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "ref", "op", "(", ")", "end"
    text: str
    position: int
    value: object = None


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char.isspace():
            index += 1
            continue
        if char == "#":
            match = _REFERENCE.match(source, index)
            if not match:
                raise FormulaError("数据项引用应写作 #{代码} 或 #{代码.分类项}", index, source)
            tokens.append(Token("ref", match.group(0), index, (match.group(1), match.group(2))))
            index = match.end()
            continue
        number = _NUMBER.match(source, index)
        if number:
            tokens.append(Token("number", number.group(0), index, float(number.group(0))))
            index = number.end()
            continue
        if char in "+-*/":
            tokens.append(Token("op", char, index))
        elif char in "()":
            tokens.append(Token(char, char, index))
        elif char in "（）×÷":
            raise FormulaError(f"请使用半角符号，不能使用“{char}”", index, source)
        else:
            raise FormulaError(f"无法识别的字符“{char}”", index, source)
        index += 1
    tokens.append(Token("end", "", len(source)))
    return tokens


class _Parser:
    """Recursive descent: expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*;
    unary := '-' unary | primary; primary := number | ref | '(' expr ')'."""

    def __init__(self, source: str):
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise FormulaError("公式为空", 0, self.source)
        node = self.expression()
        token = self.peek()
        if token.kind != "end":
            message = "多余的右括号" if token.kind == ")" else f"缺少运算符，不应出现“{token.text}”"
            raise FormulaError(message, token.position, self.source)
        return node

    def expression(self) -> Node:
        node = self.term()
        while self.peek().kind == "op" and self.peek().text in "+-":
            operator = self.take()
            node = BinaryOp(operator.text, node, self.term(), operator.position)
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek().kind == "op" and self.peek().text in "*/":
            operator = self.take()
            node = BinaryOp(operator.text, node, self.unary(), operator.position)
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "op" and token.text == "-":
            self.take()
            return Negate(self.unary(), token.position)
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return Number(token.value, token.position)
        if token.kind == "ref":
            element, option = token.value
            return Reference(element, option, token.position)
        if token.kind == "(":
            node = self.expression()
            closing = self.peek()
            if closing.kind != ")":
                raise FormulaError("缺少右括号", closing.position, self.source)
            self.take()
            return node
        if token.kind == "end":
            raise FormulaError("公式不完整，末尾缺少数值或数据项", token.position, self.source)
        raise FormulaError(f"此处应为数值、数据项或左括号，不应出现“{token.text}”", token.position, self.source)


def parse(source: str) -> Node:
    return _Parser(source or "").parse()


def references(node: Node) -> list[Reference]:
    if isinstance(node, Reference):
        return [node]
    if isinstance(node, Negate):
        return references(node.operand)
    if isinstance(node, BinaryOp):
        return references(node.left) + references(node.right)
    return []


def evaluate(node: Node, lookup: Callable[[str, str | None], float | None]) -> float | None:
    """The formula's value; None if any referenced value is missing."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Reference):
        return lookup(node.element, node.option)
    if isinstance(node, Negate):
        operand = evaluate(node.operand, lookup)
        return None if operand is None else -operand
    left = evaluate(node.left, lookup)
    right = evaluate(node.right, lookup)
    if node.operator in "+-" and (left is None) != (right is None):
        # A sum of parts counts a part nobody reported as zero (a county without a science museum
        # leaves its area empty); only when every part is missing is the sum missing.
        left, right = left or 0.0, right or 0.0
    if left is None or right is None:
        return None
    if node.operator == "+":
        return left + right
    if node.operator == "-":
        return left - right
    if node.operator == "*":
        return left * right
    if right == 0:
        raise ZeroDenominator(node.position)
    return left / right


# --- display ---------------------------------------------------------------------------------
# The stored expression stays as typed (#{code}); pages show it the way an office writes it, with the
# elements' Chinese names and × ÷ for * /.

_SHOWN_OPERATORS = {"*": "×", "/": "÷", "+": "+", "-": "−"}


def number_text(value: float) -> str:
    """10000.0 → "10000", 0.5 → "0.5": a factor or constant as written, never 1e+04."""
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


def display(source: str, name_of: Callable[[str, str | None], str]) -> str:
    """The formula `source` for reading: references replaced by `name_of(code, option)`; a formula
    that does not parse is returned as typed (the editor shows its error)."""
    try:
        tokens = tokenize(source or "")
    except FormulaError:
        return source
    parts: list[str] = []
    previous: Token | None = None
    for token in tokens:
        if token.kind == "ref":
            parts.append(name_of(*token.value))
        elif token.kind == "number":
            parts.append(number_text(token.value))
        elif token.kind == "op":
            unary = token.text == "-" and (previous is None or previous.kind in ("op", "("))
            shown = _SHOWN_OPERATORS[token.text]
            parts.append(shown if unary else f" {shown} ")
        elif token.kind in "()":
            parts.append(token.text)
        previous = token
    return "".join(parts).strip()


def _is_sum(node: Node) -> bool:
    return isinstance(node, BinaryOp) and node.operator in "+-"


def display_indicator(numerator: str, denominator: str, factor: float,
                      name_of: Callable[[str, str | None], str]) -> str:
    """numerator ÷ denominator × factor in words, e.g. "科普人员（专职） ÷ 常住人口 × 10000", with
    parentheses only where the reading needs them."""
    try:
        top = parse(numerator)
        bottom = parse(denominator) if (denominator or "").strip() else None
    except FormulaError:
        return " ÷ ".join(p for p in (numerator, denominator) if p)
    text = display(numerator, name_of)
    if (bottom is not None or factor != 1) and _is_sum(top):
        text = f"({text})"
    if bottom is not None:
        under = display(denominator, name_of)
        if isinstance(bottom, BinaryOp | Negate):
            under = f"({under})"
        text = f"{text} ÷ {under}"
    if factor != 1:
        text = f"{text} × {number_text(factor)}"
    return text


# --- units -----------------------------------------------------------------------------------
# A unit is a multiset of names over a multiset of names (平方米/人). Adding or subtracting
# different units is refused; multiplying and dividing composes them. Numbers have no unit.


@dataclass(frozen=True)
class Dimension:
    over: tuple[str, ...] = ()
    under: tuple[str, ...] = ()

    @classmethod
    def of(cls, unit: str) -> Dimension:
        if not unit or unit == "%":
            return cls()
        top, _, bottom = unit.partition("/")
        return cls((top,) if top else (), (bottom,) if bottom else ())

    def times(self, other: Dimension) -> Dimension:
        return _simplify(Counter(self.over) + Counter(other.over), Counter(self.under) + Counter(other.under))

    def divided_by(self, other: Dimension) -> Dimension:
        return _simplify(Counter(self.over) + Counter(other.under), Counter(self.under) + Counter(other.over))

    def label(self) -> str:
        top = "·".join(self.over) or ("1" if self.under else "")
        return f"{top}/{'·'.join(self.under)}" if self.under else top


def _simplify(over: Counter, under: Counter) -> Dimension:
    common = over & under
    over, under = over - common, under - common
    return Dimension(tuple(sorted(over.elements())), tuple(sorted(under.elements())))


def infer_dimension(node: Node, unit_of: Mapping[str, str]) -> Dimension:
    """The unit of a formula given each element's unit; FormulaError when + or - mixes units."""
    if isinstance(node, Number):
        return Dimension()
    if isinstance(node, Reference):
        return Dimension.of(unit_of.get(node.element, ""))
    if isinstance(node, Negate):
        return infer_dimension(node.operand, unit_of)
    left = infer_dimension(node.left, unit_of)
    right = infer_dimension(node.right, unit_of)
    if node.operator in "+-":
        # A bare number may be added to anything (e.g. "+ 1" offsets); two different units may not.
        if left != right and left != Dimension() and right != Dimension():
            raise FormulaError(f"单位不一致，不能相加减：{left.label()} 与 {right.label()}", node.position)
        return left if left != Dimension() else right
    return left.times(right) if node.operator == "*" else left.divided_by(right)


def _base_name(unit: str) -> str:
    # 万人 and 人, 万元 and 元 differ only by a power of ten that the factor accounts for.
    return unit[1:] if unit.startswith("万") and len(unit) > 1 else unit


def units_agree(inferred: Dimension, declared: str) -> bool:
    if declared == "%":
        return inferred == Dimension()
    target = Dimension.of(declared)
    normalise = lambda names: sorted(_base_name(n) for n in names)  # noqa: E731
    return normalise(inferred.over) == normalise(target.over) and normalise(inferred.under) == normalise(
        target.under
    )


# --- indicators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorResult:
    value: float | None
    note: str = ""

    @property
    def computable(self) -> bool:
        return self.value is not None


def compute_indicator(
    numerator: Node,
    denominator: Node | None,
    factor: float,
    lookup: Callable[[str, str | None], float | None],
    decimals: int | None = None,
) -> IndicatorResult:
    try:
        top = evaluate(numerator, lookup)
        bottom = evaluate(denominator, lookup) if denominator is not None else 1.0
    except ZeroDenominator:
        return IndicatorResult(None, NOT_COMPUTABLE_ZERO)
    if top is None or bottom is None:
        return IndicatorResult(None, NOT_COMPUTABLE_MISSING)
    if bottom == 0:
        return IndicatorResult(None, NOT_COMPUTABLE_ZERO)
    value = top / bottom * factor
    return IndicatorResult(round(value, decimals) if decimals is not None else value)


@dataclass
class FormulaCheck:
    """Outcome of checking an indicator definition in the editor."""

    errors: list[str]
    warnings: list[str]
    unit: str = ""
    sample: IndicatorResult | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def check_indicator(
    numerator_source: str,
    denominator_source: str,
    factor: float,
    declared_unit: str,
    elements: Mapping[str, tuple[str, frozenset[str]]],
    sample_values: Mapping[str, float] | None = None,
) -> FormulaCheck:
    """Parse both formulas, check that every reference names a known element (and option), that
    units are consistent, and try the formula on sample values.

    `elements` maps code → (unit, option codes); `sample_values` maps "code" or "code.option" → value.
    """
    errors: list[str] = []
    warnings: list[str] = []
    nodes: dict[str, Node | None] = {}
    for label, source in (("分子", numerator_source), ("分母", denominator_source)):
        if label == "分母" and not (source or "").strip():
            nodes[label] = None
            continue
        try:
            node = parse(source)
        except FormulaError as exc:
            errors.append(f"{label}{exc}\n{exc.pointer()}")
            continue
        for ref in references(node):
            if ref.element not in elements:
                errors.append(f"{label}第{ref.position + 1}个字符处：未知数据项“{ref.element}”")
            elif ref.option and ref.option not in elements[ref.element][1]:
                errors.append(f"{label}第{ref.position + 1}个字符处：数据项“{ref.element}”没有分类项“{ref.option}”")
        nodes[label] = node
    if errors:
        return FormulaCheck(errors, warnings)
    unit_of = {code: unit for code, (unit, _) in elements.items()}
    try:
        dimension = infer_dimension(nodes["分子"], unit_of)
        if nodes["分母"] is not None:
            dimension = dimension.divided_by(infer_dimension(nodes["分母"], unit_of))
    except FormulaError as exc:
        return FormulaCheck([f"公式{exc}"], warnings)
    if declared_unit and not units_agree(dimension, declared_unit):
        warnings.append(f"公式推算的单位为“{dimension.label() or '无量纲'}”，与填写的单位“{declared_unit}”不一致，请核对系数")
    sample = None
    if sample_values is not None:

        def lookup(element: str, option: str | None) -> float | None:
            return sample_values.get(f"{element}.{option}" if option else element)

        sample = compute_indicator(nodes["分子"], nodes["分母"], factor, lookup)
    return FormulaCheck(errors, warnings, dimension.label(), sample)
