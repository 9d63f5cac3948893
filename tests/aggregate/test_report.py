"""The HTML report: one file that works offline, checked in a real headless browser (Debian chromium)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.store import read_table
from tests.rendering import CHROMIUM, NO_BROWSER, png_pixels


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
        robustness_pixels = [pixel for row in png_pixels((tmp_path / "robustness.png").read_bytes())
                             for pixel in row]
        assert sum(1 for r, g, b in robustness_pixels if r < 60 and 70 < g < 120 and b > 140) > 300  # the dots
        # "n of N", show all, and document titles instead of ids in the drill-down
        page.locator('#chart-shift circle.point[data-series="US"][data-period="2022"]').click()
        heading = page.locator("#evidence-heading").inner_text()
        shown, total = (int(n) for n in re.search(r": (\d+) of (\d+) sentence", heading).groups())
        assert shown == 3 and total > shown
        page.locator("#show-all").click()
        assert page.locator("#evidence-list li").count() == min(total, 24)
        assert "State of the Union" in page.locator("#evidence-list .doc").first.inner_text()
        # every chart exports: its numbers as CSV, itself as SVG
        with page.expect_download() as download:
            page.locator("#chart-shift + .downloads button[data-format=csv]").click()
        csv_text = download.value.path().read_text(encoding="utf-8")
        assert csv_text.startswith("series,period,value,low,high\n") and "\nCN,2021," in csv_text
        with page.expect_download() as download:
            page.locator("#chart-shift + .downloads button[data-format=svg]").click()
        assert download.value.path().read_text(encoding="utf-8").startswith("<svg")
        screenshot = tmp_path / "report.png"
        page.locator('#chart-shift circle.point[data-series="CN"][data-period="2021"]').click()
        page.screenshot(path=str(screenshot))
        browser.close()
    assert errors == []
    assert [url for url in requests if not url.startswith("file:")] == []
    # The screenshot shows the charts: the jurisdictions' line colours are on screen.
    pixels = [pixel for row in png_pixels(screenshot.read_bytes()) for pixel in row]
    red = sum(1 for r, g, b in pixels if r > 170 and g < 90 and b < 80)  # CN #c0392b
    blue = sum(1 for r, g, b in pixels if r < 60 and 70 < g < 120 and b > 140)  # US #1f5fa8
    assert red > 300 and blue > 300
    assert len({pixel for pixel in pixels[::97]}) > 20  # not a blank page


def test_the_report_says_what_the_cli_says(headline_run, report):
    """One source of truth: the comparison table and the change points of the report are the numbers
    `policy-pipeline shift` and `policy-pipeline changepoints` print for the same run."""
    import json

    html = report.read_text(encoding="utf-8")
    table = html[html.index("<section id=\"shift\">"):html.index("</section>", html.index("<section id=\"shift\">"))]
    for jurisdiction in ("CN", "US", "EU"):
        found = json.loads(CliRunner().invoke(main, ["shift", str(headline_run), "--jurisdiction", jurisdiction,
                                                     "--periods", "2000-2015", "2019-2025", "--json"]).output)
        row = re.search(rf"<tr><td>{jurisdiction}</td>(.*?)</tr>", table).group(1)
        assert f"{found['a']:.3f} ({found['sides']['a']['years']})" in row
        assert f"<td>{found['diff']:+.3f}</td>" in row
        assert f"{found['ci'][0]:+.3f} to {found['ci'][1]:+.3f}" in row
    breaks = json.loads(CliRunner().invoke(main, ["changepoints", str(headline_run), "--json"]).output)
    section = html[html.index("<section id=\"changepoints\">"):]
    section = section[:section.index("</section>")]
    shown = re.findall(r"<tr><td>(\w+)</td><td>(\w+)</td><td>(\d+)</td><td>([\d.]+)</td>", section)
    expected = [(b["jurisdiction"], b["series"], str(b["break_period"]), f"{b['probability']:.2f}") for b in breaks
                if int(str(b["break_period"])[:4]) >= 1950]
    assert shown == expected and shown
    stored = read_table(headline_run, "changepoints")
    assert [(r.jurisdiction, r.series, str(r.break_period)) for r in stored.itertuples()
            if int(str(r.break_period)[:4]) >= 1950] == [row[:3] for row in shown]


def test_report_periods_filters_and_messages(headline_run, tmp_path):
    path = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", str(headline_run), "-o", str(path), "--periods", "1990-1999",
                                       "2010-2019", "--jurisdiction", "us", "--corpus", "us_sotu"])
    assert result.exit_code == 0, result.output
    html = path.read_text(encoding="utf-8")
    assert "SVC share 1990-1999" in html and "<tr><td>US</td>" in html and "<tr><td>CN</td>" not in html
    result = CliRunner().invoke(main, ["report", str(headline_run), "-o", str(path), "--jurisdiction", "Chna"])
    assert result.exit_code == 2 and "did you mean 'CN'" in " ".join(result.output.split())
    result = CliRunner().invoke(main, ["report", str(headline_run), "-o", str(path), "--periods", "1700-1710",
                                       "1711-1720"])
    assert result.exit_code == 0
    assert "No jurisdiction has documents in both 1700-1710 and 1711-1720" in path.read_text(encoding="utf-8")
    assert "Documents left out" in html and "Methods" in html
