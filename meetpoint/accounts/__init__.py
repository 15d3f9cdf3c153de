"""Accounts: people, partner organizations, memberships with roles, API tokens and sign-in.
Every other app asks this one who is acting and for which organization."""
