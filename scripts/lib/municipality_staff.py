#!/usr/bin/env python3
"""Prints the staff list of a municipality file, one person a line: ID ROLES
(comma-separated), in the file's order. scripts/demo uses it to act as the
file's admin and to print a sign-in link per person."""
import sys

import yaml


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: municipality_staff.py MUNICIPALITY_FILE")
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = yaml.safe_load(f) or {}
    for person in doc.get("staff") or []:
        print(person["id"], ",".join(person.get("roles") or []) or "-")


if __name__ == "__main__":
    main()
