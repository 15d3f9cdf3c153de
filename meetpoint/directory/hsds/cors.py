"""CORS for the public HSDS API: a browser app on another origin may read the public directory (GET only,
`Access-Control-Allow-Origin: *`). No credentials and no Authorization header are allowed across origins, so
such an app always gets the public view: exact places of confidential sites stay with signed-in partners."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HSDS_API_PREFIX = "/api/v1/hsds/"


class HsdsCorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(HSDS_API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)  # a preflight: only GET is offered
            response["Access-Control-Allow-Methods"] = "GET"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            response["Access-Control-Allow-Origin"] = "*"
        return response
