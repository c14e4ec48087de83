#!/usr/bin/env python3
"""Checks that the island's WASM carries no words of its own: no message of either language's
message files (crates/messages/locales) appears in the built module. The island says what the
server rendered for it (the card, the vote's answer, the live events), so one WASM serves every
language within the page budget (issue 33, docs/performance.md).

Usage: bench/wasm_words_check.py [target/site/pkg/stembus.wasm]
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOCALES = ROOT / "crates" / "messages" / "locales"
# Shorter texts ("Stem", "Oui", "%") are too likely to occur in any binary by chance; every
# sentence and label of the card is longer.
SHORTEST = 6


def message_texts():
    """The literal text between placeables of every message, per file, longest first."""
    texts = set()
    for ftl in sorted(LOCALES.glob("*/*.ftl")):
        for line in ftl.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or "->" in line:
                continue
            value = line.split(" = ", 1)[1] if re.match(r"^[a-z0-9-]+ = ", line) else line.strip()
            value = re.sub(r"^\[[a-z0-9]+\]\s*|^\*\[[a-z0-9]+\]\s*", "", value)
            for part in re.split(r"\{[^}]*\}", value):
                part = part.strip()
                if len(part) >= SHORTEST:
                    texts.add(part)
    return sorted(texts, key=len, reverse=True)


def main():
    wasm = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target/site/pkg/stembus.wasm")
    module = wasm.read_bytes()
    texts = message_texts()
    if len(texts) < 50:
        sys.exit(f"wasm words: only {len(texts)} texts read from {LOCALES}; the files moved?")
    found = [text for text in texts if text.encode("utf-8") in module]
    if found:
        for text in found:
            print(f"wasm words: the island's WASM holds the message text {text!r}", file=sys.stderr)
        sys.exit(1)
    print(f"wasm words: none of {len(texts)} message texts in {wasm.name} ({len(module)} bytes)")


if __name__ == "__main__":
    main()
