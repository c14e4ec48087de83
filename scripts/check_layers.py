"""Reads `cargo metadata --no-deps` on stdin and fails when a workspace crate depends on a crate of
its own layer or one above it (scripts/lint.sh; the layers are drawn in docs/architecture.md).

Dev-dependencies count too: a test that needs a room above its crate belongs to that room.
"""

import json
import sys

# Bottom to top. Crates in one layer are neighbours and may not depend on each other either.
LAYERS = [
    ["stembus-poll"],
    # What readers read in each language: rendered on the server only, by every room and by the
    # island's server side.
    ["stembus-messages"],
    # The island crate (what the browser runs) and the store: neighbours, neither knows the other.
    # The standing's picture beside them: it needs only the poll and its words.
    ["stembus", "stembus-store", "stembus-picture"],
    # The engines depend on the store's interface, never the reverse (atuin's model); the content
    # needs only the interface.
    ["stembus-store-sqlite", "stembus-store-postgres", "stembus-content"],
    ["stembus-site"],
    ["stembus-web", "stembus-desk", "stembus-ops"],
    ["stembus-server", "stembus-loadgen"],
]
LAYER_OF = {name: level for level, names in enumerate(LAYERS) for name in names}

metadata = json.load(sys.stdin)
members = {package["name"]: package for package in metadata["packages"]}
problems = []
for name in sorted(members):
    if name not in LAYER_OF:
        problems.append(f"{name} has no layer in scripts/check_layers.py: give it one")
        continue
    for dependency in members[name]["dependencies"]:
        target = dependency["name"]
        if target not in members or target == name:
            continue
        if LAYER_OF.get(target, len(LAYERS)) >= LAYER_OF[name]:
            kind = dependency.get("kind") or "normal"
            problems.append(f"{name} depends on {target} ({kind}), which is not below it")
if problems:
    print("lint: the crates' arrows must point down (docs/architecture.md):", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    sys.exit(1)
