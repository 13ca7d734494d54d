"""SQL lineage: statements in, table- and column-level lineage out.

Public surface (everything else in the package is private):

* :func:`parse_statement` / :func:`parse_statements` / :func:`parse_script` and the result types
  :class:`StatementLineage`, :class:`ColumnLineage`;
* :class:`SchemaIndex` to normalise a ``{"table": {"column": "type"}}`` schema once;
* :func:`procedure_statements` to expand procedure and scripting bodies with line offsets;
* :func:`resolve_temporaries` to follow temporary tables through a file;
* :func:`parse_many` to parse a batch, optionally in a process pool.
"""

from lineage._names import SchemaIndex
from lineage.batch import parse_many
from lineage.parse import (
    DEFAULT_BUDGET,
    KINDS,
    ColumnLineage,
    StatementLineage,
    parse_script,
    parse_statement,
    parse_statements,
)
from lineage.procedures import procedure_statements
from lineage.temporaries import resolve_temporaries

__all__ = [
    "DEFAULT_BUDGET",
    "KINDS",
    "ColumnLineage",
    "SchemaIndex",
    "StatementLineage",
    "parse_many",
    "parse_script",
    "parse_statement",
    "parse_statements",
    "procedure_statements",
    "resolve_temporaries",
]
