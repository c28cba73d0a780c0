#!/usr/bin/env python3
"""Removes outputs and execution counts from notebooks, so that git holds only their source.

    python3 notebooks/strip-outputs.py            strip every notebook in this folder
    python3 notebooks/strip-outputs.py FILE...    strip these notebooks
    python3 notebooks/strip-outputs.py --check    list the notebooks that need it; exit 1 if any

Run it before committing a notebook you have executed; a test fails while one keeps outputs.
A notebook that needs nothing is left byte for byte as it is.
"""
import glob
import json
import os
import sys


def needs_strip(notebook):
    return any(cell.get("outputs") or cell.get("execution_count") is not None
               for cell in notebook["cells"] if cell["cell_type"] == "code")


def strip(notebook):
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return notebook


def main(args):
    check = "--check" in args
    paths = [a for a in args if a != "--check"] or sorted(
        glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "*.ipynb")))
    dirty = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            notebook = json.load(f)
        if not needs_strip(notebook):
            continue
        dirty.append(path)
        if not check:
            with open(path, "w", encoding="utf-8") as f:
                json.dump(strip(notebook), f, indent=1, ensure_ascii=False)
                f.write("\n")
    for path in dirty:
        print(("has outputs: " if check else "stripped: ") + path)
    return 1 if check and dirty else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
