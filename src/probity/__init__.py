"""Probity: codes of conduct for the justice sector, as data."""

__version__ = "0.1.0"
