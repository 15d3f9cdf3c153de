"""FHIR R4 export of a referral as the HL7 SDOH Clinical Care guide models it: a ServiceRequest (the referral)
and a Task (its progress: intent order, code fulfill, focus the ServiceRequest), plus the Consent while it is in
force, in a collection Bundle. Built from queries.referral_view, so a restricted view exports restricted."""

from django.utils import timezone

from meetpoint.referrals import lifecycle
from meetpoint.referrals.queries import ReferralView

TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code"
PRIORITY = {"routine": "routine", "urgent": "urgent", "emergent": "stat"}
PART2_POLICY = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _org(organization) -> dict:
    return {"reference": f"Organization/{organization.pk}", "display": organization.name}


def referral_bundle(view: ReferralView) -> dict:
    referral = view.referral
    request_id = str(referral.pk)
    task_id = f"{referral.pk}-task"
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
                    "reference": f"QuestionnaireResponse/{view.screening.pk}",
                    "display": view.screening.instrument,
                }
            )
        if view.consent is not None and view.consent_in_force:
            supporting.append(
                {"reference": f"urn:uuid:{view.consent.pk}", "display": "42 CFR Part 2 consent"}
            )
        if supporting:
            service_request["supportingInfo"] = supporting
    task: dict = {
        "resourceType": "Task",
        "id": task_id,
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
        {"fullUrl": f"urn:uuid:{task_id}", "resource": task},
    ]
    if not view.restricted and view.consent is not None and view.consent_in_force:
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
        entries.append(
            {
                "fullUrl": f"urn:uuid:{consent.pk}",
                "resource": {
                    "resourceType": "Consent",
                    "id": str(consent.pk),
                    "status": "active",
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
                                {
                                    "system": "http://loinc.org",
                                    "code": "59284-0",
                                    "display": "Patient Consent",
                                }
                            ]
                        }
                    ],
                    "patient": subject,
                    "dateTime": consent.signed_on.isoformat(),
                    "organization": [_org(referral.sender)],
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
