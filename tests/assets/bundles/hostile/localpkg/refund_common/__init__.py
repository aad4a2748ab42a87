"""Helpers shared by the payments team's Lambda functions."""
