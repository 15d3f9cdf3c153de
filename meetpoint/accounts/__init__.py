"""Accounts: people, partner organizations, memberships with roles, API tokens, sign-in and the audit log.
Every other app asks this one who is acting and for which organization."""
