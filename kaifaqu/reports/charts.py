"""Charts for Word: the page's ECharts spec drawn by matplotlib as a 300 dpi PNG.

One spec drives both (specs/report-format.md, "Charts"): the page hands it to ECharts, and
this draws the same title, categories, values and series names, with Chinese labels in a
CJK font (Noto Sans CJK SC, from Debian's fonts-noto-cjk).
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

DPI = 300
FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "AR PL UKai CN", "DejaVu Sans"]
GREYS = ["#404040", "#8c8c8c", "#c8c8c8", "#e6e6e6"]


def png(spec: dict[str, Any]) -> bytes:
    """The chart as PNG bytes at 300 dpi (14 × 8 cm, the width Word places it at)."""
    with plt.rc_context(
        {"font.sans-serif": FONTS, "font.family": "sans-serif", "axes.unicode_minus": False}
    ):
        figure = Figure(figsize=(14 / 2.54, 8 / 2.54), dpi=DPI)
        axes = figure.add_subplot()
        title = spec.get("title", {}).get("text", "")
        series = spec.get("series", [])
        if series and series[0].get("type") == "pie":
            data = series[0]["data"]
            axes.pie(
                [d["value"] for d in data],
                labels=[f"{d['name']}\n{d['value']:g}%" for d in data],
                colors=GREYS[: len(data)],
                startangle=90,
                counterclock=False,
                textprops={"fontsize": 8},
                wedgeprops={"edgecolor": "white"},
            )
            axes.axis("equal")
        else:
            categories = spec.get("xAxis", {}).get("data", [])
            width = 0.8 / max(len(series), 1)
            for i, s in enumerate(series):
                xs = [x + i * width - 0.4 + width / 2 for x in range(len(categories))]
                axes.bar(xs, s["data"], width, label=s.get("name", ""), color=GREYS[i % 4])
            axes.set_xticks(range(len(categories)), categories, fontsize=8)
            axes.set_ylabel(spec.get("yAxis", {}).get("name", ""), fontsize=8)
            axes.tick_params(axis="y", labelsize=8)
            axes.legend(fontsize=8, frameon=False)
            for side in ("top", "right"):
                axes.spines[side].set_visible(False)
        axes.set_title(title, fontsize=10, pad=14)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
