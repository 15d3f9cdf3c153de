"""The JSON API under /api/v1/, with its OpenAPI 3 document at /api/v1/schema/. Each app owns its router."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from meetpoint.errors import ActionError

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What is wrong, in words a person can act on."},
        "errors": {
            "type": "array",
            "description": "For invalid input: each field that is wrong and why.",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "required": ["detail"],
    "additionalProperties": True,
}
ERROR_ANSWERS = {
    400: "The input is wrong; `errors` names each field.",
    401: "No valid token or session.",
    403: "The role may not take this action.",
    404: "No such object, or it belongs to another organization.",
    503: "The database is unavailable for a moment; retry after the Retry-After header's seconds.",
}


class MeetpointAPI(NinjaAPI):
    """Documents the error answers every operation can give, in one place, so clients can rely on the schema."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, item in schema["paths"].items():
            for operation in item.values():
                answers = {503}
                if operation.get("security"):
                    answers |= {401, 403}
                if "{" in path:
                    answers |= {400, 404}
                if operation.get("security") and (
                    operation.get("requestBody") or operation.get("parameters")
                ):
                    answers.add(404)  # an id in the query or body that names no object of the organization
                if operation.get("requestBody") or operation.get("parameters"):
                    answers.add(400)
                responses = operation.setdefault("responses", {})
                for status in sorted(answers):
                    responses.setdefault(status, {"description": ERROR_ANSWERS[status], "content": error})
        return schema


api = MeetpointAPI(
    title="Meetpoint API",
    version="1",
    description="Shared directory (HSDS 3.1), screening, referrals, outreach and outcomes of Meetpoint partners.",
    openapi_url="/schema/",
    docs_url="/docs/",
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError):
    """Bad input is a 400 that says which field is wrong and why."""
    problems = [
        {
            "field": ".".join(
                str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")
            ),
            "message": error.get("msg", "invalid"),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": "Invalid input.", "errors": problems}, status=400)


@api.exception_handler(ActionError)
def refused(request: HttpRequest, exc: ActionError):
    """Every action's refusal, in the documented `Error` shape, at the status the action chose."""
    return api.create_response(request, exc.payload(), status=exc.status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": "Sign in or send a valid token as 'Authorization: Bearer TOKEN'."}, status=401
    )


def mount_routers() -> None:
    from meetpoint.directory.api import router as directory_router
    from meetpoint.directory.hsds_api import hsds_router

    api.add_router("/hsds/", hsds_router)
    api.add_router("/directory/", directory_router)
    for app in (
        "accounts",
        "screening",
        "referrals",
        "inventory",
        "outreach",
        "education",
        "policy",
        "needs",
        "outcomes",
        "alerts",
    ):
        module = __import__(f"meetpoint.{app}.api", fromlist=["router"])
        api.add_router(f"/{app}/", module.router)


mount_routers()
