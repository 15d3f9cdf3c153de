"""One error contract for every door: an action refuses with `ActionError(field, message, status)`.

Pages show the message beside the field it names (`forms_flow.submit`), the API answers with the documented
`Error` JSON shape through one exception handler (`meetpoint/api.py`), and commands print it and exit non-zero.
Messages are translatable: pass `gettext_lazy` strings, or strings already translated for the reader.
"""

from collections.abc import Iterable


class ActionError(Exception):
    """A refused request. `field` names what is wrong ("" when it is the request as a whole), `status` is the
    HTTP status it maps to (400 bad input, 403 not allowed, 404 not found, 409 conflict with the current state).
    `errors` holds further (field, message) pairs when several fields are wrong at once; `extra` adds keys to the
    API answer (for example the transitions allowed from the current state)."""

    status = 400

    def __init__(
        self,
        field: str = "",
        message: str = "",
        status: int | None = None,
        *,
        errors: Iterable[tuple[str, str]] = (),
        extra: dict | None = None,
    ) -> None:
        self.field = field
        self.message = message
        if status is not None:
            self.status = status
        self.errors = [(str(name), str(text)) for name, text in errors]
        if field and not self.errors:
            self.errors = [(field, str(message))]
        self.extra = extra or {}
        super().__init__(f"{field}: {message}" if field else str(message))

    def payload(self) -> dict:
        """The API's `Error` body: `detail`, and `errors` naming each wrong field."""
        body: dict = {"detail": str(self.message) or str(self)}
        if self.errors:
            body["errors"] = [{"field": name, "message": text} for name, text in self.errors]
        body.update(self.extra)
        return body


class NotAllowed(ActionError):
    """The acting role may not do this."""

    status = 403

    def __init__(self, message: str = "", **kwargs) -> None:
        super().__init__("", message, **kwargs)


class NotFound(ActionError):
    """No such object for this member (another organization's objects are not found either)."""

    status = 404

    def __init__(self, message: str = "", **kwargs) -> None:
        super().__init__("", message, **kwargs)
