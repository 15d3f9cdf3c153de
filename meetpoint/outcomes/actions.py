"""Every write of outcomes goes through here: agreements, their acceptance and end, package delivery, open
datasets and their releases. Pages, API, CLI and tests share these functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from meetpoint import indicators as indicator_registry
from meetpoint.accounts import audit
from meetpoint.accounts.roles import Role
from meetpoint.outcomes import releases
from meetpoint.outcomes.disclosure import COMPLEMENTARY, SUPPRESSED_MARK
from meetpoint.outcomes.models import (
    OpenDataset,
    OpenRelease,
    PlaceGrain,
    SharedPackage,
    SharingAgreement,
    TimeGrain,
)
from meetpoint.outcomes.periods import Period, closed_periods, period_starting


class OutcomesError(ValueError):
    """Bad input or a refused action; `status` is the HTTP status it maps to, `field` what was wrong."""

    def __init__(self, message: str, *, status: int = 400, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.field = field


def threshold_floor() -> int:
    return int(getattr(settings, "MEETPOINT_SHARING_MIN_THRESHOLD", 5))


def _require_admin(membership, organization, what: str) -> None:
    if membership.organization_id != organization.pk:
        raise OutcomesError("Not found.", status=404)
    if membership.role != Role.ADMIN:
        raise OutcomesError(f"Only an admin of {organization.name} may {what}.", status=403)


def _validate_common(indicators, time_grain, place_grain, threshold, user, valid_from=None, valid_until=None):
    codes = list(dict.fromkeys(indicators or []))
    if not codes:
        raise OutcomesError("Choose at least one indicator.", field="indicators")
    unknown = [c for c in codes if c not in indicator_registry.registry]
    if unknown:
        raise OutcomesError(f"Unknown indicator(s): {', '.join(unknown)}.", field="indicators")
    if time_grain not in TimeGrain.values:
        raise OutcomesError(f"Time grain must be one of {', '.join(TimeGrain.values)}.", field="time_grain")
    if place_grain not in PlaceGrain.values:
        raise OutcomesError(
            f"Place grain must be one of {', '.join(PlaceGrain.values)}.", field="place_grain"
        )
    if threshold < 2:
        raise OutcomesError("The threshold must be at least 2.", field="threshold")
    floor = threshold_floor()
    if threshold < floor and not (user is not None and user.is_superuser):
        raise OutcomesError(
            f"The threshold {threshold} is below the floor of {floor}; only a site administrator may allow it.",
            field="threshold",
        )
    if valid_from and valid_until and valid_until < valid_from:
        raise OutcomesError(
            f"The agreement ends ({valid_until.isoformat()}) before it starts ({valid_from.isoformat()}).",
            field="valid_until",
        )
    return codes


@dataclass
class AgreementInput:
    recipient: object  # Organization
    indicators: list[str]
    valid_from: date
    valid_until: date | None = None
    time_grain: str = TimeGrain.MONTH
    place_grain: str = PlaceGrain.COUNTY
    threshold: int = 11
    protect_supplies: bool = True
    purpose: str = ""


@transaction.atomic
def propose_agreement(membership, data: AgreementInput) -> SharingAgreement:
    """The sharer's admin proposes an agreement (and so accepts it for the sharer)."""
    sharer = membership.organization
    _require_admin(membership, sharer, "propose a data sharing agreement")
    if data.recipient is None or data.recipient.pk == sharer.pk:
        raise OutcomesError("Choose another organization as the recipient.", field="recipient")
    user = membership.user
    codes = _validate_common(
        data.indicators,
        data.time_grain,
        data.place_grain,
        data.threshold,
        user,
        data.valid_from,
        data.valid_until,
    )
    collision = colliding_agreement(sharer, data.recipient, codes, data.valid_from, data.valid_until)
    if collision is not None:
        raise collision
    agreement = SharingAgreement.objects.create(
        sharer=sharer,
        recipient=data.recipient,
        indicators=codes,
        time_grain=data.time_grain,
        place_grain=data.place_grain,
        threshold=data.threshold,
        protect_supplies=data.protect_supplies,
        low_threshold_allowed_by=user if data.threshold < threshold_floor() else None,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        purpose=data.purpose[:500],
        created_by=user,
        sharer_accepted_at=timezone.now(),
    )
    audit.record(
        "outcomes.agreement.proposed",
        membership=membership,
        obj=agreement,
        detail={"recipient": data.recipient.name, "indicators": len(codes), "threshold": data.threshold},
    )
    return agreement


def _collides(agreement: SharingAgreement, codes, valid_from: date, valid_until: date | None) -> bool:
    shared = set(agreement.indicators) & set(codes)
    starts_before_end = valid_until is None or agreement.valid_from <= valid_until
    ends_after_start = agreement.valid_until is None or valid_from <= agreement.valid_until
    return bool(shared) and starts_before_end and ends_after_start


def colliding_agreement(
    sharer, recipient, codes, valid_from: date, valid_until: date | None, *, exclude=None, accepted=False
) -> OutcomesError | None:
    """The refusal for an agreement that would share an indicator the same partner already shares (or has
    proposed to share) with the same recipient over overlapping dates: two such agreements would deliver two
    packages for one period, and every total would count that partner's figure twice."""
    others = SharingAgreement.objects.select_for_update().filter(
        sharer=sharer, recipient=recipient, ended_at__isnull=True
    )
    if accepted:
        others = others.filter(recipient_accepted_at__isnull=False)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for other in others.order_by("created"):
        if _collides(other, codes, valid_from, valid_until):
            shared = ", ".join(code for code in other.indicators if code in set(codes))
            until = other.valid_until.isoformat() if other.valid_until else "no end date"
            return OutcomesError(
                f"{sharer.name} already shares {shared} with {recipient.name} under agreement {other.pk} "
                f"({other.state}, {other.valid_from.isoformat()} to {until}); end it or choose other "
                "indicators or dates, so that no figure is counted twice.",
                status=409,
                field="indicators",
            )
    return None


@transaction.atomic
def accept_agreement(membership, agreement: SharingAgreement) -> SharingAgreement:
    """The recipient's admin accepts; from then (and from valid_from) the agreement is in force."""
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    _require_admin(membership, agreement.recipient, "accept this agreement")
    if agreement.ended_at:
        raise OutcomesError("This agreement has ended.", status=409)
    if agreement.recipient_accepted_at:
        raise OutcomesError("This agreement is already accepted.", status=409)
    collision = colliding_agreement(
        agreement.sharer,
        agreement.recipient,
        agreement.indicators,
        agreement.valid_from,
        agreement.valid_until,
        exclude=agreement,
        accepted=True,
    )
    if collision is not None:
        raise collision
    agreement.recipient_accepted_at = timezone.now()
    agreement.save(update_fields=["recipient_accepted_at"])
    audit.record("outcomes.agreement.accepted", membership=membership, obj=agreement)
    return agreement


@transaction.atomic
def end_agreement(membership, agreement: SharingAgreement) -> SharingAgreement:
    """Either side's admin ends it; nothing more is delivered. Delivered packages stay logged."""
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    side = agreement.sharer if membership.organization_id == agreement.sharer_id else agreement.recipient
    _require_admin(membership, side, "end this agreement")
    if agreement.ended_at:
        raise OutcomesError("This agreement has already ended.", status=409)
    agreement.ended_at = timezone.now()
    agreement.save(update_fields=["ended_at"])
    audit.record("outcomes.agreement.ended", membership=membership, obj=agreement)
    return agreement


# ---- Delivery -------------------------------------------------------------------------------------------


def _closed_by(period: Period, today: date) -> None:
    """Only a period that has ended is released, whatever `today` a caller passes: a package or open-data
    period is never built from part of its data."""
    if period.end >= min(today, timezone.localdate()):
        raise OutcomesError(f"The period {period.label} has not closed yet.", status=409, field="period")


def due_periods(agreement: SharingAgreement, today: date) -> list[Period]:
    """Closed periods within the agreement's validity that have not been delivered yet."""
    delivered = set(agreement.packages.values_list("period_start", "period_end"))
    return [
        period
        for period in closed_periods(agreement.time_grain, agreement.valid_from, agreement.valid_until, today)
        if period.start >= agreement.valid_from and (period.start, period.end) not in delivered
    ]


def deliver_package(agreement: SharingAgreement, period: Period, today: date | None = None) -> SharedPackage:
    """Assembles, protects and delivers one period's package. Refuses unless the agreement is in force and
    the period has closed; never delivers a period twice (the unique constraint guards concurrent runs)."""
    today = today or timezone.localdate()
    agreement = SharingAgreement.objects.select_related("sharer", "recipient").get(pk=agreement.pk)
    if not agreement.in_force(today):
        raise OutcomesError(f"The agreement {agreement} is not in force.", status=409)
    _closed_by(period, today)
    if agreement.packages.filter(period_start=period.start, period_end=period.end).exists():
        raise OutcomesError(f"{period.label} was already delivered under this agreement.", status=409)
    spec = _package_spec(agreement, period)
    try:
        with transaction.atomic():
            return _store_package(agreement, period, *releases.build_release(spec))
    except releases.ReleaseRefused as refused:
        raise OutcomesError(f"{period.label} refused: {refused}", status=409) from refused
    except IntegrityError as clash:
        raise OutcomesError(
            f"{period.label} was already delivered under this agreement.", status=409
        ) from clash


def _package_spec(agreement: SharingAgreement, period: Period) -> releases.ReleaseSpec:
    return releases.ReleaseSpec(
        organization=agreement.sharer,
        indicators=list(agreement.indicators),
        period=period,
        place_grain=agreement.place_grain,
        threshold=agreement.threshold,
        protect_supplies=agreement.protect_supplies,
        recipient={
            "id": str(agreement.recipient.pk),
            "name": agreement.recipient.name,
            "slug": agreement.recipient.slug,
        },
    )


def _store_package(
    agreement, period: Period, contents: dict, suppression: dict, **correction
) -> SharedPackage:
    contents["agreement"] = str(agreement.pk)
    return _stored(SharedPackage, period, contents, suppression, agreement=agreement, **correction)


def _stored(model, period: Period, contents: dict, suppression: dict, **fields):
    """A package or an open release, frozen with its checksum and written to the release ledger."""
    release = model.objects.create(
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        contents=contents,
        suppression=suppression,
        checksum=releases.checksum(contents),
        **fields,
    )
    releases.log_release(release)
    return release


@dataclass
class ExchangeRun:
    delivered: list
    failed: list  # (what, reason)


def run_exchanges(today: date | None = None) -> ExchangeRun:
    """For cron: every agreement in force delivers each closed, undelivered period; every open dataset
    publishes each closed period. A failure is reported and retried on the next run."""
    real_today = timezone.localdate()
    today = today or real_today
    if today > real_today:
        raise OutcomesError(
            f"today ({today.isoformat()}) is after the real today ({real_today.isoformat()}): only periods "
            "that have ended are released.",
            field="today",
        )
    run = ExchangeRun([], [])
    agreements = SharingAgreement.objects.filter(
        sharer_accepted_at__isnull=False, recipient_accepted_at__isnull=False, ended_at__isnull=True
    ).select_related("sharer", "recipient")
    for agreement in agreements.order_by("created"):
        if not agreement.in_force(today):
            continue
        for period in due_periods(agreement, today):
            try:
                run.delivered.append(deliver_package(agreement, period, today))
            except OutcomesError as problem:
                run.failed.append((f"{agreement} {period.label}", str(problem)))
            except Exception as problem:  # one agreement's fault must not stop the others; retried next run
                run.failed.append((f"{agreement} {period.label}", f"{type(problem).__name__}: {problem}"))
    for dataset in OpenDataset.objects.filter(withdrawn_at__isnull=True).select_related("organization"):
        done = set(dataset.releases.values_list("period_start", "period_end"))
        for period in closed_periods(dataset.time_grain, dataset.published_from, None, today):
            if period.start < dataset.published_from or (period.start, period.end) in done:
                continue
            try:
                run.delivered.append(publish_release(dataset, period, today))
            except OutcomesError as problem:
                run.failed.append((f"{dataset} {period.label}", str(problem)))
    return run


# ---- Open data -------------------------------------------------------------------------------------------


@dataclass
class DatasetInput:
    title: str
    indicators: list[str]
    published_from: date
    time_grain: str = TimeGrain.QUARTER
    place_grain: str = PlaceGrain.COUNTY
    threshold: int = 11
    protect_supplies: bool = True
    description: str = ""


@transaction.atomic
def create_open_dataset(membership, data: DatasetInput) -> OpenDataset:
    organization = membership.organization
    _require_admin(membership, organization, "publish open data")
    title = (data.title or "").strip()
    if not title:
        raise OutcomesError("Give the dataset a title.", field="title")
    codes = _validate_common(
        data.indicators, data.time_grain, data.place_grain, data.threshold, membership.user
    )
    try:
        period_starting(data.time_grain, data.published_from)
    except ValueError as problem:
        raise OutcomesError(str(problem), field="published_from") from problem
    slug = slugify(title)[:70] or "dataset"
    base, n = slug, 1
    while OpenDataset.objects.filter(organization=organization, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    dataset = OpenDataset.objects.create(
        organization=organization,
        slug=slug,
        title=title[:200],
        description=data.description,
        indicators=codes,
        time_grain=data.time_grain,
        place_grain=data.place_grain,
        threshold=data.threshold,
        protect_supplies=data.protect_supplies,
        published_from=data.published_from,
    )
    audit.record(
        "outcomes.open_data.created", membership=membership, obj=dataset, detail={"title": dataset.title}
    )
    return dataset


def publish_release(dataset: OpenDataset, period: Period, today: date | None = None) -> OpenRelease:
    _closed_by(period, today or timezone.localdate())
    spec = _release_spec(dataset, period)
    try:
        with transaction.atomic():
            return _store_release(dataset, period, *releases.build_release(spec))
    except releases.ReleaseRefused as refused:
        raise OutcomesError(f"{period.label} refused: {refused}", status=409) from refused
    except IntegrityError as clash:
        raise OutcomesError(f"{period.label} is already published.", status=409) from clash


def _release_spec(dataset: OpenDataset, period: Period) -> releases.ReleaseSpec:
    return releases.ReleaseSpec(
        organization=dataset.organization,
        indicators=list(dataset.indicators),
        period=period,
        place_grain=dataset.place_grain,
        threshold=dataset.threshold,
        protect_supplies=dataset.protect_supplies,
    )


def _store_release(dataset, period: Period, contents: dict, suppression: dict, **correction) -> OpenRelease:
    contents["dataset"] = dataset.slug
    return _stored(OpenRelease, period, contents, suppression, dataset=dataset, **correction)


@transaction.atomic
def withdraw_open_dataset(membership, dataset: OpenDataset) -> OpenDataset:
    _require_admin(membership, dataset.organization, "withdraw open data")
    dataset.withdrawn_at = timezone.now()
    dataset.save(update_fields=["withdrawn_at"])
    audit.record("outcomes.open_data.withdrawn", membership=membership, obj=dataset)
    return dataset


# ---- Corrections and withdrawal ---------------------------------------------------------------------------


def _reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise OutcomesError(f"Say why the {what} is needed: the recipient reads the reason.", field="reason")
    return text[:500]


def _still_current(release, what: str) -> None:
    if release.withdrawn_at:
        raise OutcomesError(f"This {what} was withdrawn.", status=409)
    if release.superseded_at:
        raise OutcomesError(f"This {what} was already corrected; correct the current one.", status=409)


def _keep_hidden(contents: dict, suppression: dict, earlier: dict) -> None:
    """A correction hides every cell the release it replaces hid: the recipient holds both, so the pair must
    reveal nothing either hides (hiding more never weakens the protection the audit found)."""
    before = {table["indicator"]: table for table in earlier.get("tables", [])}
    for table in contents["tables"]:
        old = before.get(table["indicator"])
        if old is None:
            continue
        hidden = {row["place"] for row in old.get("rows", []) if row["value"] == SUPPRESSED_MARK}
        record = suppression.setdefault(table["indicator"], {})
        for row in table.get("rows", []):
            if row["place"] in hidden and row["value"] != SUPPRESSED_MARK:
                row["value"] = SUPPRESSED_MARK
                record.setdefault(row["place"], COMPLEMENTARY)
        if old.get("total") == SUPPRESSED_MARK and table.get("total") != SUPPRESSED_MARK:
            table["total"] = SUPPRESSED_MARK
            record.setdefault(releases.TOTAL, COMPLEMENTARY)


def _corrected_contents(spec: releases.ReleaseSpec, replaced) -> tuple[dict, dict]:
    """The corrected release, audited with every release the sharer has made except the one it replaces (whose
    figures would otherwise be reused as they are), then keeping hidden what the replaced one hid."""
    contents, suppression = releases.build_release(
        spec, held=_without(releases.earlier_releases(spec.organization), replaced)
    )
    _keep_hidden(contents, suppression, replaced.contents)
    return contents, suppression


def _without(held: list, replaced) -> list:
    """Earlier releases less the one being corrected (matched by checksum of its contents)."""
    return [h for h in held if releases.checksum(h[2]) != replaced.checksum]


@transaction.atomic
def correct_package(membership, package: SharedPackage, reason: str) -> SharedPackage:
    """The sharer's admin replaces a delivered package with one rebuilt from the records as they are now. Both
    are kept; readers see the current one and that it corrects an earlier one (with the reason)."""
    package = SharedPackage.objects.select_for_update().select_related("agreement__sharer").get(pk=package.pk)
    agreement = package.agreement
    _require_admin(membership, agreement.sharer, "correct a package it sent")
    text = _reason(reason, "correction")
    _still_current(package, "package")
    if not agreement.in_force():
        raise OutcomesError(f"The agreement {agreement} is not in force.", status=409)
    period = Period(package.period_start, package.period_end, package.contents["period"]["grain"])
    spec = _package_spec(agreement, period)
    try:
        contents, suppression = _corrected_contents(spec, package)
    except releases.ReleaseRefused as refused:
        raise OutcomesError(f"{period.label} refused: {refused}", status=409) from refused
    package.superseded_at = timezone.now()
    package.save(update_fields=["superseded_at"])
    corrected = _store_package(
        agreement, period, contents, suppression, corrects=package, correction_reason=text
    )
    audit.record(
        "outcomes.package.corrected",
        membership=membership,
        obj=corrected,
        detail={
            "period": period.label,
            "recipient": agreement.recipient.name,
            "reason": text,
            "replaces": str(package.pk),
            "checksum": corrected.checksum,
        },
    )
    return corrected


@transaction.atomic
def withdraw_package(membership, package: SharedPackage, reason: str) -> SharedPackage:
    """The sharer's admin withdraws a delivered package: the recipient is told (with the reason), its figures
    leave every total, and the period is not delivered again."""
    package = SharedPackage.objects.select_for_update().select_related("agreement__sharer").get(pk=package.pk)
    _require_admin(membership, package.agreement.sharer, "withdraw a package it sent")
    text = _reason(reason, "withdrawal")
    _still_current(package, "package")
    package.withdrawn_at, package.withdrawal_reason = timezone.now(), text
    package.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    audit.record(
        "outcomes.package.withdrawn",
        membership=membership,
        obj=package,
        detail={
            "period": package.period_label,
            "recipient": package.agreement.recipient.name,
            "reason": text,
        },
    )
    return package


@transaction.atomic
def correct_release(membership, release: OpenRelease, reason: str) -> OpenRelease:
    """The publisher's admin replaces a published open-data period, like `correct_package`."""
    release = (
        OpenRelease.objects.select_for_update().select_related("dataset__organization").get(pk=release.pk)
    )
    dataset = release.dataset
    _require_admin(membership, dataset.organization, "correct open data")
    text = _reason(reason, "correction")
    _still_current(release, "release")
    period = Period(release.period_start, release.period_end, release.contents["period"]["grain"])
    try:
        contents, suppression = _corrected_contents(_release_spec(dataset, period), release)
    except releases.ReleaseRefused as refused:
        raise OutcomesError(f"{period.label} refused: {refused}", status=409) from refused
    release.superseded_at = timezone.now()
    release.save(update_fields=["superseded_at"])
    corrected = _store_release(
        dataset, period, contents, suppression, corrects=release, correction_reason=text
    )
    audit.record(
        "outcomes.open_data.corrected",
        membership=membership,
        obj=corrected,
        detail={
            "period": period.label,
            "dataset": dataset.slug,
            "reason": text,
            "checksum": corrected.checksum,
        },
    )
    return corrected


@transaction.atomic
def withdraw_release(membership, release: OpenRelease, reason: str) -> OpenRelease:
    release = (
        OpenRelease.objects.select_for_update().select_related("dataset__organization").get(pk=release.pk)
    )
    _require_admin(membership, release.dataset.organization, "withdraw open data")
    text = _reason(reason, "withdrawal")
    _still_current(release, "release")
    release.withdrawn_at, release.withdrawal_reason = timezone.now(), text
    release.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    audit.record(
        "outcomes.open_data.withdrawn",
        membership=membership,
        obj=release,
        detail={"period": release.period_label, "dataset": release.dataset.slug, "reason": text},
    )
    return release
