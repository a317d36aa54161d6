"""Render the analysts' schema reference (docs/schema.md) from the migrations' COMMENT ON.

The comments in sql/ are the single source; a test fails when docs/schema.md is stale.
    python -m pipeline.store.schema_doc > docs/schema.md
"""

from __future__ import annotations

import duckdb

from pipeline.store.connection import migrate

HEADER = """# callqa database schema

Generated from the `COMMENT ON` statements of `pipeline/store/sql/` by
`python -m pipeline.store.schema_doc > docs/schema.md`; do not edit by hand.
See [analysts.md](analysts.md) for how to read the database and example queries.
"""


def render() -> str:
    con = duckdb.connect()
    migrate(con)
    out = [HEADER]
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name"
    ).fetchall()
    for table, comment in tables:
        out.append(
            f"\n## table `{table}`\n\n{comment or ''}\n\n| column | type | meaning |\n| --- | --- | --- |"
        )
        columns = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = $t ORDER BY column_index",
            {"t": table},
        ).fetchall()
        out.extend(
            f"| `{name}` | {dtype} | {(note or '').replace('|', '/')} |"
            for name, dtype, note in columns
        )
    views = con.execute(
        "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY view_name"
    ).fetchall()
    for view, comment in views:
        columns = con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = $t ORDER BY column_index",
            {"t": view},
        ).fetchall()
        out.append(
            f"\n## view `{view}`\n\n{comment or ''}\n\nColumns: {', '.join(f'`{c[0]}`' for c in columns)}."
        )
    macros = con.execute(
        "SELECT DISTINCT function_name, parameters FROM duckdb_functions() WHERE function_type = 'table_macro' "
        "AND NOT internal AND schema_name = 'main' ORDER BY function_name"
    ).fetchall()
    if macros:
        out.append("\n## table macros\n")
        out.extend(f"- `{name}({', '.join(params)})`" for name, params in macros)
    con.close()
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
