"""split_statements: where statements end, and exactly where each one starts."""

from __future__ import annotations

import pytest

from catalog.sqltext import SqlStatement, leading_keywords, split_statements


def _split(text: str, dialect: str | None = None) -> list[tuple[str, int, int, int]]:
    return [(s.text, s.line, s.column, s.end_line) for s in split_statements(text, dialect)]


def test_positions_are_of_the_first_token_and_comments_before_it_are_not_part_of_the_statement() -> None:
    text = "-- header\n\n  /* lead */ CREATE TABLE a (\n    x int\n  );\nSELECT 1 -- trailing\n;\n"
    assert _split(text) == [
        ("CREATE TABLE a (\n    x int\n  )", 3, 14, 5),
        ("SELECT 1", 6, 1, 6),
    ]


def test_statement_type_is_frozen() -> None:
    statement = split_statements("select 1")[0]
    assert statement == SqlStatement("select 1", 1, 1, 1)
    with pytest.raises(AttributeError):
        statement.line = 2  # type: ignore[misc]


def test_semicolons_inside_strings_identifiers_and_comments_do_not_split() -> None:
    text = "select 'a;b', \"c;d\", `e;f` /* g; */ -- h;\nfrom t; select 2"
    assert [s.text for s in split_statements(text)] == [
        "select 'a;b', \"c;d\", `e;f` /* g; */ -- h;\nfrom t",
        "select 2",
    ]


def test_doubled_quotes_escape_and_backslash_depends_on_dialect() -> None:
    assert [s.text for s in split_statements("select 'it''s;'; select 2")] == ["select 'it''s;'", "select 2"]
    # MySQL: \' escapes the quote, so the string runs on past the first semicolon.
    assert [s.text for s in split_statements(r"select 'a\'; b'; select 2", "mysql")] == [
        r"select 'a\'; b'",
        "select 2",
    ]
    # Postgres: a backslash is an ordinary character in a standard string ...
    assert [s.text for s in split_statements(r"select 'a\'; select 2", "postgres")] == [
        r"select 'a\'",
        "select 2",
    ]
    # ... but escapes in an E'' string.
    assert [s.text for s in split_statements(r"select E'a\'; b'; select 2", "postgres")] == [
        r"select E'a\'; b'",
        "select 2",
    ]


def test_dollar_quoting() -> None:
    text = (
        "CREATE FUNCTION f() RETURNS int AS $$ select 1; select 2; $$ LANGUAGE sql;\n"
        "DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$;\n"
        "select $1, a$b$c from t"
    )
    assert _split(text, "postgres") == [
        ("CREATE FUNCTION f() RETURNS int AS $$ select 1; select 2; $$ LANGUAGE sql", 1, 1, 1),
        ("DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$", 2, 1, 2),
        ("select $1, a$b$c from t", 3, 1, 3),
    ]


def test_nested_block_comments_follow_the_dialect() -> None:
    text = "select /* a /* b */ ; */ 1; select 2"
    assert [s.text for s in split_statements(text, "postgres")] == ["select /* a /* b */ ; */ 1", "select 2"]
    assert [s.text for s in split_statements(text, "mysql")] == ["select", "*/ 1", "select 2"]


def test_hash_and_double_slash_comments_only_where_the_dialect_has_them() -> None:
    assert [s.text for s in split_statements("select 1 # x;\n; select 2", "mysql")] == [
        "select 1",
        "select 2",
    ]
    assert [s.text for s in split_statements("select 1 // x;\n; select 2", "snowflake")] == [
        "select 1",
        "select 2",
    ]
    assert [s.text for s in split_statements("select 1 # 2; select 3", "postgres")] == [
        "select 1 # 2",
        "select 3",
    ]


def test_bigquery_triple_quoted_strings() -> None:
    text = "select '''a;\n'b';''' as x; select \"\"\";\"\"\""
    assert [s.text for s in split_statements(text, "bigquery")] == [
        "select '''a;\n'b';''' as x",
        'select """;"""',
    ]


def test_tsql_brackets_and_go_batches() -> None:
    text = "CREATE TABLE [a;b] (x int)\nGO\nSELECT 1\n  go 2\nSELECT go FROM t\n"
    assert _split(text, "tsql") == [
        ("CREATE TABLE [a;b] (x int)", 1, 1, 1),
        ("SELECT 1", 3, 1, 3),
        ("SELECT go FROM t", 5, 1, 5),
    ]


def test_procedure_bodies_are_one_statement() -> None:
    text = (
        "CREATE PROCEDURE p() BEGIN\n"
        "  DECLARE x INT;\n"
        "  IF x > 0 THEN SELECT CASE WHEN x = 1 THEN 'one' END; END IF;\n"
        "  WHILE x < 3 DO SET x = x + 1; END WHILE;\n"
        "END;\n"
        "SELECT 2;"
    )
    assert _split(text, "mysql") == [(text[: text.index("END;\nSELECT") + 3], 1, 1, 5), ("SELECT 2", 6, 1, 6)]


def test_trigger_and_anonymous_blocks() -> None:
    sqlite = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE x SET a = 1; DELETE FROM y; END; SELECT 1"
    assert [s.text for s in split_statements(sqlite, "sqlite")] == [
        sqlite[: sqlite.index("; SELECT")],
        "SELECT 1",
    ]
    bigquery = "BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\nIF a THEN SELECT 1; ELSE SELECT 2; END IF;\nSELECT 3"
    assert _split(bigquery, "bigquery") == [
        ("BEGIN\n  SELECT 1;\n  SELECT 2;\nEND", 1, 1, 4),
        ("IF a THEN SELECT 1; ELSE SELECT 2; END IF", 5, 1, 5),
        ("SELECT 3", 6, 1, 6),
    ]
    snowflake = "DECLARE x INT; BEGIN x := 1; RETURN x; END; SELECT 1;"
    assert [s.text for s in split_statements(snowflake, "snowflake")] == [
        "DECLARE x INT; BEGIN x := 1; RETURN x; END",
        "SELECT 1",
    ]


def test_transaction_begin_is_an_ordinary_statement() -> None:
    assert [s.text for s in split_statements("BEGIN; CREATE TABLE t (a int); COMMIT;", "postgres")] == [
        "BEGIN",
        "CREATE TABLE t (a int)",
        "COMMIT",
    ]
    assert [s.text for s in split_statements("BEGIN TRANSACTION; SELECT 1; END;", "snowflake")] == [
        "BEGIN TRANSACTION",
        "SELECT 1",
        "END",
    ]


def test_begin_and_end_as_column_names_do_not_open_blocks() -> None:
    text = "CREATE TABLE t (begin date, end date); SELECT begin, end FROM t; SELECT 2"
    assert [s.text for s in split_statements(text, "postgres")] == [
        "CREATE TABLE t (begin date, end date)",
        "SELECT begin, end FROM t",
        "SELECT 2",
    ]


def test_mysql_delimiter_lines() -> None:
    text = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END //\nDELIMITER ;\nSELECT 2;"
    assert _split(text, "mysql") == [
        ("CREATE PROCEDURE p() BEGIN SELECT 1; END", 2, 1, 2),
        ("SELECT 2", 4, 1, 4),
    ]


def test_pg_dump_copy_data_is_skipped() -> None:
    text = "COPY t (a, b) FROM stdin;\n1\tit's; odd\n2\t\\N\n\\.\nCREATE TABLE u (a int);\n"
    assert _split(text, "postgres") == [
        ("COPY t (a, b) FROM stdin", 1, 1, 1),
        ("CREATE TABLE u (a int)", 5, 1, 5),
    ]


def test_an_unclosed_parenthesis_costs_one_statement_not_the_rest_of_the_file() -> None:
    text = "CREATE TABLE a (x int;\nCREATE TABLE b (y int);"
    assert _split(text) == [("CREATE TABLE a (x int", 1, 1, 1), ("CREATE TABLE b (y int)", 2, 1, 2)]


def test_empty_statements_are_dropped() -> None:
    assert split_statements("") == []
    assert split_statements("  ;\n;; -- only a comment\n/* and another */ ;") == []


def test_unterminated_constructs_run_to_the_end_without_raising() -> None:
    assert [s.text for s in split_statements("select 1; select 'open; select 2")] == [
        "select 1",
        "select 'open; select 2",
    ]
    assert [s.text for s in split_statements("select 1; select $$ x; y")] == ["select 1", "select $$ x; y"]
    assert [s.text for s in split_statements("select 1; select /* open; select 2")] == ["select 1", "select"]
    assert [s.text for s in split_statements("CREATE PROCEDURE p() BEGIN select 1; select 2", "mysql")] == [
        "CREATE PROCEDURE p() BEGIN select 1; select 2"
    ]


def test_windows_line_endings_and_columns_count_characters() -> None:
    assert _split("\r\nselect 1;\r\n\tselect\r\n 'é' ;") == [
        ("select 1", 2, 1, 2),
        ("select\r\n 'é'", 3, 2, 4),
    ]
    # a lone \r ends a line too, as it does for sqlglot's tokenizer
    assert _split("select 1 -- c;\rfrom t;\rselect 2") == [
        ("select 1 -- c;\rfrom t", 1, 1, 2),
        ("select 2", 3, 1, 3),
    ]


def test_unknown_dialect_falls_back_to_generic_rules() -> None:
    assert [s.text for s in split_statements("select 1; select 2", "no-such-dialect")] == [
        "select 1",
        "select 2",
    ]


def test_leading_keywords_skip_comments_and_stop_at_count() -> None:
    assert leading_keywords("/* x */ create or replace temp view v as select 1", 5) == (
        "CREATE",
        "OR",
        "REPLACE",
        "TEMP",
        "VIEW",
    )
    assert leading_keywords('-- c\nCREATE TABLE "x" (a int)') == ("CREATE", "TABLE")
    assert leading_keywords("# c\nselect 1", dialect="mysql") == ("SELECT",)
    assert leading_keywords("'text'") == ()
