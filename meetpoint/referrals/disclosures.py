"""The accounting of disclosures (42 CFR Part 2, HIPAA §164.528): for the organization that collected a
referral's information (the sender), who outside it viewed or exported the referral, and when. Read from the
audit log, where every read and export of a referral is written in the transaction that serves it
(`referral.view`, `referral.export`, …), by the acting organization.

Only the sender's admins read it: it names the partners' staff who opened each record.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.http import Http404

from meetpoint import spreadsheet_cells
from meetpoint.accounts.models import AuditEvent, Organization
from meetpoint.accounts.roles import Role
from meetpoint.errors import NotAllowed
from meetpoint.referrals.models import Referral

OBJECT_TYPE = "referrals.referral"
CSV_HEADER = ["referral", "when", "organization", "person", "what", "format"]


@dataclass(frozen=True)
class Disclosure:
    referral_id: str
    at: datetime
    organization: str  # the receiving organization's name (kept in the log by id)
    person: str
    action: str  # referral.view, referral.export, …
    detail: dict

    @property
    def what(self) -> str:
        return "exported" if self.action.endswith(".export") else "viewed"


def _admin_of_sender(membership) -> None:
    if membership.role != Role.ADMIN:
        raise NotAllowed(
            "Only an admin of the organization that sent a referral sees who outside it read it."
        )


def disclosures(membership, referral_id=None) -> list[Disclosure]:
    """Reads and exports by other organizations of the member's organization's referrals (one referral, or all),
    newest first. A referral that is not the member's organization's own is a 404; a role other than admin a 403."""
    _admin_of_sender(membership)
    sent = Referral.objects.filter(sender=membership.organization)
    if referral_id is not None:
        try:
            rid = referral_id if isinstance(referral_id, uuid.UUID) else uuid.UUID(str(referral_id))
        except ValueError:
            raise Http404("No such referral.") from None
        if not sent.filter(pk=rid).exists():
            raise Http404("No such referral sent by your organization.")
        ids = [str(rid)]
    else:
        ids = [str(pk) for pk in sent.values_list("pk", flat=True)]
    events = (
        AuditEvent.objects.filter(object_type=OBJECT_TYPE, object_id__in=ids, action__startswith="referral.")
        .filter(action__in=("referral.view", "referral.export"))
        .exclude(organization_id=membership.organization_id)
        .exclude(organization_id__isnull=True)
        .order_by("-at", "-id")
    )
    names = dict(
        Organization.objects.filter(pk__in={e.organization_id for e in events}).values_list("pk", "name")
    )
    return [
        Disclosure(
            e.object_id,
            e.at,
            names.get(e.organization_id, str(e.organization_id)),
            e.actor_name,
            e.action,
            e.detail or {},
        )
        for e in events
    ]


def disclosures_csv(rows: list[Disclosure]) -> bytes:
    buffer = io.StringIO()
    writer = spreadsheet_cells.csv_writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow([row.referral_id, row.at.isoformat(), row.organization, row.person, row.what,
                         row.detail.get("format", "")])  # fmt: skip
    return buffer.getvalue().encode()
