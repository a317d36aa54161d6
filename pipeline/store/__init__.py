"""DuckDB: versioned migrations (sql/), per-call writes (db), the writer and its snapshot (writer), readers (reader), retention, the schema document."""
