"""A new model cannot be forgotten by the audit log: every table of Meetpoint's apps is either logged on change
or named, with its reason, in the short list of tables that are not."""

from django.apps import apps

from meetpoint.accounts import audit_changes


def meetpoint_tables() -> list:
    """Enumerated here on their own, so the test does not trust the module it checks."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("meetpoint.") or model._meta.app_config.name.startswith("meetpoint.")
    ]


def test_every_model_is_audited_on_change_or_listed_as_not_audited():
    forgotten = [
        model._meta.label_lower
        for model in meetpoint_tables()
        if model._meta.label_lower not in audit_changes.NOT_AUDITED and not audit_changes.is_audited(model)
    ]
    assert forgotten == []


def test_the_tables_that_matter_most_are_audited():
    for label in (
        "participants.participant",
        "outreach.encounter",
        "outreach.encountersupply",
        "screening.screening",
        "referrals.referral",
        "referrals.consent",
        "outcomes.sharingagreement",
        "accounts.membership",
        "directory.service_taxonomy_terms",  # a many-to-many table: written by statements only
    ):
        assert audit_changes.is_audited(apps.get_model(label)), label


def test_the_not_audited_list_is_short_and_names_real_tables_with_a_reason():
    labels = {model._meta.label_lower for model in meetpoint_tables()}
    assert set(audit_changes.NOT_AUDITED) <= labels
    assert all(reason.strip() for reason in audit_changes.NOT_AUDITED.values())
    assert len(audit_changes.NOT_AUDITED) <= len(labels) // 5
    for label in audit_changes.NOT_AUDITED:
        assert not audit_changes.is_audited(apps.get_model(label))


def test_bookkeeping_columns_name_real_columns_of_audited_tables():
    for label, columns in audit_changes.BOOKKEEPING_COLUMNS.items():
        model = apps.get_model(label)
        assert audit_changes.is_audited(model)
        assert columns <= {field.column for field in model._meta.concrete_fields}
