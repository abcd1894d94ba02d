"""Screenshots for docs/ (1400 and 390 px wide), taken by browser tests when asked.

`ACCORD_SCREENSHOTS=1 pytest tests/web/test_lifecycle_browser.py` writes them to
docs/screenshots/; in CI the same steps run without writing files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = (1400, 390)


def shoot(page: Any, name: str) -> None:
    """Full-page screenshots of the current page at each width, if enabled."""
    if os.environ.get("ACCORD_SCREENSHOTS") != "1":
        return
    DOCS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(DOCS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
