"""Local handlers for the map-items example: `cloudflow run ... --tasks examples/map-items/tasks.py`.

Each handler takes the task's event (the effective parameters; for `lambda:invoke` the Payload) and
returns what the function would return; a second `context` parameter, if declared, receives the
state name, attempt and token. Raising TaskError fails the task with that error, so a flow's
Retry and Catch see it exactly as they would see the real function's error.
"""

from __future__ import annotations

from typing import Any

from cloudflow.local.python_tasks import TaskError, task

# Prices in cents, so totals are exact integers.
UNIT_PRICE_CENTS = {"MUG-BLUE": 1250, "TEE-L": 1900, "CAP-RED": 1500}
TAX_PERCENT = 20


@task("arn:aws:lambda:us-east-1:123456789012:function:price-line")
def price_line(event: dict[str, Any]) -> dict[str, Any]:
    """Price one order line (a bare function ARN: the return value is the task result)."""
    sku = event["sku"]
    if sku not in UNIT_PRICE_CENTS:
        raise TaskError("Pricing.UnknownSku", f"No price for SKU {sku}")
    unit = UNIT_PRICE_CENTS[sku]
    return {
        "lineNumber": event["lineNumber"],
        "sku": sku,
        "quantity": event["quantity"],
        "unitPriceCents": unit,
        "amountCents": unit * event["quantity"],
    }


@task("arn:aws:lambda:us-east-1:123456789012:function:total-order")
def total_order(event: dict[str, Any]) -> dict[str, Any]:
    """Total the priced lines (called through lambda:invoke: CloudFlow wraps the return as `Payload`)."""
    subtotal = sum(line["amountCents"] for line in event["lines"])
    tax = subtotal * TAX_PERCENT // 100
    return {
        "orderId": event["orderId"],
        "currency": event["currency"],
        "subtotalCents": subtotal,
        "taxCents": tax,
        "totalCents": subtotal + tax,
    }
