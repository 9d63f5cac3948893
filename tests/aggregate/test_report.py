"""The HTML report: one file that works offline, checked in a real headless browser (Debian chromium)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import zlib

import pytest
from click.testing import CliRunner

from pipeline.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# A browser test that silently skips could never fail: without chromium it fails, unless told otherwise.
NO_BROWSER = os.environ.get("POLICY_PIPELINE_NO_BROWSER") == "1"


@pytest.fixture(scope="module")
def report(headline_run, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(main, ["report", str(headline_run), "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_the_report_is_one_self_contained_file(report):
    html = report.read_text(encoding="utf-8")
    # Nothing is loaded from anywhere: no src/href to another file or host, no @import, no fetch.
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#)""", html)
    assert "@import" not in html and "fetch(" not in html and "XMLHttpRequest" not in html
    assert html.count("<svg") >= 35  # shift index, 3 robustness panels, 3 families, 28 concepts
    assert "SVC share 2000-2015" in html and "Change points" in html
    assert "gazetteer" in html and "lexicon" in html  # the run's metadata
    # each concept's words, and a concept's declared sub-concepts, under its chart
    wrap = html[html.index('id="wrap-chart-concept-supply_chain_security"'):]
    wrap = wrap[:wrap.index('<div class="concept-chart"')]
    assert "By sub-concept" in wrap and "<td>food</td>" in wrap and "<td>粮食安全</td>" in wrap
    assert "corrected for the tagger" in html and 'id="robustness"' in html


def _png_pixels(data: bytes):
    """Decode an 8-bit RGB(A) PNG (what Chromium writes) into rows of pixel tuples."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, color_type = header[:4]
    assert depth == 8 and color_type in (2, 6)
    channels = 3 if color_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        previous = line
    return rows


@pytest.mark.skipif(NO_BROWSER, reason="POLICY_PIPELINE_NO_BROWSER=1")
def test_the_report_renders_offline_in_chromium(report, tmp_path):
    assert CHROMIUM, "Debian chromium is needed for this test (make test installs it)"
    from playwright.sync_api import sync_playwright

    errors, requests = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(report.as_uri())
        assert page.locator("svg.chart").count() >= 32
        assert page.locator("#chart-shift circle.point").count() > 50
        # Drill down: the CN 2021 point of the shift index shows the sentences behind it.
        page.locator('#chart-shift circle.point[data-series="CN"][data-period="2021"]').click()
        assert page.locator("#evidence-heading").inner_text().startswith("CN 2021")
        marks = page.locator("#evidence-list mark")
        assert marks.count() >= 2 and all(marks.nth(i).inner_text() for i in range(marks.count()))
        page.select_option("#concept-select", "chart-concept-decoupling_derisking")
        assert page.locator("#wrap-chart-concept-decoupling_derisking").is_visible()
        assert not page.locator("#wrap-chart-concept-export_controls_sanctions").is_visible()
        # the robustness panel: a forest plot per jurisdiction, the headline and every variant drawn
        panel = page.locator("#chart-robustness-CN")
        panel.scroll_into_view_if_needed()
        assert panel.is_visible() and panel.locator("circle").count() >= 30
        box = panel.bounding_box()
        assert box["width"] > 400 and box["height"] > 400
        assert "sign holds under every choice" in page.locator("#robustness").inner_text()
        panel.screenshot(path=str(tmp_path / "robustness.png"))
        robustness_pixels = [pixel for row in _png_pixels((tmp_path / "robustness.png").read_bytes())
                             for pixel in row]
        assert sum(1 for r, g, b in robustness_pixels if r < 60 and 70 < g < 120 and b > 140) > 300  # the dots
        screenshot = tmp_path / "report.png"
        page.locator('#chart-shift circle.point[data-series="CN"][data-period="2021"]').click()
        page.screenshot(path=str(screenshot))
        browser.close()
    assert errors == []
    assert [url for url in requests if not url.startswith("file:")] == []
    # The screenshot shows the charts: the jurisdictions' line colours are on screen.
    pixels = [pixel for row in _png_pixels(screenshot.read_bytes()) for pixel in row]
    red = sum(1 for r, g, b in pixels if r > 170 and g < 90 and b < 80)  # CN #c0392b
    blue = sum(1 for r, g, b in pixels if r < 60 and 70 < g < 120 and b > 140)  # US #1f5fa8
    assert red > 300 and blue > 300
    assert len({pixel for pixel in pixels[::97]}) > 20  # not a blank page
