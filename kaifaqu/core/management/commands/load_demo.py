from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand
from django.db import transaction

from kaifaqu.core import demo
from kaifaqu.core.context import acting


class Command(BaseCommand):
    help = "Load the demo zone (德州经济技术开发区, 2017). Running it again duplicates nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        with acting(label="system:load_demo"), transaction.atomic():
            for step in demo.steps():
                # The steps only write() text, which the command's OutputWrapper offers.
                step.run(cast(TextIO, self.stdout))
        self.stdout.write(self.style.SUCCESS("Demo zone loaded."))
