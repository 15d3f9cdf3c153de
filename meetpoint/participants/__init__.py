"""Participants: anonymous people known to one organization only by a participant code, kept as a keyed
hash (blind index). Screening, referrals and outreach all attach their records to these."""
