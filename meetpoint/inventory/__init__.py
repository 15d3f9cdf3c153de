"""Inventory: the supply catalog and stock per site and mobile unit by lot and expiry — receipts, transfers,
adjustments, distribution, and alerts for low stock and expiring lots."""
