"""Outcomes: the indicator registry, reports, data sharing agreements, disclosure control, dashboards and
open data. Learns each app's indicators through the registry and imports none of their models."""
