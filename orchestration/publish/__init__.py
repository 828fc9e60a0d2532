"""Publish the reporting tables where BI tools read them, atomically and behind a gate."""
