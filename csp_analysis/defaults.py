"""Defaults the runtime shares, in one place."""

from __future__ import annotations

__all__ = ["DEMO_AREA"]

DEMO_AREA: str = "Elderbrook"
"""The partnership of the built-in synthetic demo data (fictional), assessed when no area is given.

The demo generator (``tools/demo``) writes its data for this area; the package never imports the
generator.
"""
