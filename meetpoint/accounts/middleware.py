from django.utils.functional import SimpleLazyObject

from meetpoint.accounts.queries import acting_membership


class ActingMembershipMiddleware:
    """Puts `request.membership` (the acting membership, or None) on every request, computed lazily."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: acting_membership(request))
        return self.get_response(request)


class AuditScopeMiddleware:
    """Logs every change a request makes (accounts/audit_changes.py), as made by its user, organization and
    address. After ActingMembershipMiddleware, so the acting membership is known when an event is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from meetpoint.accounts.audit_changes import request_scope

        with request_scope(request):
            return self.get_response(request)
