"""The referral life cycle as one plain table: states, who may move a referral from one state to another, and
how each state maps to the HL7 SDOH Clinical Care Task (and ServiceRequest) status. No database here."""

from django.utils.translation import gettext_lazy as _

DRAFT = "draft"
SENT = "sent"
ACCEPTED = "accepted"
DECLINED = "declined"
IN_PROGRESS = "in_progress"
ON_HOLD = "on_hold"
COMPLETED = "completed"
NOT_COMPLETED = "not_completed"
CANCELLED = "cancelled"
EXPIRED = "expired"
ENTERED_IN_ERROR = "entered_in_error"

STATE_LABELS = {
    DRAFT: _("Draft"),
    SENT: _("Sent"),
    ACCEPTED: _("Accepted"),
    DECLINED: _("Declined"),
    IN_PROGRESS: _("In progress"),
    ON_HOLD: _("On hold"),
    COMPLETED: _("Completed"),
    NOT_COMPLETED: _("Not completed"),
    CANCELLED: _("Cancelled"),
    EXPIRED: _("Expired"),
    ENTERED_IN_ERROR: _("Entered in error"),
}
STATES = tuple(STATE_LABELS)

OPEN_STATES = frozenset({DRAFT, SENT, ACCEPTED, IN_PROGRESS, ON_HOLD})
CLOSED_STATES = frozenset(STATES) - OPEN_STATES

# Who acts: the sending organization, the receiving organization, or the system (the expiry command).
SENDER = "sender"
RECEIVER = "receiver"
SYSTEM = "system"

# (from, to) -> the side that may take the transition.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, SENT): SENDER,
    (DRAFT, CANCELLED): SENDER,
    (SENT, ACCEPTED): RECEIVER,
    (SENT, DECLINED): RECEIVER,
    (SENT, CANCELLED): SENDER,
    (SENT, EXPIRED): SYSTEM,
    (ACCEPTED, IN_PROGRESS): RECEIVER,
    (ACCEPTED, ON_HOLD): RECEIVER,
    (IN_PROGRESS, ON_HOLD): RECEIVER,
    (ON_HOLD, IN_PROGRESS): RECEIVER,
    (ACCEPTED, COMPLETED): RECEIVER,
    (IN_PROGRESS, COMPLETED): RECEIVER,
    (ON_HOLD, COMPLETED): RECEIVER,
    (ACCEPTED, NOT_COMPLETED): RECEIVER,
    (IN_PROGRESS, NOT_COMPLETED): RECEIVER,
    (ON_HOLD, NOT_COMPLETED): RECEIVER,
    (ACCEPTED, CANCELLED): SENDER,
    (IN_PROGRESS, CANCELLED): SENDER,
    (ON_HOLD, CANCELLED): SENDER,
}
# The requester may mark any referral entered in error (HL7: any -> entered-in-error, by the requester).
for _state in STATES:
    if _state != ENTERED_IN_ERROR:
        TRANSITIONS[(_state, ENTERED_IN_ERROR)] = SENDER

# HL7 SDOH Clinical Care referral Task.status for each state.
TASK_STATUS = {
    DRAFT: "draft",
    SENT: "requested",
    ACCEPTED: "accepted",
    DECLINED: "rejected",
    IN_PROGRESS: "in-progress",
    ON_HOLD: "on-hold",
    COMPLETED: "completed",
    NOT_COMPLETED: "failed",
    CANCELLED: "cancelled",
    EXPIRED: "cancelled",  # withdrawn because nobody accepted it in time; statusReason says so
    ENTERED_IN_ERROR: "entered-in-error",
}
# ServiceRequest.status beside it: the order stays active while the Task runs.
SERVICE_REQUEST_STATUS = {
    DRAFT: "draft",
    SENT: "active",
    ACCEPTED: "active",
    IN_PROGRESS: "active",
    ON_HOLD: "active",
    COMPLETED: "completed",
    DECLINED: "revoked",
    NOT_COMPLETED: "revoked",
    CANCELLED: "revoked",
    EXPIRED: "revoked",
    ENTERED_IN_ERROR: "entered-in-error",
}
# Task statuses whose statusReason the guide expects.
REASONED_TASK_STATUSES = frozenset({"rejected", "cancelled", "on-hold", "failed"})

NOT_COMPLETED_REASONS = {
    "no_show": _("No-show"),
    "unable_to_reach": _("Unable to reach"),
    "ineligible": _("Ineligible"),
    "other": _("Other"),
}

# Button labels for the pages, in the order they are shown.
ACTION_LABELS = {
    SENT: _("Send"),
    ACCEPTED: _("Accept"),
    IN_PROGRESS: _("Start"),
    ON_HOLD: _("Put on hold"),
    COMPLETED: _("Complete"),
    NOT_COMPLETED: _("Not completed"),
    DECLINED: _("Decline"),
    CANCELLED: _("Cancel referral"),
    ENTERED_IN_ERROR: _("Entered in error"),
}


def allowed_targets(state: str, side: str | None = None) -> list[str]:
    """States reachable from `state`, for one side (sender/receiver/system) or for anyone when None."""
    return [to for (frm, to), who in TRANSITIONS.items() if frm == state and (side is None or who == side)]


def may_transition(state: str, to: str, side: str) -> bool:
    return TRANSITIONS.get((state, to)) == side


def is_open(state: str) -> bool:
    return state in OPEN_STATES
