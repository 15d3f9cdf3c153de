"""Roles of a membership and what each may do. Plain rules, no database."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")  # manages the organization and its members; sees participant-level work
    STAFF = "staff", _("Staff")  # records and sees participant-level work
    ANALYST = "analyst", _("Analyst")  # aggregates only
    VIEWER = "viewer", _("Viewer")  # read-only, aggregates only


PARTICIPANT_LEVEL_ROLES = frozenset({Role.ADMIN, Role.STAFF})
EDITING_ROLES = frozenset({Role.ADMIN, Role.STAFF})


def sees_participant_level(role: str) -> bool:
    return role in PARTICIPANT_LEVEL_ROLES


def may_edit(role: str) -> bool:
    return role in EDITING_ROLES


def may_manage_members(role: str) -> bool:
    return role == Role.ADMIN


class PartnerType(models.TextChoices):
    HEALTH_DEPARTMENT = "health_department", _("State or county health department")
    TRIBAL_HEALTH = "tribal_health", _("Tribal health organization")
    PEER_SUPPORT = "peer_support", _("Peer support group")
    HIV_CLINIC = "hiv_clinic", _("Community HIV/AIDS clinic")
    SEX_WORKER_ADVOCACY = "sex_worker_advocacy", _("Sex worker advocacy group")
    NEIGHBORHOOD_CLINIC = "neighborhood_clinic", _("Neighborhood health clinic")
    COALITION = "coalition", _("Community-based coalition")
    FOUNDATION = "foundation", _("Foundation or nonprofit")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction program / syringe services program")
    PREVENTION = "prevention", _("Prevention provider")
    TREATMENT = "treatment", _("Treatment provider")
    HOSPITAL = "hospital", _("Hospital or emergency department")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    SCHOOL = "school", _("School")
    SOCIAL_SERVICE = "social_service", _("Social service provider")
    OTHER = "other", _("Other")
