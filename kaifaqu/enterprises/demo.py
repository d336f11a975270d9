"""The demo's industry catalogue and who may see investors' contact details.

The catalogue holds the GB/T 4754-2017 entries the demo projects are filed under, with the
sections, divisions and groups above them (names as the standard writes them). Which
accounts may see contact details is illustrative: the 招商局 editors, who call investors.
"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from kaifaqu.core.models import User

from . import services
from .contacts import can_see_contacts
from .models import Industry

#: code, name (GB/T 4754-2017), in the order they must be added (each after its parent).
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
INDUSTRIES = [
    ("C", "制造业"),
    ("C13", "农副食品加工业"), ("C135", "屠宰及肉类加工"), ("C1353", "肉制品及副产品加工"),
    ("C27", "医药制造业"), ("C276", "生物药品制品制造"), ("C2761", "生物药品制造"),
    ("C30", "非金属矿物制品业"), ("C309", "石墨及其他非金属矿物制品制造"), ("C3091", "石墨及碳素制品制造"),
    ("C34", "通用设备制造业"), ("C346", "烘炉、风机、包装等设备制造"), ("C3463", "气体、液体分离及纯净设备制造"),
    ("C36", "汽车制造业"), ("C361", "汽车整车制造"), ("C3612", "新能源车整车制造"),
    ("C363", "改装汽车制造"), ("C3630", "改装汽车制造"),
    ("C367", "汽车零部件及配件制造"), ("C3670", "汽车零部件及配件制造"),
    ("C38", "电气机械和器材制造业"), ("C382", "输配电及控制设备制造"), ("C3825", "光伏设备及元器件制造"),
    ("C384", "电池制造"), ("C3841", "锂离子电池制造"),
    ("C39", "计算机、通信和其他电子设备制造业"), ("C398", "电子元件及电子专用材料制造"), ("C3985", "电子专用材料制造"),
    ("D", "电力、热力、燃气及水生产和供应业"),
    ("D44", "电力、热力生产和供应业"), ("D441", "电力生产"), ("D4416", "太阳能发电"),
    ("I", "信息传输、软件和信息技术服务业"),
    ("I64", "互联网和相关服务"), ("I645", "互联网数据服务"), ("I6450", "互联网数据服务"),
    ("I65", "软件和信息技术服务业"), ("I651", "软件开发"), ("I6513", "应用软件开发"),
    ("K", "房地产业"), ("K70", "房地产业"), ("K701", "房地产开发经营"), ("K7010", "房地产开发经营"),
    ("L", "租赁和商务服务业"), ("L72", "商务服务业"),
    ("L721", "组织管理服务"), ("L7211", "企业总部管理"), ("L7212", "投资与资产管理"),
    ("L722", "综合管理服务"), ("L7223", "市场管理服务"), ("L7224", "供应链管理服务"),
    ("L724", "咨询与调查"), ("L7243", "社会经济咨询"),
    ("L725", "广告业"), ("L7251", "互联网广告服务"),
    ("L728", "会议、展览及相关服务"), ("L7281", "科技会展服务"),
    ("M", "科学研究和技术服务业"),
    ("M73", "研究和试验发展"), ("M732", "工程和技术研究和试验发展"), ("M7320", "工程和技术研究和试验发展"),
    ("M75", "科技推广和应用服务业"), ("M751", "技术推广服务"), ("M7515", "新能源技术推广服务"),
    ("M753", "科技中介服务"), ("M7530", "科技中介服务"), ("M754", "创业空间服务"), ("M7540", "创业空间服务"),
]  # fmt: skip

#: Accounts that may see investors' contact details (illustrative: the 招商局 editors).
CONTACT_VIEWERS = ["investment", "twodept"]


@transaction.atomic
def load(stdout: TextIO) -> None:
    existing = set(Industry.objects.values_list("code", flat=True))
    for code, name in INDUSTRIES:
        if code not in existing:
            services.industry_create(actor=None, code=code, name=name)
    for user in User.objects.filter(username__in=CONTACT_VIEWERS):
        if not can_see_contacts(user):
            services.contact_permission_grant(actor=None, user=user)
