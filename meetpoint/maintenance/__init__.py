"""Maintenance: what a site administrator runs to keep a Meetpoint safe over time — backup and restore of the
whole database, and the deployment checks."""
