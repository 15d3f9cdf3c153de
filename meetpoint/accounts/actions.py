"""Every write to accounts goes through here, so pages, API, CLI and tests share one path."""

from django.db import transaction

from meetpoint.accounts.models import ApiToken, Membership, Organization, User
from meetpoint.accounts.roles import Role


@transaction.atomic
def create_organization(name: str, partner_type: str, **fields) -> Organization:
    slug = fields.pop("slug", None) or Organization.unique_slug(name)
    return Organization.objects.create(name=name, slug=slug, partner_type=partner_type, **fields)


@transaction.atomic
def add_member(
    organization: Organization,
    username: str,
    role: str = Role.VIEWER,
    *,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": email, "first_name": first_name, "last_name": last_name}
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    return membership


def issue_token(membership: Membership, name: str = "API token") -> str:
    """Returns the token's secret once; only its hash is kept."""
    _, key = ApiToken.issue(membership, name)
    return key


def revoke_token(membership: Membership, token_id: int) -> bool:
    return ApiToken.objects.filter(pk=token_id, membership=membership).update(revoked=True) > 0
