"""Who sees policies: members of every partner see where each policy stands; only the owning
organization's admin and staff edit (others get a 404 on its edit pages)."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from meetpoint.policy.models import Policy


def policies_visible(membership) -> QuerySet[Policy]:
    if not membership:
        return Policy.objects.none()
    return Policy.objects.select_related("organization").prefetch_related("signed_on")


def policy_for(membership, policy_id) -> Policy:
    try:
        key = uuid.UUID(str(policy_id))
    except ValueError:
        raise Http404("No such policy.") from None
    policy = policies_visible(membership).filter(pk=key).first()
    if policy is None:
        raise Http404("No such policy.")
    return policy


def owned_policy(membership, policy_id) -> Policy:
    policy = policy_for(membership, policy_id)
    if policy.organization_id != membership.organization_id:
        raise Http404("No such policy tracked by your organization.")
    return policy
