"""The site accounts for itself: page weight and CO2e per view, a Footprint page
and JSON, content-hashed and precompressed assets. See README, "Footprint"."""

from .plugin import register

__all__ = ["register"]
