#!/usr/bin/env python3
"""Writes a copy of a municipality file whose letters are delivered into folders.

    municipality_with_letter_folders.py SOURCE TARGET FOLDER

The copy's workflow files and letterhead logo point back to SOURCE's folder;
Digital Post writes its MeMo messages into FOLDER/digital-post and print its
batches into FOLDER/print (docs/letters.md#setting-up-digital-post-and-print).
The demo and the browser tests use it: the example files configure no channel,
a municipality sets its own.
"""
import os
import sys

import yaml


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    source, target, folder = sys.argv[1:4]
    with open(source, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    here = os.path.dirname(os.path.abspath(source))
    doc["workflows"] = [os.path.normpath(os.path.join(here, w)) for w in doc.get("workflows", [])]
    letters = doc.setdefault("letters", {})
    head = letters.get("letterhead", {})
    if head.get("logo"):
        head["logo"] = os.path.normpath(os.path.join(here, head["logo"]))
    letters["digital_post"] = {"plugin": "digital_post",
                               "settings": {"mode": "folder", "folder": os.path.join(folder, "digital-post")}}
    letters["print"] = {"plugin": "print", "settings": {"folder": os.path.join(folder, "print")}}
    with open(target, "w", encoding="utf-8") as f:
        yaml.safe_dump(doc, f, allow_unicode=True, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
