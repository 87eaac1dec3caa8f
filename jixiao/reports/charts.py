"""Report charts as PNG bytes (matplotlib, Agg backend, no pyplot global state).

Bar heights are the printed figures converted back to numbers, and every bar label is the
printed string itself, so a chart can never show a value the tables do not.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402  (the backend must be chosen first)
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

CJK_FAMILY = "Noto Sans CJK SC"
CJK_FILE_GLOB = "NotoSansCJK-*.ttc"
CJK_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts")
DPI = 200
WIDTH_IN = 6.2  # the picture is placed 15 cm wide
BAR_COLOUR = "#4472C4"
LABEL_SIZE = 9


class ChartFontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font_family() -> str:
    """The CJK font for chart text; registers the Noto .ttc files if matplotlib missed them."""
    if _family_known(CJK_FAMILY):
        return CJK_FAMILY
    for folder in CJK_DIRS:
        for path in sorted(Path(folder).rglob(CJK_FILE_GLOB)) if Path(folder).is_dir() else []:
            font_manager.fontManager.addfont(str(path))
    if _family_known(CJK_FAMILY):
        return CJK_FAMILY
    raise ChartFontMissing(
        f"未找到中文字体“{CJK_FAMILY}”，无法绘制图表。请先安装 Noto CJK 字体"
        "（Debian/Ubuntu：apt-get install fonts-noto-cjk），然后重试。"
    )


def _family_known(family: str) -> bool:
    return any(f.name == family for f in font_manager.fontManager.ttflist)


def _rc() -> dict:
    return {
        "font.family": [cjk_font_family()],
        "axes.unicode_minus": False,  # CJK fonts lack U+2212; use the ASCII hyphen
        "font.size": LABEL_SIZE,
    }


def _number(printed: str) -> float:
    """A printed figure ('317.395', '97.50%') as a bar height; never used as a label."""
    return float(Decimal(printed.rstrip("%")))


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


def _tidy(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def level1_rate_chart(figures: dict) -> bytes:
    """Vertical bars: 得分率 of each level-1 indicator, labelled with the printed rate."""
    rows = figures["level1"]
    labels = [f"{r['code']}{r['name']}" for r in rows]
    heights = [_number(r["rate"]) for r in rows]
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(WIDTH_IN, 3.0), dpi=DPI, layout="constrained")
        ax = fig.add_subplot()
        bars = ax.bar(labels, heights, color=BAR_COLOUR, width=0.5)
        ax.bar_label(bars, labels=[r["rate"] for r in rows], padding=2)
        ax.set_ylim(0, max([100.0, *heights]) * 1.15)
        ax.set_ylabel("得分率（%）")
        _tidy(ax)
        return _png(fig)


def allocation_chart(figures: dict) -> bytes | None:
    """Horizontal bars in table order: amount allocated to each listed unit (county, township …, 万元); None if none."""
    rows = figures["allocations"]["rows"]
    if not rows:
        return None
    names = [r["region"] for r in rows]
    heights = [_number(r["amount"]) for r in rows]
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(WIDTH_IN, 0.9 + 0.32 * len(rows)), dpi=DPI, layout="constrained")
        ax = fig.add_subplot()
        positions = range(len(rows))
        bars = ax.barh(positions, heights, color=BAR_COLOUR, height=0.6)
        ax.set_yticks(list(positions), labels=names)
        ax.invert_yaxis()  # first table row on top
        ax.bar_label(bars, labels=[r["amount"] for r in rows], padding=3)
        ax.set_xlim(0, max(heights) * 1.15 if max(heights) > 0 else 1)
        ax.set_xlabel(f"下拨资金（{figures['funds']['unit']}）")
        _tidy(ax)
        return _png(fig)


def report_charts(figures: dict) -> dict[str, bytes | None]:
    """All charts of the report, keyed as the template refers to them (charts.level1 …)."""
    return {"level1": level1_rate_chart(figures), "allocation": allocation_chart(figures)}


def save_charts(figures: dict, out_dir) -> dict[str, Path]:
    """Write the charts as PNG files (for the web page or for pasting elsewhere)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, png in report_charts(figures).items():
        if png is not None:
            path = out / f"chart_{name}.png"
            path.write_bytes(png)
            written[name] = path
    return written
