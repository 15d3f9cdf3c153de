"""API authentication: a bearer token (which acts as one membership) or the signed-in session."""

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from meetpoint.accounts.queries import membership_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        membership = membership_for_token(token)
        if membership is None:
            return None
        request.membership = membership
        request.user = membership.user
        return membership


class SessionMembershipAuth(APIKeyCookie):
    """Django session cookie, with CSRF checked on unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest):
        # CSRF guards a session's writes; a request with no signed-in member has no session to protect and
        # gets the documented 401, not a CSRF 403.
        if not request.user.is_authenticated or not request.membership:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key):
        if not request.user.is_authenticated:
            return None
        membership = request.membership
        if not membership:
            return None
        return membership


member_auth = [TokenAuth(), SessionMembershipAuth()]


def optional_membership(request: HttpRequest):
    """For public endpoints that show more to partners: the membership from a token or session, or None."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        membership = membership_for_token(header[7:].strip())
        if membership is None:
            raise HttpError(401, "The bearer token is not valid.")
        return membership
    membership = getattr(request, "membership", None)
    return membership if membership else None


def require_role(membership, roles: frozenset[str]) -> None:
    if membership.role not in roles:
        raise HttpError(403, f"The {membership.role} role may not do this.")
