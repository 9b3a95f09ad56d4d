"""Load the demo archive (the reference pages' records) and the demo accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.demo.loader import load_reference_archive
from curation.demo_accounts import (
    DEMO_ACCOUNTS,
    DEMO_LOGIN_URL,
    PASSWORD_KEPT,
    demo_accounts_ensure,
)
from curation.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Load the reference documents and collection as demo records, and create the demo "
        "accounts (archivist, editor, admin). Safe to run again: it changes nothing the "
        "second time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set existing demo accounts' passwords back to the documented demo passwords.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo accounts even though DEBUG is off. Their passwords are public.",
        )
        parser.add_argument(
            "--login-url",
            default=DEMO_LOGIN_URL,
            help="The address printed for logging in (`make run PORT=...` passes its own).",
        )

    def handle(self, *args, reset_passwords: bool, force: bool, login_url: str, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a public site, and the demo accounts' "
                "passwords are public: refusing to load the demo. Pass --force to load it anyway."
            )
        if not settings.DEBUG:
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG is off and --force was given: the demo accounts below have public "
                    "passwords. Change or deactivate them."
                )
            )
        sync_roles()
        report = load_reference_archive()
        outcomes = demo_accounts_ensure(reset_passwords=reset_passwords)

        self.stdout.write(self.style.SUCCESS("Demo archive loaded."))
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if not report.changed:
            self.stdout.write("  (already up to date: nothing changed)")
        self.stdout.write("")
        self.stdout.write(f"Log in at {login_url} as:")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.username:<10} password {account.password:<15} "
                f"({account.description}; {outcomes[account.username]})"
            )
        if not reset_passwords and PASSWORD_KEPT in outcomes.values():
            self.stdout.write(
                "Existing accounts keep their passwords; --reset-passwords restores the ones above."
            )
