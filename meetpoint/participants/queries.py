"""Reads of participants, always within the acting membership's organization."""

from django.http import Http404

from meetpoint.participants.models import PossibleDuplicate


def open_duplicates(membership):
    return (
        PossibleDuplicate.objects.filter(
            organization=membership.organization, status=PossibleDuplicate.Status.OPEN
        )
        .select_related("participant", "similar_to")
        .order_by("-created")
    )


def duplicate_for(membership, pk) -> PossibleDuplicate:
    found = PossibleDuplicate.objects.filter(organization=membership.organization, pk=pk).first()
    if found is None:
        raise Http404("No such possible duplicate in your organization.")
    return found
