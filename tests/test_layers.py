"""The architecture rules of README › Architecture, checked on the source (AST, no imports run).

1. Layers: imports point only downwards, core <- sources <- orchestration <- dashboard <- page.
   Among the sources only `nlp` may use `places` and `geometry`.
2. Third-party confinement: streamlit only in app.py and ui/, folium/branca only in
   geo/dashboard/map/, spaCy only in geo/nlp/, shapely/pyproj/pyshp only in geo/geometry/, dask/distributed
   only in geo/dask_ingest.py, psycopg only in geo/store/.
3. Front doors: outside a sub-package, import its public names from its __init__ (its __all__).
4. Size: no module over 500 lines unless OVER_BUDGET states why.
"""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Layer of each top-level part of the code (a higher layer may import any lower one).
LAYERS = {
    "geo": 0, "geo.model": 0, "geo.errors": 0, "geo.settings": 0, "geo._files": 0, "geo._lazy": 0,
    "geo.formats": 1, "geo.http_client": 1, "geo.places": 1, "geo.nlp": 1, "geo.geometry": 1, "geo.store": 1,
    "geo.pipeline": 2, "geo.ingest": 2, "geo.dask_ingest": 2, "geo.feeds": 2, "geo.synth": 2, "geo.cli": 2,
    "geo.__main__": 2,
    "geo.dashboard": 3,
    "ui": 4, "app": 4,
}
# Within the sources layer, who may use whom besides itself.
SIBLINGS = {"geo.nlp": {"geo.places", "geo.geometry"}}
# Third-party package -> the only parts of the code that may import it.
CONFINED = {
    "streamlit": ("app", "ui"),
    "streamlit_folium": ("app", "ui"),
    "folium": ("geo.dashboard.map",),
    "branca": ("geo.dashboard.map",),
    "spacy": ("geo.nlp",),
    "shapely": ("geo.geometry",),
    "pyproj": ("geo.geometry",),
    "shapefile": ("geo.geometry",),
    "dask": ("geo.dask_ingest",),
    "distributed": ("geo.dask_ingest",),
    "feedparser": ("geo.feeds",),
    "urllib3": ("geo.http_client",),
    "psycopg": ("geo.store",),
}


def _modules():
    files = [*sorted((REPO / "geo").rglob("*.py")), REPO / "app.py", *sorted((REPO / "ui").rglob("*.py"))]
    for path in files:
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        yield path, ".".join(parts), is_package


def _imports(path: Path, module: str, is_package: bool, names: bool = True):
    """(line, absolute module name) of every import, function-local and TYPE_CHECKING ones included;
    with `names`, also `target.name` for each name of a from-import (it may be a module)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            yield node.lineno, target
            for alias in node.names if names else ():  # `from geo import borders` imports geo.borders
                yield node.lineno, f"{target}.{alias.name}"


def _part(module: str) -> str | None:
    """The entry of LAYERS a module belongs to (the longest matching prefix)."""
    names = module.split(".")
    for n in range(len(names), 0, -1):
        prefix = ".".join(names[:n])
        if prefix in LAYERS and (prefix != "geo" or module == "geo"):  # a new geo/x.py must be placed
            return prefix
    return None


def _within(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


# Sub-packages: code outside one imports its public names from its __init__, not its modules.
PACKAGES = ("geo.formats", "geo.places", "geo.nlp", "geo.geometry", "geo.store", "geo.dashboard", "geo.dashboard.map")


def _front_door_violations():
    for path, module, is_package in _modules():
        where = path.relative_to(REPO)
        for line, target in _imports(path, module, is_package, names=False):
            package = target.rpartition(".")[0]
            if package in PACKAGES and not _within(module, (package,)) and not _is_package(target):
                yield f"{where}:{line} imports {target}: import from {package} (its __all__) instead"


def _is_package(module: str) -> bool:
    return (REPO / module.replace(".", "/") / "__init__.py").exists()


def _violations():
    for path, module, is_package in _modules():
        here = _part(module)
        where = path.relative_to(REPO)
        for line, target in _imports(path, module, is_package):
            top = target.split(".")[0]
            if top in CONFINED and not _within(module, CONFINED[top]):
                yield f"{where}:{line} imports {top}, allowed only in {', '.join(CONFINED[top])}"
            there = _part(target) if top in ("geo", "ui", "app") else None
            if there is None or there == here or there == "geo":
                continue
            if LAYERS[there] > LAYERS[here]:
                yield f"{where}:{line} imports {target} from a higher layer ({there})"
            elif LAYERS[there] == LAYERS[here] == 1 and there not in SIBLINGS.get(here, ()):
                yield f"{where}:{line} imports {target}: {here} may not use {there}"


def test_imports_follow_the_layers_and_third_party_confinement():
    assert list(dict.fromkeys(_violations())) == []


def test_sub_packages_are_used_through_their_public_names():
    assert list(dict.fromkeys(_front_door_violations())) == []


def test_every_module_belongs_to_a_layer():
    unplaced = [module for _, module, _ in _modules() if _part(module) is None]
    assert unplaced == [], "add them to LAYERS here and to README › Architecture"


def test_every_sub_package_declares_its_public_names():
    for init in sorted((REPO / "geo").glob("*/__init__.py")) + sorted((REPO / "geo").glob("*/*/__init__.py")):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                 if isinstance(t, ast.Name)}
        assert "__all__" in names, f"{init.relative_to(REPO)} has no __all__"


# Modules allowed over the size budget, each with its reason (README › Architecture).
OVER_BUDGET: dict[str, str] = {}  # path -> why it may be longer (none at present)
SIZE_BUDGET = 500  # lines


def test_no_module_over_the_size_budget_without_a_stated_reason():
    sizes = {str(path.relative_to(REPO)): len(path.read_text(encoding="utf-8").splitlines())
             for path, _, _ in _modules()}
    over = {path for path, n in sizes.items() if n > SIZE_BUDGET}
    assert over <= set(OVER_BUDGET), f"over {SIZE_BUDGET} lines without a reason: {sorted(over - set(OVER_BUDGET))}"
    assert all(sizes[path] > SIZE_BUDGET for path in OVER_BUDGET), "a module is back under budget: drop its entry"
