"""Property tests: no input makes the parser raise, and answers are stable."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineage import KINDS, parse_statement, procedure_statements, resolve_temporaries

DIALECTS = [None, "postgres", "redshift", "snowflake", "bigquery", "spark", "tsql"]

VALID = [
    "INSERT INTO dw.t (a, b) SELECT s.x, s.y FROM st.s s JOIN st.u u ON s.id = u.id WHERE u.flag",
    "WITH c AS (SELECT id, v FROM st.s) SELECT c.id, SUM(c.v) OVER (PARTITION BY c.id) AS total FROM c",
    "MERGE INTO dw.t USING st.s AS s ON dw.t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v "
    "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)",
    "UPDATE dw.t SET a = s.x || s.y FROM st.s s WHERE dw.t.id = s.id",
    "DELETE FROM dw.t USING st.s WHERE dw.t.id = st.s.id",
    "CREATE TABLE dw.t AS SELECT a, b FROM st.s UNION ALL SELECT c, d FROM st.u",
    "SELECT * FROM (SELECT a, b FROM st.s) q, UNNEST(q.a) AS e",
    "CREATE VIEW v AS SELECT CASE WHEN a > 0 THEN b ELSE c END AS x FROM st.s",
]
TOKENS = ["SELECT", "FROM", "WHERE", "(", ")", ",", "*", "AS", "JOIN", "ON", "UNION", "WITH", "INSERT", "INTO",
          "MERGE", "USING", "WHEN", "MATCHED", "THEN", "UPDATE", "SET", "=", "a", "t.b", "'x'", "1", ";", "--",
          "/*", "$$", "BEGIN", "END", "LATERAL", "VIEW", "OVER", "PARTITION", "BY", "CASE", "ELSE", "NULL", "."]

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str, dialect: str | None) -> None:
    result = parse_statement(text, dialect=dialect)
    assert result.confidence in ("complete", "partial", "failed")
    assert result.kind in KINDS
    assert list(result.sources) == sorted(set(result.sources))
    for col in result.columns:
        assert list(col.sources) == sorted(set(col.sources))
    if result.confidence == "failed":
        assert result.error
        assert not result.error.startswith("internal error"), result.error  # a bug, not bad input
    elif result.confidence == "partial":
        assert result.reason
    assert parse_statement(text, dialect=dialect) == result  # deterministic
    procedure_statements(text, dialect)
    resolve_temporaries([result, result])


@_SETTINGS
@given(st.text(max_size=200), st.sampled_from(DIALECTS))
def test_arbitrary_text_never_raises(text: str, dialect: str | None) -> None:
    _check(text, dialect)


@_SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from(DIALECTS))
def test_token_soup_never_raises(tokens: list[str], dialect: str | None) -> None:
    _check(" ".join(tokens), dialect)


@_SETTINGS
@given(st.sampled_from(VALID), st.integers(min_value=0, max_value=2**32 - 1), st.sampled_from(DIALECTS))
def test_mutated_valid_sql_never_raises(sql: str, seed: int, dialect: str | None) -> None:
    rng = random.Random(seed)
    chars = list(sql)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(4)
        pos = rng.randrange(len(chars) + 1)
        if op == 0 and chars:  # delete a run
            del chars[pos:pos + rng.randint(1, 8)]
        elif op == 1:  # insert a token
            chars[pos:pos] = list(" " + rng.choice(TOKENS) + " ")
        elif op == 2 and chars:  # duplicate a slice
            start = rng.randrange(len(chars))
            chars[pos:pos] = chars[start:start + rng.randint(1, 20)]
        else:  # swap case of a run
            chars[pos:pos + 5] = [c.swapcase() for c in chars[pos:pos + 5]]
    _check("".join(chars), dialect)


@_SETTINGS
@given(st.sampled_from(VALID), st.sampled_from(DIALECTS))
def test_valid_sql_keeps_its_tables(sql: str, dialect: str | None) -> None:
    result = parse_statement(sql, dialect=dialect)
    assert result.confidence != "failed", result.error
    assert not {"c", "q", "e", "s", "u"} & set(result.sources)  # CTE names and aliases never leak
