"""Every write to stock goes through here, so pages, API, CLI, the outreach app and tests share one path.

The ledger is append-only: each action writes one StockMovement (two for a transfer) with one LedgerEntry per
lot it touches, and updates the cached `StockLot.on_hand` of those lots in the same transaction. Validation comes
first; nothing is half-written. Errors are `InventoryError` (a ValueError naming the field and what is wrong);
a refusal for lack of stock is `NotEnoughStock`, which carries the available figure.

- `distribution`: record_distribution, reverse_distribution, record_distributions_bulk (outreach's contract)
- `stock`: receipts, transfers, adjustments, expiry write-offs, reconciliation, thresholds
- `ledger`: errors, validation, FEFO allocation, lots and the writes that keep balances consistent
"""

from meetpoint.inventory.actions.distribution import (
    BulkResult,
    DistributionRow,
    record_distribution,
    record_distributions_bulk,
    reverse_distribution,
)
from meetpoint.inventory.actions.ledger import (
    FUTURE_SKEW,
    InventoryError,
    NotEnoughStock,
    max_receipt_quantity,
)
from meetpoint.inventory.actions.stock import (
    reconcile,
    record_adjustment,
    record_receipt,
    record_transfer,
    set_threshold,
    write_off_expired,
)

__all__ = [
    "FUTURE_SKEW",
    "BulkResult",
    "DistributionRow",
    "InventoryError",
    "NotEnoughStock",
    "max_receipt_quantity",
    "reconcile",
    "record_adjustment",
    "record_distribution",
    "record_distributions_bulk",
    "record_receipt",
    "record_transfer",
    "reverse_distribution",
    "set_threshold",
    "write_off_expired",
]
