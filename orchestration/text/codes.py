"""The contract's code sets for the text layer (annotations, categories, metrics): what a
figure's category, unit, bound, modality and measure may be. Defined once, in
``orchestration/seeds/contract_codes.csv`` (read by ``orchestration.contract``), which the
dbt tests and the GX suites read too; the names stay importable from here."""

from orchestration.contract import BOUNDS, CATEGORIES, MEASURES, MODALITIES, UNITS

__all__ = ["BOUNDS", "CATEGORIES", "MEASURES", "MODALITIES", "UNITS"]
