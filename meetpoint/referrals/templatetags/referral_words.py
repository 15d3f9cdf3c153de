"""Words for a referral's codes on pages: its states and reasons in the reader's language (codes stay in the API)."""

from django import template

from meetpoint.referrals import lifecycle

register = template.Library()


@register.filter
def state_label(code: str) -> str:
    return str(lifecycle.STATE_LABELS.get(code, code))


@register.filter
def reason_label(code: str) -> str:
    return str(lifecycle.NOT_COMPLETED_REASONS.get(code, code))
