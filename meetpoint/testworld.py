"""The shared test world: two unrelated partner organizations with a member of every role each, a coalition,
and helpers to act as any of them. Every view and endpoint test uses it, with the outsider and anonymous cases."""

from dataclasses import dataclass, field

from django.test import Client

from meetpoint.accounts import actions
from meetpoint.accounts.models import Membership, Organization
from meetpoint.accounts.roles import PartnerType, Role

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 — test world only
ROLES = (Role.ADMIN, Role.STAFF, Role.ANALYST, Role.VIEWER)


@dataclass
class Side:
    """One organization of the test world and its members by role."""

    organization: Organization
    members: dict[str, Membership] = field(default_factory=dict)

    @property
    def admin(self) -> Membership:
        return self.members[Role.ADMIN]

    @property
    def staff(self) -> Membership:
        return self.members[Role.STAFF]

    @property
    def analyst(self) -> Membership:
        return self.members[Role.ANALYST]

    @property
    def viewer(self) -> Membership:
        return self.members[Role.VIEWER]


@dataclass
class World:
    home: Side  # the organization under test
    outsider: Side  # an unrelated organization that must never see the home side's records
    coalition: Side

    def client(self, membership: Membership | None = None) -> Client:
        """A client signed in as `membership` (acting for its organization), or anonymous when None."""
        client = Client()
        if membership is not None:
            client.force_login(membership.user)
            session = client.session
            session["acting_membership_id"] = membership.pk
            session.save()
        return client

    def token(self, membership: Membership) -> dict:
        """Headers for an API call authenticated by a bearer token of `membership`."""
        return {"Authorization": f"Bearer {actions.issue_token(membership, 'test')}"}


def make_side(name: str, slug: str, partner_type: str) -> Side:
    organization = actions.create_organization(name, partner_type, slug=slug)
    side = Side(organization)
    for role in ROLES:
        side.members[role] = actions.add_member(organization, f"{slug}-{role}", role, password=PASSWORD)
    return side


def make_world() -> World:
    return World(
        home=make_side("Riverbend Harm Reduction", "riverbend", PartnerType.HARM_REDUCTION),
        outsider=make_side("Lakeside Hospital", "lakeside", PartnerType.HOSPITAL),
        coalition=make_side("Three Rivers Prevention Coalition", "three-rivers", PartnerType.COALITION),
    )
