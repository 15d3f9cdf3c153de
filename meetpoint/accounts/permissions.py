"""View guards: who must be signed in, and which roles may act. Objects of other organizations are 404s in
each app's queries; these guards answer 403 for actions a role may not take."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def membership_required(view=None, *, roles: frozenset[str] | None = None):
    """Requires a signed-in member (redirect to sign-in otherwise) whose role is in `roles` (403 otherwise)."""

    def decorate(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = request.membership
            if not membership:
                raise PermissionDenied("You are not a member of any organization.")
            if roles is not None and membership.role not in roles:
                raise PermissionDenied("Your role may not do this.")
            return view_func(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate
