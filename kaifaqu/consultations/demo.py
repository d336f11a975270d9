"""The demo's consultations: the four categories routed to 招商局's officer, and three
illustrative questions entered through the services (a hotline call, one overdue, one
replied), each marked ``illustrative`` and saying so in its text. Dates are relative to the
day the demo is loaded, so that "overdue" and the anonymisation period mean what they say."""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from kaifaqu.core.demo import ILLUSTRATIVE
from kaifaqu.core.models import User
from kaifaqu.portal.categories import Category

from . import services
from .models import Consultation, Route

OFFICER = "investment"
MARK = f"（{ILLUSTRATIVE}）"


@transaction.atomic
def load(stdout: TextIO) -> None:
    officer = User.objects.filter(username=OFFICER).first()
    if officer is None:
        stdout.write("Consultations: no officer account, nothing routed.\n")
        return
    for category in Category.values:
        if not Route.objects.filter(category=category).exists():
            services.route_set(actor=None, category=category, officer=officer)
    if Consultation.objects.filter(illustrative=True).exists():
        return
    now = timezone.now().replace(microsecond=0)
    services.hotline_call_log(
        actor=officer,
        category=Category.LAND_BUILDINGS,
        question=f"想了解长河街道是否有2000平方米左右的标准厂房出租，租金如何。{MARK}",
        name="王先生",
        organisation="德州示例精密机械有限公司",
        phone="13905340001",
        received_at=now - timedelta(hours=2),
        illustrative=True,
    )
    services.consultation_submit(
        category=Category.INDUSTRY_SUPPORT,
        question=f"新能源汽车零部件项目落户开发区，可以享受哪些产业扶持政策？{MARK}",
        name="李女士",
        organisation="示例新能源科技有限公司",
        email="li.demo@example.com",
        consent=True,
        received_at=now - timedelta(days=10),
        illustrative=True,
    )
    replied = services.consultation_submit(
        category=Category.ENTERPRISE_INVESTMENT,
        question=f"外资企业在开发区设立研发中心需要办理哪些手续？{MARK}",
        name="陈先生",
        organisation="示例国际贸易有限公司",
        phone="13905340003",
        email="chen.demo@example.com",
        consent=True,
        received_at=now - timedelta(days=3),
        illustrative=True,
    ).consultation
    services.consultation_reply(
        actor=officer,
        consultation=replied,
        version=replied.version,  # just submitted above
        body=f"您好，设立研发中心需办理企业登记、商务备案等手续，招商局可全程代办，"
        f"请致电投资咨询热线预约面谈。{MARK}",
    )
    stdout.write("Consultations: routes and 3 illustrative consultations.\n")
