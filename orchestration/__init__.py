"""sales-targets: the Dagster code location and its command line."""
