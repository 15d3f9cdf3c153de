"""The shape of an encounter and an overdose report as the sync API, the single-record API and the quick entry
page send them (pydantic, so the OpenAPI document describes them). Meaning is checked in actions.py."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class SupplyLineIn(Schema):
    item: str = Field(description="A supply item code, e.g. 'syringe-1ml-28g' or 'naloxone-nasal-4mg'.")
    quantity: int = Field(description="Units handed out (kits for naloxone).")


class EncounterIn(Schema):
    client_uuid: UUID = Field(description="Made by the recording device; the same UUID is stored once only.")
    occurred_at: datetime = Field(description="When it happened (ISO 8601); not in the future.")
    site: str | None = Field(None, description="Id or exact name of one of the organization's locations.")
    setting: str | None = Field(
        None,
        description="fixed_site, mobile_stop, street, emergency_department or event (default from the site).",
    )
    stop_name: str = ""
    block_group: str = Field("", description="12-digit census block group (street outreach).")
    grid_cell: str = Field("", description="'lat,lon' of a grid cell; snapped again to the configured grid.")
    latitude: float | None = Field(
        None, description="A point is never stored: it is snapped to its grid cell."
    )
    longitude: float | None = None
    participant_code: str = Field("", description="Empty for an anonymous walk-up.")
    code_answers: dict[str, str] | None = Field(
        None, description="Instead of participant_code: the answers of the organization's code recipe."
    )
    age_band: str = ""
    gender_identity: str = ""
    race: list[str] = []
    zip3: str = ""
    supplies: list[SupplyLineIn] = []
    syringes_collected: int = 0
    collected_method: str = Field("", description="counted, volume (litres) or weight (pounds).")
    collected_measure: float | None = Field(
        None, description="Litres or pounds, for an estimated collection."
    )
    secondary_for_people: int = Field(0, description="Supplies taken for this many other people.")
    naloxone_kit_status: str = Field("", description="first or refill.")
    refill_reason: str = Field("", description="used, lost, expired or taken (for a refill).")
    wound_care: bool = False
    overdose_education: bool = False
    vaccination: str = ""
    hiv_test: str = Field("", description="negative, positive or invalid; empty when not tested.")
    hiv_linked: bool = False
    hcv_test: str = ""
    hcv_linked: bool = False
    sti_test: str = ""
    sti_linked: bool = False
    referrals_made: int = 0
    reversals_reported: int = 0


class OverdoseIn(Schema):
    client_uuid: UUID
    occurred_at: datetime
    place_kind: str = Field(description="stop, block_group or grid_cell.")
    site: str | None = Field(
        None, description="For a stop: id or exact name of one of the organization's locations."
    )
    stop_name: str = ""
    block_group: str = ""
    grid_cell: str = ""
    latitude: float | None = Field(None, description="Snapped to its grid cell; the point is never stored.")
    longitude: float | None = None
    fatal: bool = False
    naloxone_doses_bystander: int = 0
    naloxone_doses_ems: int = 0
    naloxone_doses_staff: int = 0
    called_911: str = "unknown"
    substances: list[str] = []
    reported_by: str = "staff"
