"""Directory: the shared partner and service directory shaped on Open Referral HSDS 3.1 — services,
locations (fixed sites and mobile units), schedules, taxonomy, search and HSDS import/export."""
