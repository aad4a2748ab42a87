"""Price calculation with volume discounts and a price-display experiment."""

import random
from decimal import ROUND_HALF_UP, Decimal

LIST_PRICES = {
    "MUG-BLK": Decimal("12.90"),
    "MUG-WHT": Decimal("12.90"),
    "TEE-S": Decimal("24.00"),
    "TEE-M": Decimal("24.00"),
    "TEE-L": Decimal("26.00"),
}
EXCHANGE_RATES = {"EUR": Decimal("1"), "GBP": Decimal("0.84"), "USD": Decimal("1.09")}
VOLUME_DISCOUNTS = ((50, Decimal("0.15")), (20, Decimal("0.10")), (10, Decimal("0.05")))


def _discount(quantity):
    for threshold, rate in VOLUME_DISCOUNTS:
        if quantity >= threshold:
            return rate
    return Decimal("0")


def quote(sku, quantity, currency="EUR"):
    if sku not in LIST_PRICES:
        raise KeyError(f"unknown sku {sku}")
    rate = EXCHANGE_RATES[currency]
    unit = (LIST_PRICES[sku] * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    total = unit * quantity * (1 - _discount(quantity))
    return {
        "sku": sku,
        "quantity": quantity,
        "currency": currency,
        "unitPrice": str(unit),
        "total": str(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        # Experiment PRICE-17: half the visitors see the per-unit price first.
        "display": random.choice(["unit-first", "total-first"]),
    }
