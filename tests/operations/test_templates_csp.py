"""Every template of the project fits the strict Content-Security-Policy: no inline script or
style, no event handler attributes, no javascript: links. The browser tests show the pages that
exist; this catches any template, also those added later."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for path in ROOT.glob("**/templates/**/*.html")
    if not any(part.startswith(".") or part in ("node_modules", "staticfiles") for part in path.relative_to(ROOT).parts)
)

FORBIDDEN = {
    "inline <script> (use an external file in static/)": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element (use a stylesheet in static/)": re.compile(r"<style\b", re.I),
    "style attribute (use a CSS class)": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute (attach it in an external script)": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_are_found():
    assert ROOT / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_template_has_nothing_inline(template):
    text = template.read_text(encoding="utf-8")
    found = [f"{name}: {match.group(0)!r}" for name, pattern in FORBIDDEN.items() for match in pattern.finditer(text)]
    assert found == []


def test_the_check_finds_inline_code():
    samples = ["<script>alert(1)</script>", '<p style="color: red">', '<a onclick="go()">', "<style>p{}</style>"]
    for sample in samples:
        assert any(pattern.search(sample) for pattern in FORBIDDEN.values()), sample
    assert not any(pattern.search('<script src="/static/x.js" defer></script>') for pattern in FORBIDDEN.values())
