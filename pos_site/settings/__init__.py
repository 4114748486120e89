"""Settings, layered.

base.py        everything shared; read from the environment through env.py
dev.py         base + debug, console e-mail, the demo identity provider
test.py        base + fast hashing, synchronous tasks, locmem e-mail
production.py  base + secrets required, secure cookies; refuses to start without SECRET_KEY

Pick one with DJANGO_SETTINGS_MODULE (manage.py defaults to dev, pytest to test).
"""
