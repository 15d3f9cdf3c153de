"""Error pages in the site's layout and the reader's language, each with a way back; API paths keep JSON errors.

urls.py names the handlers for 400, 403, 404 and 500; ErrorPageMiddleware gives a bare 405 (a GET of a form that
only takes POST) the same page; a CSRF failure renders templates/403_csrf.html through Django's own view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _page(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": detail}, status=status)
    try:
        body = loader.render_to_string(f"{status}.html", {"detail": detail}, request=request)
    except Exception:  # noqa: BLE001 -- an error page must never fail in its turn: a plain page then
        body = f"<!doctype html><title>{status}</title><p>{detail}</p><p><a href='/'>Meetpoint</a></p>"
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 400, _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 403, _("Your role may not do this."))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 404, _("Not found."))


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 renders without the request's context: whatever failed (the database, a context processor) is
    not asked again."""
    detail = _("Something went wrong on our side.")
    if _is_api(request):
        return JsonResponse({"detail": detail}, status=500)
    try:
        body = loader.render_to_string("500.html", {"detail": detail})
    except Exception:  # noqa: BLE001 -- see _page
        body = f"<!doctype html><title>500</title><p>{detail}</p><p><a href='/'>Meetpoint</a></p>"
    return HttpResponse(body, status=500)


class ErrorPageMiddleware:
    """Gives an empty 405 answer (require_POST and friends) the site's page, keeping its Allow header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not getattr(response, "streaming", False) and not response.content:
            page = _page(request, 405, _("This page does not take that kind of request."))
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
