"""Great Expectations' Data Docs views with compiled templates kept for the process.

GX builds a new site builder, hence new Jinja environments, for every Data Docs build, and
the report is rebuilt after every check: each build compiled the same ~50 templates again
(≈ 0.4 s of the ≈ 0.5 s a build takes). These views share one in-memory Jinja bytecode
cache, so a template is compiled once per process. The HTML is the same. Named in the site
configuration of ``gx_suites``; imported by GX only.
"""

from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import BytecodeCache


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled templates keyed by name and source checksum (Jinja's bucket key)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._compiled.get(bucket.key + bucket.checksum)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._compiled[bucket.key + bucket.checksum] = bucket.bytecode_to_string()


_CACHE = _ProcessBytecodeCache()


class _SharedBytecode:
    """Gives a GX Jinja view the process's bytecode cache."""

    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory, custom_views_directory)
        self.env.bytecode_cache = _CACHE


class CachedPageView(_SharedBytecode, DefaultJinjaPageView):
    pass


class CachedIndexPageView(_SharedBytecode, DefaultJinjaIndexPageView):
    pass
