"""Deterministic demo CRM and order-system databases for sales-targets (see generate.py)."""

from orchestration.demo_sources.generate import GenerationSummary, generate_sources

__all__ = ["GenerationSummary", "generate_sources"]
