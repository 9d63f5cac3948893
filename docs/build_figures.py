"""Regenerate the README's headline table and figures from ../shared/corpora (one run, numbers printed):

    .venv/bin/python docs/build_figures.py

Writes docs/shift-index.svg (the chart in the README) and docs/report.png (a screenshot of the report).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pipeline.aggregate.changepoints import change_points  # noqa: E402
from pipeline.aggregate.measurement import load_accuracy  # noqa: E402
from pipeline.aggregate.robustness import robustness  # noqa: E402
from pipeline.aggregate.shift import compare_shift  # noqa: E402
from pipeline.aggregate.tables import RunTables  # noqa: E402
from pipeline.aggregate.trends import lexicon_concepts, period_of  # noqa: E402
from pipeline.config import Period  # noqa: E402
from pipeline.lexicon import load_lexicon  # noqa: E402
from pipeline.notebook import example_run  # noqa: E402
from pipeline.report import markers, render_svg, shift_chart, write_report  # noqa: E402
from pipeline.store import read_table  # noqa: E402

SIDES = [("CN", "2000-2015", "2019-2025"), ("US", "2000-2015", "2019-2025"), ("EU", "2010-2015", "2019-2025")]


def main() -> None:
    out = example_run()
    tables = RunTables.read(out)
    concepts = lexicon_concepts(load_lexicon())
    accuracy = load_accuracy("shipped")
    print("| jurisdiction | period A | SVC share A | period B | SVC share B | difference | 95% CI | with the "
          "tagger's error: corrected (95% CI) | over other lexicon choices (sign holds?) | documents |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for jurisdiction, before, after in SIDES:
        found = compare_shift(tables, concepts, (jurisdiction, before), (jurisdiction, after), accuracy=accuracy)
        summary = robustness(tables, concepts, jurisdiction, (before, after)).summary()
        print(f"| {jurisdiction} | {before} | {found.a.share:.3f} | {after} | {found.b.share:.3f} | "
              f"{found.diff:+.3f} | {found.ci[0]:+.3f} to {found.ci[1]:+.3f} | {found.corrected_diff:+.3f} "
              f"({found.me_ci[0]:+.3f} to {found.me_ci[1]:+.3f}) | {summary['range'][0]:+.3f} to "
              f"{summary['range'][1]:+.3f} ({'yes' if summary['sign_holds'] else 'no'}; most moved by "
              f"{summary['most_moved_by']}) | {found.a.n_docs} / {found.b.n_docs} |")
    shift, trends = read_table(out, "shift"), read_table(out, "trends")
    recent = shift[shift["period"].astype(int) >= 1978]
    dated = tables.documents.assign(period=period_of(tables.documents, Period.YEAR))
    breaks = change_points(shift, trends, dated, since=1978)
    (HERE / "shift-index.svg").write_text(render_svg(shift_chart(recent, markers(breaks, "svc_share"))),
                                          encoding="utf-8")
    report = write_report(out, out / "report.html", since=1978)
    chromium = shutil.which("chromium")
    if chromium:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(report.as_uri())
            page.locator('#chart-shift circle.point[data-series="CN"][data-period="2021"]').click()
            page.screenshot(path=str(HERE / "report.png"))
            browser.close()
    print(f"wrote {HERE / 'shift-index.svg'}, {HERE / 'report.png'}; report at {report}")
    notebook_figures(out)


def notebook_figures(out: Path) -> None:
    """Execute notebooks 01 and 02 on the example run and save each one's first chart as docs/notebook-NN.png,
    rendered as a notebook viewer shows it (no style sheet)."""
    import os
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    from tests.rendering import svgs_to_png

    notebooks = HERE.parent / "notebooks"
    os.environ.setdefault("POLICY_PIPELINE_OUT", str(out))
    for name in ("01-trends-overview.ipynb", "02-concept-deep-dive.ipynb"):
        notebook = nbformat.read(notebooks / name, as_version=4)
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(notebooks)}}).execute()
        svgs = [output["data"]["image/svg+xml"] for cell in notebook.cells if cell.cell_type == "code"
                for output in cell.outputs if "image/svg+xml" in output.get("data", {})]
        with tempfile.TemporaryDirectory() as folder:
            [png] = svgs_to_png(svgs[:1], Path(folder), name[:2])
            target = HERE / f"notebook-{name[:2]}.png"
            shutil.copyfile(png, target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
