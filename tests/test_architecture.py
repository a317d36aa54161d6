"""The layout's contracts: no import cycles, layers only import downwards, small modules, thin flows.

Imports are counted the strict way: every import statement (also inside functions and under
TYPE_CHECKING) and the implicit import of each parent package, so a package `__init__` that
imports its own modules is a cycle, and a late import does not hide one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT

ROOTS = ("pipeline", "flows")

# Top to bottom (DESIGN.md): a module may import its own layer and the layers below it, never
# above. Within a layer, modules may import each other as long as no cycle forms.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("pipeline.cli", "flows"),
    # the workbench's web app plays redacted copies (pipeline.batch.redaction): batch level
    ("pipeline.batch", "pipeline.provision.check", "pipeline.review.web"),
    ("pipeline.process",),
    (
        "pipeline.parties",
        "pipeline.asr",
        "pipeline.detectors",
        "pipeline.acoustics",
        "pipeline.scoring",
        "pipeline.reporting",
        "pipeline.review",
        "pipeline.testing",
    ),
    ("pipeline.store", "pipeline.provision"),
    ("pipeline.text", "pipeline.audio"),
    ("pipeline.config", "pipeline.options"),
    ("pipeline.types", "pipeline.errors", "pipeline"),
)
MAX_MODULE_LINES = 400
MAX_FLOW_LINES = 150
MAX_TOP_LEVEL_MODULES = 8
# What flows/ may use of the library: the batch layer and the leaves (no store, no SQL); the
# root package itself is imported by every import of the library.
FLOW_IMPORTS = (
    "pipeline.batch",
    "pipeline.config",
    "pipeline.options",
    "pipeline.errors",
    "pipeline.types",
)


def module_files() -> dict[str, Path]:
    files = {}
    for root in ROOTS:
        for path in sorted((PROJECT_ROOT / root).rglob("*.py")):
            parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join(parts)] = path
    return files


MODULES = module_files()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def imports_of(name: str) -> set[str]:
    """The project modules `name` imports, counted as the module docstring says."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if _is_package(name) else name.rpartition(".")[0]
    found: set[str] = set(_parents(name))
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for target in targets:
            for candidate in [*_parents(target), target]:
                if candidate in MODULES:
                    found.add(candidate)
    found.discard(name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def layer_of(name: str) -> int:
    """The layer of the most specific prefix that names the module."""
    best, best_length = None, -1
    for depth, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best_length:
                best, best_length = depth, len(prefix)
    assert best is not None, f"{name} is in no layer: add it to LAYERS"
    return best


def test_the_import_graph_is_read():
    # Guards the counting itself: these edges exist, the implicit parent one included.
    assert "pipeline.types" in GRAPH["pipeline.process"]
    assert "pipeline.detectors" in GRAPH["pipeline.detectors.pii"]
    assert "pipeline.store.connection" in GRAPH["pipeline.store.writer"]
    assert len(MODULES) > 60


def test_no_import_cycles():
    cycles = [component for component in strongly_connected(GRAPH) if len(component) > 1]
    assert cycles == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_a_cycle_would_be_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [c for c in strongly_connected(graph) if len(c) > 1] == [["a", "b", "c"]]


def test_layers_only_import_downwards():
    upward = [
        f"{name} (layer {layer_of(name)}) imports {target} (layer {layer_of(target)})"
        for name, targets in sorted(GRAPH.items())
        for target in sorted(targets)
        if layer_of(target) < layer_of(name)
    ]
    assert upward == []


def test_the_library_never_imports_prefect():
    offenders = []
    for name, path in MODULES.items():
        if name.startswith("flows") or name.startswith("pipeline.cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{name}: {m}"
                for m in modules
                if m.split(".")[0] in ("prefect", "prefect_dask", "flows")
            ]
    assert offenders == []


def test_nothing_in_the_library_imports_the_test_tools():
    users = [name for name, targets in GRAPH.items() if "pipeline.testing.callbuilder" in targets]
    assert [u for u in users if not u.startswith("pipeline.testing")] == []


def test_few_modules_directly_in_pipeline():
    top = sorted(p.stem for p in (PROJECT_ROOT / "pipeline").glob("*.py") if p.stem != "__init__")
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_size(name):
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    limit = MAX_FLOW_LINES if name.startswith("flows") else MAX_MODULE_LINES
    assert lines <= limit, (
        f"{MODULES[name].relative_to(PROJECT_ROOT)}: {lines} lines (split before {limit})"
    )


SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE TABLE|BEGIN|COMMIT)\b|\.execute\(|\.sql\b")


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("flows")))
def test_flows_hold_prefect_concerns_only(name):
    text = MODULES[name].read_text(encoding="utf-8")
    assert not SQL.search(text), f"{name}: SQL belongs in pipeline/store"
    library = sorted(t for t in GRAPH[name] if t.startswith("pipeline."))
    assert [t for t in library if not t.startswith(FLOW_IMPORTS)] == [], (
        f"{name} reaches past the batch layer"
    )


def test_the_readme_layout_names_every_room():
    """The README's layout block lists each sub-package and top-level module, and nothing else."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("- Layout (one sub-package per stage", 1)[1].split("```", 2)[1]
    listed: set[str] = set()
    for line in block.splitlines():
        names = line.split("  ", 1)[0].strip()
        if names.startswith("pipeline/"):
            first, *more = [n.strip() for n in names.split(",")]
            listed.add(first.removeprefix("pipeline/").rstrip("/"))
            listed.update(m.rstrip("/") for m in more)
    rooms = {p.name for p in (PROJECT_ROOT / "pipeline").iterdir() if (p / "__init__.py").is_file()}
    top = {p.name for p in (PROJECT_ROOT / "pipeline").glob("*.py") if p.stem != "__init__"}
    assert listed == rooms | top
