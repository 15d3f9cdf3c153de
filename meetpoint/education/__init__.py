"""Education: trainings and events, pre/post surveys, take-back events and area-level community needs.
Owns the shared calendar and what partners teach and collect."""
