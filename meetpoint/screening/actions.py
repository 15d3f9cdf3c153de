"""Every write of the screening app: recording a completed screening. Pages, API, CLI and tests share it."""

import re
import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction

from meetpoint.accounts import audit
from meetpoint.accounts.roles import may_edit
from meetpoint.participants.actions import find_or_create_participant
from meetpoint.participants.codes import normalize_code
from meetpoint.screening.catalog import UnknownInstrument, get_instrument
from meetpoint.screening.models import Screening
from meetpoint.screening.scoring import AnswerError, score_with

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class ScreeningError(ValueError):
    """Input that cannot be recorded; `errors` maps each field (an item id, 'participant_code', ...) to why."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def record_screening(
    membership,
    *,
    instrument: str,
    answers,
    participant_code: str,
    sex: str | None = None,
    age: int | None = None,
    location_id=None,
    language: str = "",
) -> Screening:
    """Scores the answers and stores the screening at the acting organization, attached to the participant
    code's anonymous participant. Raises PermissionDenied for roles that may not record, ScreeningError for
    bad input (nothing is written then)."""
    if not may_edit(membership.role):
        raise PermissionDenied(f"The {membership.role} role may not record screenings.")
    organization = membership.organization
    errors: dict[str, str] = {}
    try:
        loaded = get_instrument(instrument)
    except UnknownInstrument as unknown:
        raise ScreeningError({"instrument": str(unknown)}) from None
    payload: dict = {"answers": answers}
    if sex not in (None, ""):
        payload["sex"] = sex
    if age is not None:
        payload["age"] = age
    result = None
    try:
        result = score_with(loaded, payload)
    except AnswerError as error:
        errors[error.field] = error.message
    if not normalize_code(participant_code or ""):
        errors["participant_code"] = "Enter the person's participant code (letters and digits), never a name."
    location = None
    if location_id:
        from meetpoint.directory.models import Location

        try:
            location = Location.objects.filter(
                pk=uuid.UUID(str(location_id)), organization=organization
            ).first()
        except ValueError:
            location = None
        if location is None:
            errors["location_id"] = "No site or mobile unit with that id at your organization."
    language = (language or "").strip()
    if language and not LANGUAGE_CODE.match(language):
        errors["language"] = f"{language!r} is not an ISO 639 language code such as 'en' or 'es'."
    if errors:
        raise ScreeningError(errors)
    with transaction.atomic():
        # The one way to find a participant by code: a code one character off another is flagged on this path
        # as on every other.
        participant, _ = find_or_create_participant(organization, participant_code)
        screening = Screening.objects.create(
            organization=organization,
            participant=participant,
            instrument=loaded.name,
            instrument_version=loaded.version,
            answers=result["answers"],
            result=result,
            total=result["total"],
            positive=result["positive"],
            risk_level=result["risk_level"],
            sex=result["sex"] or "",
            age=result["age"],
            location=location,
            language=language,
            screened_by=membership.user,
        )
        audit.record(
            "screening.record", membership=membership, obj=screening, detail={"instrument": loaded.name}
        )
    return screening
