"""Screening: validated instruments as data files, the one scoring engine, and screenings of a participant.
Owns what a result means and which directory services it calls for."""
