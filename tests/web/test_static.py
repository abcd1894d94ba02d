"""htmx and the stylesheet are served locally: vendored, collected, no CDN."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client


def test_it_vendors_htmx_with_its_licence_header() -> None:
    path = finders.find("web/htmx.min.js")
    assert path, "web/htmx.min.js is not found by the staticfiles finders"
    text = open(path, encoding="utf-8").read()  # noqa: SIM115
    assert text.startswith("/*! htmx.org 2.")
    assert "Zero-Clause BSD (0BSD)" in text[:400]
    assert "var htmx=function()" in text
    licence = finders.find("web/htmx.LICENSE.txt")
    assert licence and "Zero-Clause BSD" in open(licence, encoding="utf-8").read()  # noqa: SIM115
    assert finders.find("web/desk.css") and finders.find("web/desk.js")


def test_it_loads_scripts_and_styles_only_from_this_server(agent_client: Client) -> None:
    html = agent_client.get("/").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert "/static/web/htmx.min.js" in sources
    assert "/static/web/desk.css" in sources
    assert all(s.startswith("/static/") for s in sources), sources
