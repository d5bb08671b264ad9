"""The 30 line items of a half-hourly reading.

Every line item but the first is a charge in pounds for that half-hour (a share of the
standing charge, network charges, policy costs, VAT ...), so a bill's line items are plain
sums over half-hours and the total is the sum of the charges. Rates (pence per kWh) are not
line items: they do not add up; the charge they produce does.
"""

from __future__ import annotations

from decimal import Decimal

CONSUMPTION = "consumption_kwh"

LINE_ITEMS: tuple[tuple[str, str], ...] = (
    (CONSUMPTION, "Consumption (kWh)"),
    ("energy", "Wholesale energy"),
    ("standing_charge", "Standing charge (half-hour share)"),
    ("duos_unit", "DUoS unit charge (red/amber/green band)"),
    ("duos_fixed", "DUoS fixed charge"),
    ("duos_capacity", "DUoS capacity charge"),
    ("duos_reactive", "DUoS excess reactive power"),
    ("tnuos", "TNUoS transmission charge"),
    ("bsuos", "BSUoS balancing services"),
    ("losses", "Line loss adjustment"),
    ("imbalance", "Imbalance and shaping"),
    ("rcrc", "Residual cashflow reallocation"),
    ("cfd", "Contracts for Difference levy"),
    ("ro", "Renewables Obligation"),
    ("fit", "Feed-in Tariff levy"),
    ("cm", "Capacity Market levy"),
    ("aahedc", "AAHEDC levy"),
    ("ccl", "Climate Change Levy"),
    ("eco", "Energy Company Obligation"),
    ("whd", "Warm Home Discount"),
    ("bsc", "Elexon BSC charges"),
    ("dc_da", "Data collection and aggregation"),
    ("mop", "Meter operator"),
    ("smart_dcc", "Smart DCC charges"),
    ("hedging", "Hedging cost"),
    ("credit_risk", "Credit risk"),
    ("operating_cost", "Supplier operating cost"),
    ("margin", "Supplier margin"),
    ("ofgem_levy", "Ofgem licence fee"),
    ("vat", "VAT"),
)

CODES: tuple[str, ...] = tuple(code for code, _ in LINE_ITEMS)
CHARGE_CODES: tuple[str, ...] = CODES[1:]
DESCRIPTIONS: dict[str, str] = dict(LINE_ITEMS)
ZERO = Decimal(0)


def add_into(totals: list[Decimal], values: list[Decimal]) -> None:
    """``totals[i] += values[i]`` for each line item."""
    for index, value in enumerate(values):
        totals[index] += value


def zeros() -> list[Decimal]:
    return [ZERO] * len(CODES)


def total_charges(totals: list[Decimal]) -> Decimal:
    """The bill total: every charge, not the kWh."""
    return sum(totals[1:], ZERO)
