"""152-ФЗ retention: citizens' contact data anonymised after the region's period.

`anonymise` holds the rules and the batched write paths, `tasks` the django-q2 task the
core schedules daily, `models` the per-region period (a section of "Region settings"), and
`manage.py anonymise_personal_data` runs the same for operators.
"""
