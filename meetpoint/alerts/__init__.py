"""Shared alerts: overdose spikes found in the reports partners share, drug-checking samples and bad-batch alerts,
subscriptions and their delivery (home page, e-mail, signed webhooks), and the public alerts page and feed."""
