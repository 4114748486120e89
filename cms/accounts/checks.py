"""System checks: the citizens' login must be configured consistently.

A deployment check (`manage.py check --deploy`): each installation configures its own
provider, and development and test settings need none until a test points one at them.
"""

from django.core import checks


@checks.register(deploy=True)
def check_oidc_client(app_configs, **kwargs):
    from .oidc.config import ClientSettings

    return [
        checks.Warning(
            f"Citizens cannot log in: {problem}.",
            hint="See the POS_OIDC_* settings documented in pos_site/settings/base.py.",
            id="accounts.W001",
        )
        for problem in ClientSettings.from_settings().problems()
    ]
