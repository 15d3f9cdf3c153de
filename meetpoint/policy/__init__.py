"""Policy: the policy and advocacy tracker — bills, ordinances and rules, their status timeline,
the coalition's position and actions taken."""
