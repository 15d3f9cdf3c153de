"""Meetpoint: the platform on which prevention and harm reduction partners work together."""
