"""Compiles every code cell of the notebooks given as arguments, as Jupyter would run them.

A cell must parse under this python3, and every name a cell reads must be bound by then: by an
earlier cell or this one, by Python's builtins, or by the PySpark shell (spark, sc) and
IPython (display). Lines of IPython syntax (%magic, !shell) become `pass`. Prints one line per
problem, "NOTEBOOK cell N line L: WHAT", and exits 1 if there is any.
"""
import ast
import builtins
import json
import sys

SHELL_NAMES = {"spark", "sc", "display", "get_ipython"}


def bound_names(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def check(path):
    problems = []
    known = set(dir(builtins)) | SHELL_NAMES
    with open(path, encoding="utf-8") as f:
        cells = [c for c in json.load(f)["cells"] if c["cell_type"] == "code"]
    for number, cell in enumerate(cells, start=1):
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        lines = ["pass" if line.lstrip().startswith(("%", "!")) else line
                 for line in source.split("\n")]
        where = f"{path} cell {number}"
        try:
            tree = compile("\n".join(lines), where, "exec", ast.PyCF_ONLY_AST)
        except SyntaxError as e:
            problems.append(f"{where} line {e.lineno}: {e.msg}")
            continue
        known |= bound_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in known:
                problems.append(f"{where} line {node.lineno}: {node.id} is not defined")
    return problems


if __name__ == "__main__":
    found = [problem for path in sys.argv[1:] for problem in check(path)]
    if found:
        print("\n".join(found))
    sys.exit(1 if found else 0)
