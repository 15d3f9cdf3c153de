"""ninja Schemas for the HSDS API, generated from the vendored official JSON Schemas so the OpenAPI document at
/api/v1/schema/ describes exactly the HSDS 3.1 objects (every field optional except the schema's required ones;
unset fields are left out of responses)."""

from functools import cache
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from meetpoint.directory.hsds.validation import schema_documents

SCALARS = {"string": str, "number": int | float, "integer": int, "boolean": bool}


class HsdsObject(Schema):
    model_config = ConfigDict(extra="allow")


def _pascal(name: str) -> str:
    return "Hsds" + "".join(part.capitalize() for part in name.split("_"))


@cache
def model_for(file_name: str) -> type[Schema]:
    document = schema_documents()[file_name]
    required = set(document.get("required", []))
    fields: dict[str, Any] = {}
    for name, prop in document["properties"].items():
        if "$ref" in prop:
            annotation = model_for(prop["$ref"])
        elif prop.get("type") == "array":
            item = prop.get("items", {})
            annotation = list[model_for(item["$ref"])] if "$ref" in item else list[Any]
        else:
            annotation = SCALARS.get(prop.get("type", "string"), Any)
        description = prop.get("description", "")
        if name in required:
            fields[name] = (annotation, Field(..., description=description))
        else:
            fields[name] = (annotation | None, Field(None, description=description))
    return create_model(_pascal(document["name"]), __base__=HsdsObject, **fields)


HsdsService = model_for("service.json")
HsdsOrganization = model_for("organization.json")
HsdsServiceAtLocation = model_for("service_at_location.json")
HsdsTaxonomy = model_for("taxonomy.json")
HsdsTaxonomyTerm = model_for("taxonomy_term.json")


class HsdsServiceAtLocationWithService(HsdsServiceAtLocation):
    service: HsdsService | None = Field(None, description="The service (one-to-one fields).")


class HsdsOrganizationWithServices(HsdsOrganization):
    services: list[HsdsService] | None = Field(
        None, description="Its active services: one-to-one fields, or fully nested with full_service."
    )


def page_of(item: type[Schema], name: str) -> type[Schema]:
    return create_model(
        name,
        __base__=Schema,
        total_items=(int, Field(..., description="How many records match, on all pages.")),
        total_pages=(int, Field(..., description="Count of pages.")),
        page_number=(int, Field(..., description="This page's number, from 1.")),
        size=(int, Field(..., description="How many records this page holds.")),
        first_page=(bool, ...),
        last_page=(bool, ...),
        empty=(bool, Field(..., description="True when nothing matches.")),
        contents=(list[item], ...),
    )


ServicePage = page_of(HsdsService, "HsdsServicePage")
OrganizationPage = page_of(HsdsOrganizationWithServices, "HsdsOrganizationPage")
TaxonomyPage = page_of(HsdsTaxonomy, "HsdsTaxonomyPage")
TaxonomyTermPage = page_of(HsdsTaxonomyTerm, "HsdsTaxonomyTermPage")
ServiceAtLocationPage = page_of(HsdsServiceAtLocationWithService, "HsdsServiceAtLocationPage")


class ApiRoot(Schema):
    version: str = Field(..., description="The HSDS version this API serves.")
    profile: str = Field(..., description="The HSDS profile (the base specification; Meetpoint adds none).")
    openapi_url: str = Field(..., description="Where this API's OpenAPI document is.")
