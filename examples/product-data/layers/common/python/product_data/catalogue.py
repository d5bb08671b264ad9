"""A deterministic synthetic master catalogue: the same ``(products, seed)`` always gives
the same brands, products and prices, so a refresh, a test and the benchmark agree on what
must arrive where."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

CATEGORIES = (
    "electronics/audio", "electronics/tv", "electronics/computing", "electronics/phones",
    "home/kitchen", "home/furniture", "home/garden", "fashion/women", "fashion/men",
    "fashion/shoes", "sports/outdoor", "sports/fitness", "toys/games", "beauty/skincare",
    "books/fiction", "grocery/drinks",
)
NOUNS = ("Speaker", "Headphones", "Kettle", "Chair", "Jacket", "Trainers", "Tent", "Lamp",
         "Blender", "Monitor", "Backpack", "Watch", "Board Game", "Serum", "Novel", "Coffee")
ADJECTIVES = ("Compact", "Premium", "Classic", "Wireless", "Eco", "Pro", "Ultra", "Smart",
              "Vintage", "Lightweight")
BRAND_WORDS = ("Nord", "Acme", "Helio", "Brightline", "Oakfield", "Vento", "Kestrel",
               "Lumen", "Tidal", "Corvid", "Saffron", "Granite")
DEFAULT_PRODUCTS_PER_BRAND = 1000
CURRENCY = "GBP"


def brand_count(products: int, per_brand: int = DEFAULT_PRODUCTS_PER_BRAND) -> int:
    return max(1, -(-products // per_brand))


def brand_id(index: int) -> str:
    return f"B{index:04d}"


def sku(index: int) -> str:
    return f"SKU-{index:07d}"


def brands(products: int, per_brand: int = DEFAULT_PRODUCTS_PER_BRAND) -> list[dict[str, Any]]:
    return [{"brand_id": brand_id(i),
             "name": f"{BRAND_WORDS[i % len(BRAND_WORDS)]} {i:04d}"}
            for i in range(brand_count(products, per_brand))]


def product(index: int, per_brand: int = DEFAULT_PRODUCTS_PER_BRAND,
            seed: int = 7) -> dict[str, Any]:
    """Product ``index``; products are assigned to brands in contiguous blocks."""
    rng = random.Random(seed * 1_000_003 + index)
    noun = NOUNS[rng.randrange(len(NOUNS))]
    the_sku = sku(index)
    return {
        "sku": the_sku,
        "title": f"{ADJECTIVES[rng.randrange(len(ADJECTIVES))]} {noun} {index}",
        "description": f"A {noun.lower()} from the synthetic catalogue, item {index}.",
        "brand_id": brand_id(index // per_brand),
        "category": CATEGORIES[rng.randrange(len(CATEGORIES))],
        "images": [f"https://images.example.com/{the_sku}/{n}.jpg"
                   for n in range(1 + rng.randrange(3))],
    }


def price(index: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed * 7_919 + index)
    return {"sku": sku(index), "price": Decimal(rng.randrange(199, 99_999)) / 100,
            "currency": CURRENCY}


def products(count: int, per_brand: int = DEFAULT_PRODUCTS_PER_BRAND,
             seed: int = 7) -> list[dict[str, Any]]:
    return [product(i, per_brand, seed) for i in range(count)]
