"""Charts for choosing priorities: the risk matrix heat map, public concern, rank stability."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from csp_analysis.plots.style import PALETTE, apply_style, finish
from csp_analysis.statistics.risk_matrix import LABELS

# "cividis" (Nuñez, Anderton and Renslow 2018) is sequential and readable with colour-vision
# deficiencies and in greyscale; missing cells are light grey and hatched, and say "n/a".
CMAP = "cividis"
MISSING_FACE = "#eeeeee"


def _factors_of(risk: pd.DataFrame) -> list[str]:
    return [
        c[: -len("_score")] for c in risk.columns if c.endswith("_score") and c != "total_score"
    ]


def plot_risk_heatmap(
    risk: pd.DataFrame, factors: list[str] | None = None, title: str = "Risk matrix scores"
) -> Figure:
    """Heat map of factor scores (1–5): categories down, factors across, in rank order.

    Parameters
    ----------
    risk : pandas.DataFrame
        :func:`~csp_analysis.statistics.risk_matrix.score_risk` output.
    factors : list of str, optional
        Factors to show (default: every ``<factor>_score`` column, in table order).
    title : str
        Chart title.

    Returns
    -------
    matplotlib.figure.Figure
        Each cell annotated with its score; missing scores drawn as hatched grey cells marked
        "n/a" (never coloured as a low score); the total score in a last column.
    """
    apply_style()
    factors = factors or _factors_of(risk)
    scores = risk[[f"{f}_score" for f in factors]].to_numpy(dtype="float64", na_value=np.nan)
    n_rows, n_cols = scores.shape
    fig, ax = plt.subplots(figsize=(1.3 * n_cols + 4.5, 0.42 * n_rows + 1.8))
    cmap = mpl.colormaps[CMAP]
    norm = mpl.colors.Normalize(vmin=1, vmax=5)
    img = ax.imshow(np.ma.masked_invalid(scores), cmap=cmap, norm=norm, aspect="auto")
    for i in range(n_rows):
        for j in range(n_cols):
            v = scores[i, j]
            if np.isnan(v):
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5),
                        1,
                        1,
                        facecolor=MISSING_FACE,
                        edgecolor="#9a9a9a",
                        hatch="///",
                        linewidth=0,
                    )
                )
                ax.text(
                    j,
                    i,
                    "n/a",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color=PALETTE["grey"],
                    bbox={"facecolor": MISSING_FACE, "edgecolor": "none", "pad": 1},
                )
            else:
                text_colour = "white" if v < 3 else "black"
                ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=10, color=text_colour)
    labels = []
    for _, r in risk.iterrows():
        rank = r.get("rank")
        labels.append(
            f"{int(rank)}. {r['category']}"
            if pd.notna(rank)
            else f"–  {r['category']} (not ranked)"
        )
    ax.set_yticks(range(n_rows), labels)
    ax.set_xticks(
        range(n_cols),
        [LABELS.get(f, f.replace("_", " ")) for f in factors],
        rotation=30,
        ha="right",
    )
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if "total_score" in risk.columns:
        for i, v in enumerate(risk["total_score"]):
            txt = "n/a" if pd.isna(v) else f"{v:.1f}"
            ax.text(
                n_cols - 0.5 + 0.15, i, txt, ha="left", va="center", fontsize=10, fontweight="bold"
            )
        ax.text(n_cols - 0.5 + 0.15, -0.75, "total", ha="left", va="bottom", fontsize=10)
    bar = fig.colorbar(img, ax=ax, ticks=[1, 2, 3, 4, 5], fraction=0.04, pad=0.12)
    bar.set_label("Score (1 low – 5 high)")
    finish(fig, ax, title, y_thousands=False)
    fig.text(
        0.01,
        0.01,
        "Hatched grey 'n/a': no data for that factor (not a low score).",
        fontsize=9,
        color=PALETTE["grey"],
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    plt.close(fig)
    return fig


def plot_concern(concern: pd.DataFrame, title: str = "What residents want prioritised") -> Figure:
    """Horizontal bars of the % of respondents naming each concern, with 95% Wilson intervals.

    Parameters
    ----------
    concern : pandas.DataFrame
        :func:`~csp_analysis.statistics.survey.public_concern` output; when it has
        ``previous_pct`` the previous survey is marked with a hollow diamond.
    title : str
        Chart title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    df = concern.sort_values(["rank", "concern"], kind="stable").reset_index(drop=True)
    n = len(df)
    fig, ax = plt.subplots(figsize=(9, 0.45 * n + 1.6))
    y = np.arange(n)
    pct = df["pct"].to_numpy(dtype="float64")
    err = np.vstack(
        [
            pct - df["ci_lower"].to_numpy(dtype="float64"),
            df["ci_upper"].to_numpy(dtype="float64") - pct,
        ]
    )
    label = f"{df['period'].iloc[0]}" if "period" in df.columns and n else "share"
    ax.barh(y, pct, color=PALETTE["blue"], label=label)
    ax.errorbar(
        pct,
        y,
        xerr=err,
        fmt="none",
        ecolor="black",
        elinewidth=1.2,
        capsize=3,
        label="95% interval (Wilson)",
    )
    if "previous_pct" in df.columns and df["previous_pct"].notna().any():
        prev_label = (
            str(df["previous_period"].dropna().iloc[0])
            if "previous_period" in df
            else "previous survey"
        )
        ax.plot(
            df["previous_pct"].to_numpy(dtype="float64", na_value=np.nan),
            y,
            linestyle="none",
            marker="D",
            markerfacecolor="white",
            markeredgecolor=PALETTE["orange"],
            markeredgewidth=2,
            markersize=7,
            label=prev_label,
        )
    right = df["ci_upper"].to_numpy(dtype="float64")
    if "previous_pct" in df.columns:
        right = np.fmax(right, df["previous_pct"].to_numpy(dtype="float64", na_value=np.nan))
    for yi, (p, x) in enumerate(zip(pct, right, strict=True)):
        ax.text(x + 1.5, yi, f"{p:.1f}%", va="center", fontsize=9)
    ax.set_yticks(y, list(df["concern"]))
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    finish(
        fig,
        ax,
        title,
        xlabel="% of respondents naming the issue (more than one could be named)",
        y_thousands=False,
    )
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_sensitivity(sens: pd.DataFrame, title: str = "How stable is the ranking?") -> Figure:
    """Rank ranges under random weights: the 5th–95th percentile of rank and the median.

    Parameters
    ----------
    sens : pandas.DataFrame
        :func:`~csp_analysis.statistics.risk_matrix.sensitivity` output.
    title : str
        Chart title.

    Returns
    -------
    matplotlib.figure.Figure
        One row per ranked category (best median rank at the top); a line from the 5th to the
        95th percentile rank, a dot at the median, and the share of draws in the top group
        written at the right.
    """
    apply_style()
    p_col = next((c for c in sens.columns if c.startswith("p_top")), None)
    df = sens.dropna(subset=["median_rank"]).sort_values(["median_rank", "rank"], kind="stable")
    df = df.reset_index(drop=True)
    n = len(df)
    fig, ax = plt.subplots(figsize=(9, 0.45 * n + 2.4))
    y = np.arange(n)
    ax.hlines(
        y,
        df["rank_5th"],
        df["rank_95th"],
        color=PALETTE["sky"],
        linewidth=6,
        label="5th–95th percentile of rank",
    )
    ax.plot(df["median_rank"], y, "o", color=PALETTE["blue"], label="median rank")
    if "rank" in df.columns:
        ax.plot(
            df["rank"].astype("float64"),
            y,
            "|",
            color="black",
            markersize=14,
            markeredgewidth=2,
            label="rank with the configured weights",
        )
    max_rank = max(float(df["rank_95th"].max()) if n else 1.0, 1.0)
    if p_col:
        top = int(p_col[len("p_top") :])
        ax.axvspan(0.5, top + 0.5, color=PALETTE["green"], alpha=0.08, label=f"top {top}")
        for yi, p in enumerate(df[p_col]):
            ax.text(max_rank + 0.8, yi, f"{100 * p:.0f}% in top {top}", va="center", fontsize=9)
    ax.set_yticks(y, list(df["category"]))
    ax.invert_yaxis()
    ax.set_xlim(0.5, max_rank + 3.5)
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    spread = sens.attrs.get("spread")
    varied = f"by up to ±{100 * spread:.0f}%" if spread is not None else "at random"
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False, fontsize=9)
    finish(
        fig,
        ax,
        title,
        xlabel=f"Rank (1 = highest priority) with every weight varied {varied}",
        y_thousands=False,
    )
    fig.tight_layout()
    plt.close(fig)
    return fig
