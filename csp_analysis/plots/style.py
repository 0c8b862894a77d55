"""The shared chart style: colour-blind-safe (Okabe-Ito) palette, readable sizes."""

from __future__ import annotations

import matplotlib as mpl

# Okabe & Ito (2008), "Color Universal Design": distinguishable with common colour-vision
# deficiencies.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#595959",
}


def apply_style() -> None:
    """Set matplotlib defaults used by every chart of the report."""
    mpl.rcParams.update(
        {
            "figure.figsize": (9, 4),
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#dddddd",
            "grid.linewidth": 0.8,
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
            "svg.hashsalt": "csp-assess",
            "path.simplify": False,
        }
    )
