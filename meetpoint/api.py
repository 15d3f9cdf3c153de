"""The JSON API under /api/v1/, with its OpenAPI 3 document at /api/v1/schema/. Each app owns its router."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

api = NinjaAPI(
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
        "screening",
        "referrals",
        "inventory",
        "outreach",
        "education",
        "policy",
        "needs",
        "outcomes",
    ):
        module = __import__(f"meetpoint.{app}.api", fromlist=["router"])
        api.add_router(f"/{app}/", module.router)


mount_routers()
