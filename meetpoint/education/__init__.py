"""Education: trainings and events, pre/post surveys, take-back events, and the invitations that make another
partner a co-host. Owns the shared calendar and what partners teach and collect."""
