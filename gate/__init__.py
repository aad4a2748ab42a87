"""serverless-gate: one security verdict per serverless function bundle."""

from __future__ import annotations

__version__ = "0.1.0"
