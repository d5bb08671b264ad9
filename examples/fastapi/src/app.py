"""A FastAPI application served from Lambda: Mangum turns API Gateway events into ASGI."""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, HTTPException, Query
from mangum import Mangum
from pydantic import BaseModel, Field

app = FastAPI(title="fogbank FastAPI example", version="1.0.0")

TAX_RATE = 0.2


class ItemIn(BaseModel):
    """The body of ``POST /items``."""

    name: str = Field(min_length=1, max_length=100)
    price: float = Field(gt=0)
    tags: list[str] = Field(default_factory=list)


class ItemOut(ItemIn):
    item_id: int
    price_with_tax: float


CATALOGUE: dict[int, ItemIn] = {
    1: ItemIn(name="kettle", price=25.0, tags=["kitchen"]),
    2: ItemIn(name="lamp", price=40.0, tags=["living-room", "light"]),
}


def _priced(item_id: int, item: ItemIn) -> ItemOut:
    return ItemOut(item_id=item_id, price_with_tax=round(item.price * (1 + TAX_RATE), 2),
                   **item.model_dump())


@app.get("/")
def root() -> dict[str, str]:
    return {"message": "hello from FastAPI", "stage": os.environ.get("STAGE_NAME", "")}


@app.get("/items")
def list_items(tag: str | None = None,
               limit: int = Query(default=10, ge=1, le=100)) -> list[ItemOut]:
    items = [_priced(i, item) for i, item in sorted(CATALOGUE.items())
             if tag is None or tag in item.tags]
    return items[:limit]


@app.get("/items/{item_id}")
def get_item(item_id: int, verbose: bool = False) -> dict[str, Any]:
    item = CATALOGUE.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail=f"item {item_id} not found")
    out = _priced(item_id, item).model_dump()
    if verbose:
        out["tax_rate"] = TAX_RATE
    return out


@app.post("/items", status_code=201)
def create_item(item: ItemIn) -> ItemOut:
    """Prices the item; Lambda keeps no state between invokes, so nothing is stored."""
    return _priced(max(CATALOGUE) + 1, item)


@app.get("/users/{user_id}/greeting")
def greeting(user_id: str,
             lang: str = Query(default="en", pattern="^(en|fr|de)$")) -> dict[str, str]:
    words = {"en": "hello", "fr": "bonjour", "de": "hallo"}
    return {"greeting": f"{words[lang]} {user_id}"}


handler = Mangum(app, lifespan="off")
