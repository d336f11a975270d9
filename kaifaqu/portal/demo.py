"""The portal's demo: the zone's leading industries (from the seed's honours) and a handful of
policies in the four categories. The policies are ILLUSTRATIVE: written as a zone's policies
read, not copies of real documents; each says so on its page."""

from __future__ import annotations

from datetime import date
from typing import TextIO

from kaifaqu.core.demo import SEED
from kaifaqu.orgs.models import Department

from . import services
from .categories import Category
from .models import FeaturedIndustry, Policy

# name, English, summary, English summary, source
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
INDUSTRIES = [
    ("新能源", "New energy",
     "国家火炬计划新能源产业基地、中国太阳城,太阳能光伏发电集中应用示范区和太阳能光热综合利用示范区所在地。",
     "A national Torch Programme new-energy base and \"China Solar City\", home of demonstration "
     "zones for solar photovoltaic power and solar thermal use.",
     f"{SEED}（荣誉）"),
    ("生物技术", "Biotechnology",
     "生物高技术产业基地。", "A biotechnology industry base.", f"{SEED}（荣誉）"),
    ("高端装备制造", "Advanced equipment manufacturing",
     "中国压滤机之都;省级装备制造业产业集群转型升级示范扶持项目落户园区。",
     "\"China's capital of filter presses\"; host of the province's demonstration project for "
     "upgrading the equipment-manufacturing cluster.",
     f"{SEED}（荣誉；转移支付）"),
    ("节能环保", "Energy saving and environmental protection",
     "山东省节能环保产业基地。", "A Shandong energy-saving and environmental-protection "
     "industry base.", f"{SEED}（荣誉）"),
]  # fmt: skip

ISSUER = "德州经济技术开发区管理委员会"
# category, title, issuer, document number, issued, valid from, valid until, body
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
POLICIES = [
    (Category.INDUSTRY_SUPPORT, "德州经济技术开发区关于支持新能源产业高质量发展的若干措施（示例）",
     ISSUER, "德开管发〔2017〕12号", date(2017, 3, 15), date(2017, 4, 1), date(2019, 12, 31),
     "为加快建设国家火炬计划新能源产业基地，推动太阳能光伏、光热及储能产业集聚发展，结合开发区实际，制定本措施。\n\n"
     "一、对新引进的新能源制造业项目，固定资产投资额达到5000万元以上的，按设备投资额的5%给予补助，最高不超过500万元。\n\n"
     "二、对企业新获批的国家级、省级研发平台，分别给予100万元、50万元一次性奖励。\n\n"
     "三、本措施自2017年4月1日起施行，有效期至2019年12月31日。本措施为演示用示例文本。"),
    (Category.INDUSTRY_SUPPORT, "德州经济技术开发区安澜产业领军人才支持办法（示例）",
     ISSUER, "德开管发〔2017〕20号", date(2017, 5, 10), date(2017, 5, 10), None,
     "为引进和培养产业领军人才，推进招才引智工作，制定本办法。\n\n"
     "一、经评审认定的安澜产业领军人才，给予最高50万元的补助资助资金，分三年拨付。\n\n"
     "二、领军人才创办的企业，三年内租用园区标准厂房的，给予租金减免。\n\n"
     "本办法为演示用示例文本。"),
    (Category.ENTERPRISE_INVESTMENT, "德州经济技术开发区招商引资项目服务代办制度（示例）",
     "德州经济技术开发区招商局", "", date(2017, 2, 20), date(2017, 3, 1), None,
     "为优化营商环境，对新签约招商引资项目实行全程代办服务。\n\n"
     "一、项目签约后，招商局指定专人担任项目代办员，负责协调立项、规划、环评、施工许可等手续办理。\n\n"
     "二、代办服务不收取任何费用。\n\n"
     "本制度为演示用示例文本。"),
    (Category.ENTERPRISE_INVESTMENT, "德州经济技术开发区总部经济和楼宇经济扶持办法（示例）",
     ISSUER, "德开管发〔2017〕8号", date(2017, 1, 18), date(2017, 1, 18), date(2017, 6, 30),
     "为发展楼宇经济，盘活闲置资源，对入驻园区商务楼宇的企业给予扶持。\n\n"
     "一、新入驻企业租用办公用房的，前两年按实际租金的50%给予补贴。\n\n"
     "二、本办法有效期至2017年6月30日（已到期，由新办法替代）。本办法为演示用示例文本。"),
    (Category.LAND_BUILDINGS, "德州经济技术开发区工业用地弹性出让实施意见（示例）",
     "德州经济技术开发区国土资源分局", "德开国土发〔2017〕3号", date(2017, 4, 6), date(2017, 4, 6), None,
     "为提高工业用地利用效率，对工业项目用地实行弹性年期出让、先租后让等供地方式。\n\n"
     "一、工业用地出让年期可根据产业生命周期确定，一般不超过20年。\n\n"
     "二、投资强度、容积率等指标达到约定标准的，可按约定转为出让。\n\n"
     "本意见为演示用示例文本。"),
    (Category.LAND_BUILDINGS, "德州经济技术开发区标准厂房租赁管理办法（示例）",
     "德州经济技术开发区招商局", "", date(2017, 6, 1), date(2017, 6, 1), None,
     "开发区建设的标准厂房面向符合园区产业定位的中小企业出租。\n\n"
     "一、租金标准按厂房所在区域和层次确定，首年可给予适当优惠。\n\n"
     "二、承租企业不得擅自转租、改变厂房用途。\n\n"
     "本办法为演示用示例文本。"),
    (Category.OTHER, "德州经济技术开发区企业培训券发放使用办法（示例）",
     "德州经济技术开发区社会事务局", "", date(2017, 7, 12), date(2017, 7, 12), None,
     "为提升园区企业职工技能水平，向企业发放培训券，用于职工参加技能培训。\n\n"
     "一、培训券面额分为500元、1000元两种，凭券在指定培训机构抵扣培训费用。\n\n"
     "本办法为演示用示例文本。"),
]  # fmt: skip


def load(out: TextIO) -> None:
    for order, (name, name_en, summary, summary_en, source) in enumerate(INDUSTRIES):
        FeaturedIndustry.objects.get_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "summary": summary,
                "summary_en": summary_en,
                "source": source,
                "order": order,
            },
        )
    department = Department.objects.get(code="investment")
    existing = set(Policy.objects.values_list("title", flat=True))
    made = 0
    for category, title, issuer, number, issued, start, until, body in POLICIES:
        if title in existing:
            continue
        policy = services.policy_create(
            actor=None,
            department=department,
            category=category,
            title=title,
            issuer=issuer,
            document_number=number,
            issued_on=issued,
            valid_from=start,
            valid_until=until,
            body=body,
            illustrative=True,
        )
        services.policy_publish(actor=None, policy=policy, version=policy.version)
        made += 1
    out.write(f"portal: {len(INDUSTRIES)} leading industries, {made} policies (illustrative)\n")
