"""FHIR R4 export of a referral as the HL7 SDOH Clinical Care guide models it: a ServiceRequest (the referral)
and a Task (its progress: intent order, code fulfill, focus the ServiceRequest), the Consent (active while in
force, inactive once revoked or expired: the sender still sees what was agreed) and the two Organizations, in a
collection Bundle. Every fullUrl is a UUID URN and every literal reference points at an entry of the Bundle; the
screening is named by identifier (it is not in the Bundle). Built from queries.referral_view, so a restricted
view exports restricted."""

import base64
import uuid

from django.utils import timezone

from meetpoint.referrals import lifecycle
from meetpoint.referrals.queries import ReferralView

TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code"
PRIORITY = {"routine": "routine", "urgent": "urgent", "emergent": "stat"}
PART2_POLICY = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
FHIR_JSON = "application/fhir+json"
# The Task has no row of its own: its id is derived from the referral's, the same on every export.
TASK_NAMESPACE = uuid.UUID("0b6f5a52-3c1e-5d8e-9f27-7a1d4c2e9b10")


def task_id(referral) -> str:
    return str(uuid.uuid5(TASK_NAMESPACE, str(referral.pk)))


def _urn(value) -> str:
    return f"urn:uuid:{value}"


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _org(organization) -> dict:
    return {"reference": _urn(organization.pk), "display": organization.name}


def _organization_entry(organization) -> dict:
    return {
        "fullUrl": _urn(organization.pk),
        "resource": {
            "resourceType": "Organization",
            "id": str(organization.pk),
            "active": True,
            "name": organization.name,
        },
    }


def _consent_text(consent) -> str:
    """What the person agreed to, as the form recorded it (42 CFR 2.31): the Consent's source."""
    lines = [
        "42 CFR Part 2 consent to disclose",
        f"From (discloser): {consent.discloser}",
        f"To (recipient): {consent.recipient}",
        f"Information: {consent.information}",
        f"Purpose: {consent.purpose}",
        f"Signed on: {consent.signed_on.isoformat()} ({consent.get_signature_method_display()})",
    ]
    if consent.expires_on:
        lines.append(f"Expires on: {consent.expires_on.isoformat()}")
    if consent.expiry_event:
        lines.append(f"Expires when: {consent.expiry_event}")
    if consent.revoked_at:
        lines.append(f"Revoked on: {timezone.localdate(consent.revoked_at).isoformat()}")
    return "\n".join(lines) + "\n"


def referral_bundle(view: ReferralView) -> dict:
    referral = view.referral
    request_id = str(referral.pk)
    task_pk = task_id(referral)
    subject = {"display": "Withheld"}
    if not view.restricted and view.participant is not None:
        subject = {
            "identifier": {"system": "urn:meetpoint:participant", "value": str(view.participant.pk)},
            "display": f"Participant {str(view.participant.pk)[:8]}",
        }
    elif not view.restricted:
        subject = {"display": "Person referred (no participant record)"}
    service_request: dict = {
        "resourceType": "ServiceRequest",
        "id": request_id,
        "status": lifecycle.SERVICE_REQUEST_STATUS[referral.state],
        "intent": "order",
        "priority": PRIORITY[referral.urgency],
        "code": {"text": referral.service.name},
        "subject": subject,
        "authoredOn": _iso(referral.sent_at or referral.created),
        "requester": _org(referral.sender),
        "performer": [_org(referral.receiver)],
    }
    if not view.restricted:
        service_request["category"] = [{"text": referral.get_reason_category_display()}]
        service_request["reasonCode"] = [{"text": view.reason}]
        if view.contact_purged_at:
            contact = f"removed under the retention rule on {timezone.localdate(view.contact_purged_at).isoformat()}"
        else:
            contact = referral.get_contact_method_display()
            if view.contact_detail:
                contact += f": {view.contact_detail}"
        service_request["patientInstruction"] = f"Contact preference: {contact}"
        supporting = []
        if view.screening is not None:
            supporting.append(
                {
                    "type": "QuestionnaireResponse",
                    "identifier": {"system": "urn:meetpoint:screening", "value": str(view.screening.pk)},
                    "display": view.screening.instrument,
                }
            )
        if view.consent is not None:
            supporting.append({"reference": _urn(view.consent.pk), "display": "42 CFR Part 2 consent"})
        if supporting:
            service_request["supportingInfo"] = supporting
    task: dict = {
        "resourceType": "Task",
        "id": task_pk,
        "status": lifecycle.TASK_STATUS[referral.state],
        "intent": "order",
        "code": {
            "coding": [
                {"system": TASK_CODE_SYSTEM, "code": "fulfill", "display": "Fulfill the focal request"}
            ]
        },
        "focus": {"reference": f"urn:uuid:{request_id}"},
        "for": subject,
        "authoredOn": _iso(referral.sent_at or referral.created),
        "lastModified": _iso(referral.updated),
        "requester": _org(referral.sender),
        "owner": _org(referral.receiver),
    }
    if task["status"] in lifecycle.REASONED_TASK_STATUSES:
        label = {
            "no_show": "No-show",
            "unable_to_reach": "Unable to reach",
            "ineligible": "Ineligible",
            "other": "Other",
            "expired": "Not accepted in time (expired)",
        }.get(referral.status_reason_code, lifecycle.STATE_LABELS[referral.state])
        text = str(label)
        if view.status_reason:
            text += f": {view.status_reason}"
        task["statusReason"] = {"text": text}
        if referral.status_reason_code:
            task["statusReason"]["coding"] = [
                {"system": "urn:meetpoint:referral-status-reason", "code": referral.status_reason_code}
            ]
    entries = [
        {"fullUrl": f"urn:uuid:{request_id}", "resource": service_request},
        {"fullUrl": _urn(task_pk), "resource": task},
        _organization_entry(referral.sender),
        _organization_entry(referral.receiver),
    ]
    if not view.restricted and view.consent is not None:
        consent = view.consent
        provision: dict = {
            "type": "permit",
            "actor": [
                {"role": {"text": "recipient"}, "reference": _org(referral.receiver)},
                {"role": {"text": "discloser"}, "reference": _org(referral.sender)},
            ],
        }
        if consent.expires_on:
            provision["period"] = {"end": consent.expires_on.isoformat()}
        provision["code"] = [{"text": consent.information}]  # the information described
        text = _consent_text(consent)
        entries.append(
            {
                "fullUrl": f"urn:uuid:{consent.pk}",
                "resource": {
                    "resourceType": "Consent",
                    "id": str(consent.pk),
                    "status": "active" if view.consent_in_force else "inactive",
                    "scope": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                "code": "patient-privacy",
                            }
                        ]
                    },
                    "category": [
                        {
                            "coding": [
                                {"system": V3_ACT_CODE, "code": "IDSCL", "display": "information disclosure"}
                            ]
                        }
                    ],
                    "patient": subject,
                    "dateTime": consent.signed_on.isoformat(),
                    "organization": [_org(referral.sender)],
                    "sourceAttachment": {
                        "contentType": "text/plain; charset=utf-8",
                        "language": "en",
                        "title": f"42 CFR Part 2 consent, purpose: {consent.purpose}"[:250],
                        "data": base64.b64encode(text.encode("utf-8")).decode("ascii"),
                    },
                    "policy": [{"uri": PART2_POLICY}],
                    "provision": provision,
                },
            }
        )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": entries,
    }
