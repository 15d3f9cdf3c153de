"""The order of policy statuses, and which changes go backwards. No database.

introduced → in committee → passed → signed → in effect is forwards; "failed" ends a policy's course, so
leaving "failed" (reintroduced, revived) counts as going backwards. Going backwards needs a note.
"""

ORDER = {"introduced": 1, "in_committee": 2, "passed": 3, "signed": 4, "in_effect": 5}


def goes_backwards(current: str | None, new: str) -> bool:
    if not current:
        return False
    if current == "failed":
        return new != "failed"
    if new == "failed":
        return False
    return ORDER[new] < ORDER[current]
