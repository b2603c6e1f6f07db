"""Keep Covalent workflow code honest about its executors: lint (CVX001-CVX003) and fix."""

from __future__ import annotations

__all__ = ["__version__"]

# The one place the version is written; pyproject.toml reads it from here. (Not read from
# package metadata at import: importlib.metadata costs ~50 ms on every flake8 and check run.)
__version__ = "0.1.0"
