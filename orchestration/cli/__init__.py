"""Command-line entry points (``python -m orchestration.cli.<name>``): ``run_all`` (make
run), ``run_articles``, ``export``, ``label_studio``, ``evaluation`` (make eval),
``extractor_bench``."""
