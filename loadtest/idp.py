"""The identity provider's side of the run: its citizens and the stack as its client.

Run inside the provider's settings (`loadtest.idp_settings`):
`python -m loadtest.idp <count> <password> <stack callback URL>`.
"""

from __future__ import annotations

import sys


def citizen_username(index: int) -> str:
    return f"loadcit-{index:05d}"


def citizen_email(index: int) -> str:
    return f"{citizen_username(index)}@load.invalid"


def prepare(count: int, password: str, callback_url: str) -> None:
    """Create `count` citizens with `password` (again: nothing new) and register the
    stack's callback with the demo client."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from cms.accounts.devprovider.demo import ensure_demo_client

    User = get_user_model()
    hashed = make_password(password)
    existing = set(
        User.objects.filter(username__startswith="loadcit-").values_list(
            "username", flat=True
        )
    )
    User.objects.bulk_create(
        [
            User(
                username=citizen_username(i),
                email=citizen_email(i),
                password=hashed,
                first_name="Нагрузка",
                last_name=f"Тест {i}",
            )
            for i in range(count)
            if citizen_username(i) not in existing
        ]
    )
    User.objects.filter(username__startswith="loadcit-").update(password=hashed)
    ensure_demo_client(redirect_uris=(callback_url,), citizen_username="")


if __name__ == "__main__":
    import django

    django.setup()
    prepare(int(sys.argv[1]), sys.argv[2], sys.argv[3])
