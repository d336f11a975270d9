"""Every period field of the back office starts at the latest period with data
(``stats.selectors.period_to_start``: the demo's is 2017-01/2017-09), never at a fixed one,
and moves on when a later window is stored: the data entry page, the draft form, the
project list's filters and the investment workbook's export (those two optional: their box
stays empty, for all periods, and their picker starts at that period)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.urls import reverse

from kaifaqu.core.periods import parse
from kaifaqu.core.testing import search
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats.models import DataElement, DataValue


def _store(period: str) -> None:
    p = parse(period)
    DataValue.objects.create(
        element=DataElement.objects.get(code="gdp"),
        org_unit=OrgUnit.objects.get(code="371471"),
        period=str(p),
        month_from=p.first_key,
        month_to=p.last_key,
        value=Decimal("1"),
    )


def _boxes(html: str, name: str) -> list[str]:
    """The value of each period box named ``name``."""
    return re.findall(rf'<input type="text" name="{name}" value="([^"]*)"', html)


def _suggested(html: str) -> list[str]:
    return re.findall(r'data-period-picker data-suggest="([^"]*)"', html)


def _pages(client, demo, progress):
    def get(user, url):
        client.force_login(demo.users[user])
        client.cookies["django_language"] = "en"
        return client.get(url).content.decode()

    entry = get("economy", reverse("stats:entry"))
    draft = get("economy", reverse("reports:type", args=[progress.code]))
    projects = get("investment", reverse("investment:project_list"))
    workbook = get("investment", reverse("investment_workbook:page"))
    return {
        "entry": _boxes(entry, "period"),
        "draft": _boxes(draft, "period"),
        "project filters": _suggested(projects),
        "export filters": _suggested(workbook),
    }


def test_each_period_field_starts_at_the_latest_period_with_data(client, demo, progress):
    assert _pages(client, demo, progress) == {
        "entry": ["2017-01/2017-09"],
        "draft": ["2017-01/2017-09"],
        "project filters": ["2017-01/2017-09", "2017-01/2017-09"],
        "export filters": ["2017-01/2017-09", "2017-01/2017-09"],
    }
    _store("2031-01/2031-05")
    assert _pages(client, demo, progress) == {
        "entry": ["2031-01/2031-05"],
        "draft": ["2031-01/2031-05"],
        "project filters": ["2031-01/2031-05", "2031-01/2031-05"],
        "export filters": ["2031-01/2031-05", "2031-01/2031-05"],
    }


def test_opening_the_entry_page_as_it_comes_opens_the_latest_period(client, demo):
    client.force_login(demo.users["economy"])
    client.cookies["django_language"] = "en"
    html = client.get(reverse("stats:entry")).content.decode()
    org = search(r'<option value="(\d+)" selected>', html).group(1)
    opened = client.get(reverse("stats:entry"), {"org": org, "period": _boxes(html, "period")[0]})
    assert opened.status_code == 200
    assert 'data-testid="period-error"' not in opened.content.decode()
    assert str(opened.context["sheet"].period) == "2017-01/2017-09"
