"""Helpers shared by every shop function."""


def money(cents: int) -> str:
    return f"{cents / 100:.2f}"
