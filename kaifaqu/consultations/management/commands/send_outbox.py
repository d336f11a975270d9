from django.core.management.base import BaseCommand

from kaifaqu.consultations.outbox import outbox_send, sms_gateway_configured


class Command(BaseCommand):
    help = (
        "Send what waits in the consultations' outbox: email through Django's mail backend "
        "(EMAIL_BACKEND). There is no SMS gateway: SMS messages stay pending."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="at most this many emails")

    def handle(self, *args, limit, **options):
        result = outbox_send(limit=limit)
        self.stdout.write(
            f"Emails sent: {result.sent}; failed (kept for the next run): {result.failed}."
        )
        if result.sms_pending and not sms_gateway_configured():
            self.stdout.write(
                f"SMS messages pending: {result.sms_pending}. No SMS gateway is configured, so "
                "they are not sent; visitors who gave only a phone number get their link from "
                "the page (KAIFAQU_SHOW_SIGN_IN_LINKS) or by calling the hotline."
            )
