"""When the database is unreachable (restarting, failing over), answer 503 with Retry-After instead of a 500,
so phones syncing offline records and API clients know to try again; nothing was written."""

from django.db import OperationalError, connection
from django.http import HttpResponse, JsonResponse

RETRY_AFTER_SECONDS = "5"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        connection.close_if_unusable_or_obsolete()
        message = "The database is unavailable for a moment. Nothing was saved; please try again."
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
