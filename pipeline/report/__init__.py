"""The offline HTML report of a run: charts, the shift index, change points, evidence drill-down."""

from pipeline.report.charts import Chart, Marker, Point, Series, render_panels, render_svg
from pipeline.report.html import build_report, markers, rate_chart, shift_chart, write_report

__all__ = ["Chart", "Marker", "Point", "Series", "build_report", "markers", "rate_chart", "render_panels", "render_svg",
           "shift_chart", "write_report"]
