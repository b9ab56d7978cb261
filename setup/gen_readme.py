"""Write each addon's README.rst from its readme/ fragments (as OCA's oca-gen-addon-readme).

Usage: python setup/gen_readme.py   (run after editing addons/*/readme/*.md)
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [
    ("DESCRIPTION", None),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("DEVELOP", "Development"),
]


def md_to_rst(text):
    text = re.sub(r"`([^`]+)`", r"``\1``", text)
    return text.strip() + "\n"


def render(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    name = manifest["name"]
    bar = "=" * len(name)
    out = [
        bar,
        name,
        bar,
        "",
        "|badge|",
        "",
        ".. |badge| image:: https://img.shields.io/badge/licence-LGPL--3-blue.png",
        "    :alt: License: LGPL-3",
        "",
    ]
    for fragment, title in SECTIONS:
        path = addon / "readme" / f"{fragment}.md"
        if not path.exists():
            continue
        if title:
            out += [title, "=" * len(title), ""]
        out += [md_to_rst(path.read_text())]
    out += ["Credits", "=======", "", f"Authors: {manifest['author']}. License: LGPL-3.", ""]
    return "\n".join(out)


def main():
    for manifest in sorted(ROOT.glob("addons/*/__manifest__.py")):
        (manifest.parent / "README.rst").write_text(render(manifest.parent))


if __name__ == "__main__":
    main()
