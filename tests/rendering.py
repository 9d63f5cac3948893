"""Looking at what users look at, in a test: charts rendered to PNG by Debian chromium, and their pixels."""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# A browser test that silently skips could never fail: without chromium it fails, unless told otherwise.
NO_BROWSER = os.environ.get("POLICY_PIPELINE_NO_BROWSER") == "1"


def png_pixels(data: bytes):
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



def svgs_to_png(svgs: list[str], folder: Path, prefix: str = "chart") -> list[Path]:
    """Each SVG alone on a page with no style sheet (as a notebook viewer shows it), screenshot to PNG."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "Debian chromium is needed (make test installs it)"
    paths = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        page = browser.new_page(viewport={"width": 900, "height": 700})
        for number, svg in enumerate(svgs):
            page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
            path = folder / f"{prefix}-{number + 1}.png"
            page.locator("svg").first.screenshot(path=str(path))
            paths.append(path)
        browser.close()
    return paths


def ink(path: Path) -> tuple[float, float]:
    """(share of pixels that are not white, share that are dark): a blank chart has almost no ink, a chart
    whose shapes are filled black (styles missing) has a large dark share."""
    pixels = [pixel for row in png_pixels(path.read_bytes()) for pixel in row]
    not_white = sum(1 for r, g, b in pixels if min(r, g, b) < 235) / len(pixels)
    dark = sum(1 for r, g, b in pixels if max(r, g, b) < 60) / len(pixels)
    return not_white, dark
