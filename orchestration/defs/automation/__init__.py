"""Automation: the job, the raw-folder sensor and the daily schedule."""
