"""Re-exports that import their module on first use (PEP 562), for packages whose modules load
heavy dependencies (shapely, pyproj, spaCy, pandas) that not every caller needs."""
from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`: `exports` maps a public name to its module
    (relative to `package`); the module is imported when the name is first read."""

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(f".{exports[name]}", package)
        return module if name == exports[name] else getattr(module, name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
