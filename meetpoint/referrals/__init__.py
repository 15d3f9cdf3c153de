"""Referrals: closed-loop referrals between partners, their consent (42 CFR Part 2), the state machine,
notifications, loop metrics and FHIR export."""
