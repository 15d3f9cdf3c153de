"""Community needs: area-level social-determinant data (CDC/ATSDR SVI and generic CSV) beside program reach and
reported overdoses, and the ranked "where to go next" list for mobile-unit stops and trainings."""
