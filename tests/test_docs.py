"""The README, the English reference (docs/reference/) and the Chinese guides (docs/guide/) point at
files and sections that exist (issue 22 item 11: the README's how-to moved to docs/reference/ and the
guides; its screenshots are refreshed by the browser tests).

MkDocs' strict build checks the guides' own links when the site is built; this checks every
Markdown file without building anything, so a moved section or a renamed screenshot fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = [
    REPO / "README.md",
    *sorted((REPO / "docs" / "reference").glob("*.md")),
    *sorted((REPO / "docs" / "guide").glob("*.md")),
]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)|<img [^>]*src=\"([^\"]+)\"")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _targets(path: Path) -> list[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return [a or b for a, b in LINK.findall(text)]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    heading = re.sub(r"\{#[^}]*\}\s*$", "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


def _headings(path: Path) -> list[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return [m.group(2).strip() for m in re.finditer(r"^(#{1,6}) (.+)$", text, re.M)]


def _anchors(path: Path) -> set[str]:
    found = set()
    for heading in _headings(path):
        found.add(_slug(heading))
        explicit = re.search(r"\{#([^}]+)\}\s*$", heading)
        if explicit:
            found.add(explicit.group(1))
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_local_link_and_image_exists(document):
    missing = []
    for target in _targets(document):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (document.parent / file_part).resolve() if file_part else document
        gone = not resolved.exists()
        if gone or (anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved)):
            missing.append(target)
    assert not missing, f"{document.relative_to(REPO)} points at what does not exist: {missing}"


def test_the_readme_and_the_reference_show_screenshots():
    # The refreshed screenshots are shown somewhere: a test that checked an empty list could not fail.
    images = [t for d in DOCUMENTS[:-1] for t in _targets(d) if t.endswith(".png")]
    assert len(images) >= 10


def test_the_readme_links_every_guide_and_every_reference_page():
    targets = set(_targets(REPO / "README.md"))
    pages = [*(REPO / "docs" / "guide").glob("*.md"), *(REPO / "docs" / "reference").glob("*.md")]
    unlinked = [str(p.relative_to(REPO)) for p in pages if str(p.relative_to(REPO)) not in targets]
    assert not unlinked, f"the README's map of the guides and the reference lacks {unlinked}"


def test_the_readme_sections_the_code_cites_exist():
    """Comments and messages say 'README "Face verification"' or '(README, Production)'."""
    headings = _headings(REPO / "README.md")
    cited = set()
    for path in [*(REPO / "src").rglob("*.py"), *(REPO / "tests").rglob("*.py"), REPO / "Makefile"]:
        text = path.read_text(encoding="utf-8")
        cited.update(re.findall(r"README,? \"([^\"]+)\"", text))
        cited.update(re.findall(r"\(README, ([A-Z][A-Za-z ]+?)[,:)]", text))
    assert cited, "no citation found: the patterns no longer match the code's comments"
    missing = sorted(c for c in cited if not any(h.startswith(c) for h in headings))
    assert not missing, f"the code cites README sections that do not exist: {missing}"
