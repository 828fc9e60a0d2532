"""The quarterly report: self-contained HTML pages and the terminal status view.

Everything here reads only the published store (`reporting.duckdb`), never the
warehouse, so it works while a run is writing and shows what BI tools see.
"""
