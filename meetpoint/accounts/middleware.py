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
    """Events the request's actions write (accounts/audit.py) are by its user and acting organization and from its
    address. After ActingMembershipMiddleware, so the acting membership is known when an event is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from meetpoint.accounts.audit import request_scope

        with request_scope(request):
            return self.get_response(request)
