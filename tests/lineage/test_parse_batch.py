"""parse_many: same answers in the same order, with or without a process pool."""

from __future__ import annotations

import pickle

from lineage import SchemaIndex, parse_many, parse_statement

STATEMENTS = [
    "INSERT INTO dw.t (a) SELECT x FROM st.s",
    "SELECT * FROM st.s",
    "this is not sql",
    "MERGE INTO dw.t USING st.s ON dw.t.id = st.s.id WHEN MATCHED THEN UPDATE SET a = st.s.x",
    "UPDATE dw.t SET a = a + 1",
] * 6
SCHEMA = {"st.s": {"id": "int", "x": "int"}}


def test_sequential_matches_parse_statement() -> None:
    got = parse_many(STATEMENTS, jobs=1, dialect="postgres", schema=SCHEMA)
    assert got == [parse_statement(s, dialect="postgres", schema=SCHEMA) for s in STATEMENTS]


def test_process_pool_gives_identical_results_in_order() -> None:
    sequential = parse_many(STATEMENTS, jobs=1, dialect="postgres", schema=SCHEMA)
    pooled = parse_many(STATEMENTS, jobs=2, dialect="postgres", schema=SchemaIndex.from_mapping(SCHEMA), chunk_size=4)
    assert pooled == sequential
    assert pooled[1].columns[0].column == "id"  # the schema reached the workers


def test_results_pickle_round_trip() -> None:
    result = parse_statement("INSERT INTO t SELECT a FROM s", dialect="postgres")
    assert pickle.loads(pickle.dumps(result)) == result


def test_empty_batch() -> None:
    assert parse_many([], jobs=4) == []
