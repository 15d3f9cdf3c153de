"""Every write to participants: find or create by code, flag near-duplicates, merge, choose the code recipe."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from meetpoint.accounts import audit
from meetpoint.participants import recipe as recipes
from meetpoint.participants.codes import blind_index, normalize_code
from meetpoint.participants.demographics import clean_demographics
from meetpoint.participants.models import Participant, ParticipantCodeRecipe, PossibleDuplicate


class ParticipantError(ValueError):
    pass


def recipe_of(organization) -> tuple[str, ...]:
    row = ParticipantCodeRecipe.objects.filter(organization=organization).first()
    return tuple(row.parts) if row and row.parts else recipes.DEFAULT_RECIPE


def set_recipe(membership, parts) -> ParticipantCodeRecipe:
    """An admin chooses the organization's recipe (validated part keys, in order)."""
    if membership.role != "admin":
        raise PermissionError("Only an admin may change the participant code recipe.")
    checked = list(recipes.validate_recipe(parts))
    with transaction.atomic():
        row, _ = ParticipantCodeRecipe.objects.update_or_create(
            organization=membership.organization, defaults={"parts": checked}
        )
        audit.record(
            "participants.code_recipe.set", membership=membership, obj=row, detail={"parts": checked}
        )
    return row


def code_from(organization, *, code: str = "", answers: dict | None = None) -> str:
    """The normalized code: typed directly, or built from the organization's recipe and the answers."""
    if answers:
        try:
            return recipes.build_code(answers, recipe_of(organization))
        except recipes.RecipeError as error:
            raise ParticipantError(str(error)) from error
    normalized = normalize_code(code or "")
    if code and len(normalized) < 4:
        raise ParticipantError("A participant code needs at least 4 letters or digits.")
    return normalized


def near_duplicates(organization, code: str) -> list[Participant]:
    """Participants whose code is one character off `code`, found by hashing each variant (only hashes exist)."""
    hashes = [
        blind_index(variant, organization_id=organization.pk)
        for variant in recipes.one_character_variants(code)
    ]
    return list(Participant.objects.filter(organization=organization, code_hash__in=hashes, merged_into=None))


def find_or_create_participant(organization, code: str, demographics: dict | None = None):
    """(participant, created): the same code always finds the same participant (following merges).

    A new participant whose code is one character off an existing one is flagged for staff to merge.
    """
    code_hash = blind_index(code, organization_id=organization.pk)
    participant = Participant.objects.filter(organization=organization, code_hash=code_hash).first()
    cleaned = clean_demographics(demographics) if demographics else {}
    if participant is not None:
        while participant.merged_into_id:
            participant = participant.merged_into
        if cleaned:
            changed = [
                name for name, value in cleaned.items() if value and getattr(participant, name) != value
            ]
            for name in changed:
                setattr(participant, name, cleaned[name])
            if changed:
                participant.save(update_fields=changed)
        return participant, False
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                organization=organization, code_hash=code_hash, **cleaned
            )
            # A new participant has no flags yet: one statement (and one audit event) for all of them.
            PossibleDuplicate.objects.bulk_create(
                [
                    PossibleDuplicate(organization=organization, participant=participant, similar_to=other)
                    for other in near_duplicates(organization, code)
                ]
            )
    except IntegrityError:
        # Another request created the same participant a moment ago (two phones syncing one code): use theirs.
        return find_or_create_participant(organization, code, demographics)
    return participant, True


def _check_staff(membership, duplicate: PossibleDuplicate) -> None:
    if membership.role not in ("admin", "staff"):
        raise PermissionError("Only staff may merge participants.")
    if duplicate.organization_id != membership.organization_id:
        raise LookupError("No such possible duplicate.")


def merge_participants(membership, duplicate: PossibleDuplicate) -> Participant:
    """Merge the flagged (newer) participant into the older one: their records follow, the code still finds them.

    `reattach` hooks let apps that hold participant records (outreach, screening...) move them; outreach
    registers its own. The merged row is kept (merged_into) so its code hash keeps finding the survivor.
    """
    _check_staff(membership, duplicate)
    with transaction.atomic():
        source, target = duplicate.participant, duplicate.similar_to
        while target.merged_into_id:
            target = target.merged_into
        if source.pk == target.pk:
            raise ParticipantError("These participants are already merged.")
        for hook in MERGE_HOOKS:
            hook(source, target)
        for name in ("age_band", "gender_identity", "ethnicity", "zip3"):
            if not getattr(target, name) and getattr(source, name):
                setattr(target, name, getattr(source, name))
        if not target.race and source.race:
            target.race = source.race
        target.save()
        Participant.objects.filter(merged_into=source).update(merged_into=target)
        source.merged_into = target
        source.save(update_fields=["merged_into"])
        duplicate.status = PossibleDuplicate.Status.MERGED
        duplicate.resolved = timezone.now()
        duplicate.save(update_fields=["status", "resolved"])
        PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN, participant=source).update(
            status=PossibleDuplicate.Status.MERGED, resolved=timezone.now()
        )
        audit.record(
            "participants.merge",
            membership=membership,
            obj=target,
            detail={"merged": str(source.pk), "possible_duplicate": duplicate.pk},
        )
    return target


def dismiss_duplicate(membership, duplicate: PossibleDuplicate) -> None:
    _check_staff(membership, duplicate)
    with transaction.atomic():
        duplicate.status = PossibleDuplicate.Status.DISMISSED
        duplicate.resolved = timezone.now()
        duplicate.save(update_fields=["status", "resolved"])
        audit.record("participants.duplicate.dismissed", membership=membership, obj=duplicate)


# Functions (source, target) called inside the merge transaction to move an app's records to the survivor.
MERGE_HOOKS: list = []
