"""Ingest: the raw folder (articles, sidecars, annotations) read into raw.* tables."""
