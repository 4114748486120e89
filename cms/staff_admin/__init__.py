"""The staff side of the admin: queues, the message page, the outbox and the audit trail.

Views and model admins only; the rules they apply live in `cms.workflow` (what may
happen) and `cms.permissions` (who may see and do it). Registered with Wagtail by
`cms.staff_admin.wagtail_hooks`.
"""
