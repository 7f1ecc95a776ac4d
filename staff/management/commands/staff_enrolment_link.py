"""Give a staff member a one-time link to set up their first second factor."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff import enrolment


class Command(BaseCommand):
    help = (
        "Print a one-time enrolment link for a staff account without a second factor, to hand "
        "over in person (or --email it to the account's address instead)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--email",
            action="store_true",
            help="Email the link to the account's address instead of printing it.",
        )

    def handle(self, *args, username: str, email: bool = False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account is called {username!r}.")
        try:
            if email:
                link = enrolment.email_enrolment_link(user, by=None)
            else:
                url = enrolment.hand_over_enrolment_link(user, by=None)
        except enrolment.NoEmailAddress as exc:
            raise CommandError("This account has no email address: print the link.") from exc
        except enrolment.TooManyEnrolmentLinks as exc:
            raise CommandError("Enough links were emailed this hour: print the link.") from exc
        except enrolment.EnrolmentRefused as exc:
            raise CommandError(
                f"{exc}. To re-enrol someone who lost their device, delete their devices "
                "in the admin (TOTP and static devices) first."
            ) from exc
        if email:
            self.stdout.write(
                f"Enrolment link emailed; it expires at {link.expires_at:%Y-%m-%d %H:%M} UTC."
            )
            return
        self.stdout.write(
            "Give this link to the staff member in person; it works once, for their account, "
            "after their password login:"
        )
        self.stdout.write(url)
