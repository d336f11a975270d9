"""The four kinds of question an investor asks, which are also the four kinds of policy the
portal publishes (the seed's footer: 产业扶持政策 · 企业投资政策 · 土地厂房政策 · 其他相关咨询)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    INDUSTRY_SUPPORT = "industry_support", _("Industry support policies")
    ENTERPRISE_INVESTMENT = "enterprise_investment", _("Enterprise investment policies")
    LAND_BUILDINGS = "land_buildings", _("Land and building policies")
    OTHER = "other", _("Other")
