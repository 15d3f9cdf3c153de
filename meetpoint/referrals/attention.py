"""What the referral inbox asks of a member today, for the role home pages (meetpoint/navigation.py)."""

from django.utils import timezone

from meetpoint.referrals import lifecycle
from meetpoint.referrals.actions import overdue_after
from meetpoint.referrals.queries import referral_box


def new_referrals(membership) -> int:
    """Referrals received and not yet answered, still within the time to accept them."""
    cutoff = timezone.now() - overdue_after()
    return referral_box(membership, "inbox", lifecycle.SENT).filter(sent_at__gte=cutoff).count()


def overdue_referrals(membership) -> int:
    """Referrals received and still unanswered past the time to accept them (MEETPOINT_REFERRAL_OVERDUE_HOURS)."""
    cutoff = timezone.now() - overdue_after()
    return referral_box(membership, "inbox", lifecycle.SENT).filter(sent_at__lt=cutoff).count()
