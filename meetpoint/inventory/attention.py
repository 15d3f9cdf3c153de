"""What the stock asks of a member today, for the role home pages (meetpoint/navigation.py)."""

from django.utils import timezone

from meetpoint.inventory.queries import alerts


def stock_needing_attention(membership) -> int:
    """Items below their minimum at a site, and lots that expire soon (MEETPOINT_INVENTORY_EXPIRY_DAYS) or are
    past their date and still on the books."""
    found = alerts(membership.organization_id, timezone.localdate())
    return len(found.low_stock) + len(found.expiring) + len(found.expired)
