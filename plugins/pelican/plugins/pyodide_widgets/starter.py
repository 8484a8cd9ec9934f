"""`make widget NAME=x`: write a starter widget and its training demo that build as they are.

    python -m pelican.plugins.pyodide_widgets.starter NAME [PROJECT_FOLDER]

Writes ``widgets/NAME.py`` and ``demos/widget_NAME.py`` from the templates in
``starter/`` and prints the blocks to paste into a post. Never overwrites.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

TEMPLATES = Path(__file__).with_name("starter")
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


class StarterError(Exception):
    """The name is not usable or a file exists; the message says what to do."""


def write_starter(name: str, project: Path) -> list[Path]:
    """Write the two files; return their paths."""
    if not NAME.fullmatch(name):
        raise StarterError(
            f"widget name {name!r}: use lower-case letters, digits and _, starting with a letter "
            "(it becomes a Python module name), e.g. make widget NAME=petals"
        )
    targets = {
        project / "widgets" / f"{name}.py": "widget.py.txt",
        project / "demos" / f"widget_{name}.py": "demo.py.txt",
    }
    existing = [str(path) for path in targets if path.exists()]
    if existing:
        raise StarterError(f"{', '.join(existing)} exists already; pick another NAME or edit it")
    title = name.replace("_", " ").capitalize()
    for path, template in targets.items():
        text = (TEMPLATES / template).read_text(encoding="utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("__NAME__", name).replace("__TITLE__", title), encoding="utf-8")
    return list(targets)


def blocks(name: str) -> str:
    """The Markdown an author pastes into a post."""
    return (
        f"::: demo demos/widget_{name}.py\ncaption: Training the model for the widget below\n:::\n\n"
        f"::: widget {name}\nmodel: demos/widget_{name}.py\n:::\n"
    )


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: make widget NAME=<name>", file=sys.stderr)
        return 2
    project = Path(argv[1]) if len(argv) == 2 else Path.cwd()
    try:
        written = write_starter(argv[0], project)
    except StarterError as error:
        print(f"make widget: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    print("\nPaste this into a post, then `make html` (README: 'The widget contract'):\n")
    print(blocks(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
