"""Keep Covalent workflow code honest about its executors: lint (CVX001-CVX003) and fix."""

from __future__ import annotations

__all__ = ["__version__"]

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("flake8-covalent-executor")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
