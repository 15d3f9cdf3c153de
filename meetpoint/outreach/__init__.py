"""Outreach: anonymous participants, encounters, supplies and inventory, overdose reports and offline sync.
Owns every participant-level record of street and site work."""
