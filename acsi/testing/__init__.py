"""Test helpers shipped with acsi: hypothesis strategies for its own types (:mod:`acsi.testing.strategies`)."""
