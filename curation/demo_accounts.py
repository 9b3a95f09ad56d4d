"""Demo accounts, one per role, with passwords published in the README.

The passwords are public, so `load_demo` creates these only on a development site
(DEBUG) unless told otherwise.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from curation.roles import ARCHIVIST, EDITOR

DEMO_LOGIN_URL = "http://127.0.0.1:8000/admin/"
PASSWORD_KEPT = "exists, password kept"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str  # a role group name, or "" for the superuser
    superuser: bool = False

    @property
    def description(self) -> str:
        return "superuser" if self.superuser else f"{self.role} role"


DEMO_ACCOUNTS = (
    DemoAccount("archivist", "archivist-demo", role=ARCHIVIST),
    DemoAccount("editor", "editor-demo", role=EDITOR),
    DemoAccount("admin", "admin-demo", role="", superuser=True),
)


@transaction.atomic
def demo_accounts_ensure(*, reset_passwords: bool = False) -> dict[str, str]:
    """Create or update the demo accounts; return each username's outcome.

    An existing account keeps its password unless `reset_passwords`, so a password
    someone changed on their own machine survives reloading the demo.
    """
    User = get_user_model()
    outcomes = {}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={"email": f"{account.username}@example.org"},
        )
        user.is_active = True
        user.is_staff = True
        user.is_superuser = account.superuser
        if created or reset_passwords:
            user.set_password(account.password)
        user.save()
        user.groups.set([Group.objects.get(name=account.role)] if account.role else [])
        if created:
            outcomes[account.username] = "created"
        elif reset_passwords:
            outcomes[account.username] = "exists, password reset"
        else:
            outcomes[account.username] = PASSWORD_KEPT
    return outcomes
