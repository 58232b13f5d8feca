"""Benchmarks for the ledger: synthetic corpora with known answers (see ``benchmarks.corpus``)."""
