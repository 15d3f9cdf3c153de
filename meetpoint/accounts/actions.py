"""Every write to accounts goes through here, so pages, API, CLI and tests share one path."""

from django.db import transaction

from meetpoint.accounts import audit
from meetpoint.accounts.models import ApiToken, Membership, Organization, User
from meetpoint.accounts.roles import Role


@transaction.atomic
def create_organization(name: str, partner_type: str, **fields) -> Organization:
    slug = fields.pop("slug", None) or Organization.unique_slug(name)
    organization = Organization.objects.create(name=name, slug=slug, partner_type=partner_type, **fields)
    audit.record("accounts.organization.created", obj=organization, detail={"partner_type": partner_type})
    return organization


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
    membership, joined = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    audit.record(
        "accounts.member.added" if joined else "accounts.member.role_set",
        organization=organization,
        obj=membership,
        detail={"username": username, "role": role, "new_account": created},
    )
    return membership


@transaction.atomic
def issue_token(membership: Membership, name: str = "API token") -> str:
    """Returns the token's secret once; only its hash is kept."""
    token, key = ApiToken.issue(membership, name)
    audit.record(
        "accounts.token.issued", organization=membership.organization, obj=token, detail={"name": name}
    )
    return key


@transaction.atomic
def revoke_token(membership: Membership, token_id: int) -> bool:
    """False when the membership has no such token."""
    token = ApiToken.objects.filter(pk=token_id, membership=membership).first()
    if token is None:
        return False
    if not token.revoked:
        ApiToken.objects.filter(pk=token.pk).update(revoked=True)
        audit.record(
            "accounts.token.revoked",
            organization=membership.organization,
            obj=token,
            detail={"name": token.name},
        )
    return True


@transaction.atomic
def deactivate_organization(organization: Organization) -> Organization:
    """Its members can no longer act for it; its records and its audit events stay (nothing is deleted)."""
    if organization.is_active:
        Organization.objects.filter(pk=organization.pk).update(is_active=False)
        organization.is_active = False
        audit.record("accounts.organization.deactivated", obj=organization)
    return organization


@transaction.atomic
def deactivate_user(user: User) -> User:
    """The account can no longer sign in or use its tokens; the audit log keeps its name."""
    if user.is_active:
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        audit.record(
            "accounts.user.deactivated",
            object_type="accounts.user",
            object_id=str(user.pk),
            detail={"username": user.get_username()},
        )
    return user
