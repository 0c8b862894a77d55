"""Plots: matplotlib/seaborn figures from analysis tables, in one shared accessible style."""

from csp_analysis.plots.style import PALETTE, apply_style
from csp_analysis.plots.trends import plot_monthly_trend

__all__ = ["PALETTE", "apply_style", "plot_monthly_trend"]
