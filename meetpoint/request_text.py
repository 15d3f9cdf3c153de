"""The edge of the application: text that no database can store never gets past it, and neither does a body
larger than the site accepts.

A NUL character fits in SQLite text but not in PostgreSQL text or JSON, and a lone surrogate (half of a UTF-16
pair, which JSON's `\\ud800` escape can produce) fits in neither; either would become a server error, or an audit
entry or a backup that cannot be restored elsewhere (docs/operations-backup.md). `StorableTextMiddleware` refuses
such a request with a 400 that names the field, before any view, audit entry or query sees it: the path, the query
string, form fields and JSON bodies are checked. It also answers an oversize body (MEETPOINT_MAX_UPLOAD_BYTES,
files included: the `CappedUploadHandler` counts them as they stream in) with a 413, and every refusal is JSON
for JSON requests (docs/security.md).
"""

import json
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

JSON_TYPES = ("application/json", "application/geo+json", "application/fhir+json")


def unstorable(text: str) -> str:
    """Why `text` cannot be stored ("" when it can)."""
    if "\x00" in text:
        return _("contains a NUL character, which cannot be stored")
    for character in text:
        if "\ud800" <= character <= "\udfff":
            return _("contains an unpaired surrogate, which is not valid text")
    return ""


def _walk(value, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        reason = unstorable(value)
        if reason:
            yield path or "body", reason
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}" if path else str(index))
    elif isinstance(value, dict):
        for key, item in value.items():
            reason = unstorable(key)
            if reason:
                yield (f"{path}.{key!r}" if path else repr(key)), reason
            yield from _walk(item, f"{path}.{key}" if path else str(key))


def json_problems(value) -> list[tuple[str, str]]:
    """(field, reason) for every string of a decoded JSON value that cannot be stored."""
    return list(_walk(value, ""))


def wants_json(request: HttpRequest) -> bool:
    """Whether the client speaks JSON: the API, a JSON body, or an Accept header that prefers JSON to HTML."""
    if request.path.startswith("/api/"):
        return True
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type in JSON_TYPES:
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return "json" in accept and "text/html" not in accept


def refusal(
    request: HttpRequest, status: int, detail: str, errors: list[tuple[str, str]] = ()
) -> HttpResponse:
    """A refused request in the API's `Error` shape for JSON clients, as plain text for pages."""
    if wants_json(request):
        body: dict = {"detail": detail}
        if errors:
            body["errors"] = [{"field": name, "message": message} for name, message in errors]
        return JsonResponse(body, status=status)
    lines = [detail, *(f"{name}: {message}" for name, message in errors)]
    return HttpResponse("\n".join(lines), status=status, content_type="text/plain; charset=utf-8")


def _too_big(request: HttpRequest) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return refusal(
        request,
        413,
        _("The request is larger than this site accepts (%(megabytes)s MB at most). Nothing was saved.")
        % {"megabytes": f"{limit / 1024 / 1024:.0f}"},
    )


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class CappedUploadHandler(FileUploadHandler):
    """Counts the bytes of uploaded files as they stream in and stops at MEETPOINT_MAX_UPLOAD_BYTES, so a file
    larger than the cap is never read whole (Django's own cap covers the other fields only)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None) -> None:
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestDataTooBig("An uploaded file exceeds MEETPOINT_MAX_UPLOAD_BYTES.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class StorableTextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _content_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return _too_big(request)
        try:
            problems = self._problems(request)
        except RequestDataTooBig:
            return _too_big(request)
        except SuspiciousOperation as error:  # too many fields, a malformed multipart body
            return refusal(request, 400, _("The request is malformed: %(error)s") % {"error": error})
        if problems:
            return refusal(
                request, 400, _("Invalid input."), [(name, str(reason)) for name, reason in problems]
            )
        return self.get_response(request)

    def _problems(self, request: HttpRequest) -> list[tuple[str, str]]:
        problems = []
        reason = unstorable(request.path)
        if reason:
            problems.append(("path", reason))
        sources = [request.GET]
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                if request.method == "POST":
                    sources.append(request.POST)
            elif content_type in JSON_TYPES or request.path.startswith("/api/"):
                try:
                    document = json.loads(request.body or b"null")
                except (ValueError, UnicodeDecodeError):
                    document = None  # not JSON: the endpoint's own parser answers that
                problems.extend(json_problems(document))
        for source in sources:
            for key, values in source.lists():
                for text in (key, *values):
                    reason = unstorable(text)
                    if reason:
                        problems.append((key if unstorable(key) == "" else repr(key), reason))
                        break
        return problems
