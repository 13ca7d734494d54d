"""Value semantics: Java number promotion, equality, comparability and orderability."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
import uuid

import pytest
from gremlin_python.statics import SingleByte, bigint, long, short
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.engine.compare import GremlinTypeError, compare, equals, order_compare, order_key
from graph.engine.jrandom import JavaRandom
from graph.engine.math_expr import MathExpression
from graph.engine.numbers import ArithmeticGremlinError, Float32, add, div, mul, num_max, number_rank, sub

BYTE = int.__new__(SingleByte, 127)


@pytest.mark.parametrize(
    ("a", "b", "op", "value", "kind"),
    [
        (BYTE, int.__new__(SingleByte, 1), add, 128, short),  # byte overflow promotes to short
        (short(32767), short(1), add, 32768, int),
        (2147483647, 1, add, 2147483648, long),
        (7, 2, div, 3, int),  # Java integer division truncates
        (-7, 2, div, -3, int),
        (7, 2.0, div, 3.5, float),
        (3, long(4), mul, 12, long),
        (Float32(1.5), 2, mul, 3.0, Float32),
        (decimal.Decimal("0.1"), 0.2, add, decimal.Decimal("0.3"), decimal.Decimal),
        (bigint(2**70), 1, sub, 2**70 - 1, bigint),
    ],
)
def test_promotion(a: object, b: object, op: object, value: object, kind: type) -> None:
    result = op(a, b)  # type: ignore[operator]
    assert result == value
    assert type(result) is kind


def test_long_overflow_and_division_by_zero_raise() -> None:
    with pytest.raises(ArithmeticGremlinError):
        add(long(2**63 - 1), long(1))
    with pytest.raises(ArithmeticGremlinError):
        div(1, 0)
    assert math.isinf(div(1.0, 0))


def test_min_max_ignore_nan_and_promote() -> None:
    assert num_max(3, float("nan")) == 3
    assert type(num_max(3, long(2))) is long


@settings(max_examples=200, deadline=None)
@given(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**31), 2**31 - 1))
def test_int_addition_is_exact(a: int, b: int) -> None:
    result = add(a, b)
    assert result == a + b
    assert number_rank(result) == (2 if -(2**31) <= a + b < 2**31 else 3)


def test_equality_semantics() -> None:
    assert equals(1, 1.0) and equals(long(1), decimal.Decimal(1))
    assert not equals(True, 1)
    assert not equals(float("nan"), float("nan"))
    assert equals(None, None) and not equals(None, 0)
    assert equals([1, {"a": 2}], [1.0, {"a": 2}])
    assert not equals("1", 1)


def test_comparability_raises_across_types() -> None:
    assert compare(1, 2.5) < 0
    assert compare("a", "b") < 0
    with pytest.raises(GremlinTypeError):
        compare("a", 1)
    with pytest.raises(GremlinTypeError):
        compare(float("nan"), 1)
    assert compare(None, None) == 0


def test_orderability_ranks_types() -> None:
    values = [
        "zzz",
        1,
        None,
        True,
        [1],
        {"a": 1},
        uuid.UUID(int=5),
        dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        float("nan"),
        float("-inf"),
        {"x"},
    ]
    ordered = sorted(values, key=order_key)
    assert ordered[0] is None and ordered[1] is True
    assert ordered[2] == float("-inf") and math.isnan(ordered[4])
    assert isinstance(ordered[5], dt.datetime) and ordered[6] == "zzz"
    assert ordered[-3:] == [{"x"}, [1], {"a": 1}]


_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=True) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=2),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_values, max_size=8))
def test_orderability_is_a_total_order(values: list[object]) -> None:
    ordered = sorted(values, key=order_key)
    for a, b in zip(ordered, ordered[1:], strict=False):
        assert order_compare(a, b) <= 0
        assert order_compare(b, a) >= 0
    assert sorted(ordered, key=functools.cmp_to_key(order_compare)) == ordered


def test_math_expressions() -> None:
    expr = MathExpression("sqrt(a * a + b^2) - -1 + _ % 3 + sin 0")
    assert expr.variables == ["a", "b", "_"]
    assert expr.evaluate({"a": 3.0, "b": 4.0, "_": 7.0}) == 7.0
    assert math.isnan(MathExpression("0 / 0").evaluate({}))


def test_java_random_matches_java() -> None:
    # new java.util.Random(42).nextInt() and .nextDouble(), as the JDK produces them
    assert JavaRandom(42)._next(32) == -1170105035
    assert JavaRandom(42).random() == 0.7275636800328681
    r = JavaRandom(7)
    assert all(0 <= r.next_int(bound) < bound for bound in (1, 2, 3, 10, 64, 1000))
