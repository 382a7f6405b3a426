"""The report's table of a cloud job's estimated cost (``pipeline.outputs.cost``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pipeline.outputs.formatting import usd


def _number(value: Any, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


COST_ITEMS = {
    "mediaconvert": "MediaConvert audio extraction",
    "endpoint": "SageMaker endpoint",
    "lambda_compute": "Lambda compute",
    "lambda_requests": "Lambda requests",
    "state_transitions": "Step Functions state transitions",
}


def _unit_price(price: float) -> str:
    return f"${price:.10f}".rstrip("0").rstrip(".")


def _quantity(quantity: float, unit: str) -> str:
    number = f"{quantity:,.3f}".rstrip("0").rstrip(".")
    return f"{number} {unit}{'' if quantity == 1 or not unit else 's'}"


def cost_table(cost: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The report's cost table of a stored estimate (``CostEstimate.to_dict()``, as the job summary
    keeps it: read back from DynamoDB its numbers are ``Decimal``), or None without one."""
    if not cost:
        return None
    lines = []
    for line in cost.get("lines") or []:
        unit_price = line.get("unit_price")
        quantity = _number(line.get("quantity"))
        lines.append(
            {
                "item": COST_ITEMS.get(str(line.get("item")), str(line.get("item"))),
                "detail": str(line.get("detail") or ""),
                "quantity": _quantity(quantity, str(line.get("unit", ""))),
                "unit_price": "no confirmed price" if unit_price is None else _unit_price(_number(unit_price)),
                "cost": usd(None if line.get("usd") is None else _number(line.get("usd"))),
                "priced": unit_price is not None,
            }
        )
    return {
        "lines": lines,
        "total": usd(_number(cost.get("total_usd"))),
        "complete": bool(cost.get("complete")),
        "region": str(cost.get("region") or "unknown region"),
        "as_of": str(cost.get("prices_as_of") or ""),
    }
