"""The demo's report template: the seed's progress report (shared/seed/000_*.txt).

The profile paragraph and section (二) are written sentence by sentence with a placeholder
for every number the product computes (figures from the engine, facts from the profile).
Sections (一), (三) and (四), the opening paragraph, and the sentences of (二) about events
that no ledger keeps yet (talent programmes above the zone, listings, grants, training
vouchers) are narrative blocks; the demo fills them with the seed's text (``SEED_BLOCKS``).
"""

from __future__ import annotations

import io

from .layout import official_document

#: A long title breaks into lines of even shape (the unit; the period and subject).
TITLE = "{{ org() }}\n{{ period() }}工作进展情况"

HONOURS = (
    "是全国文明单位、国家火炬计划新能源产业基地、生物高技术产业基地、太阳能光伏发电集中应用示范区、"
    "太阳能光热综合利用示范区、科技兴贸创新基地、知识产权产业化试点基地，中国太阳城、中国压滤机之都，"
    "山东省科学发展示范区、对外开放先进区、节能环保产业基地。"
)

PROFILE = (
    '{{ fact("founded_year") }}启动建设，'
    '{{ fact("national_level_year") }}晋升为国家级经济技术开发区。'
    '代管{{ units("town") }}和{{ units("subdistrict") }}，区域面积{{ fact("area_km2") }}，'
    '规划区{{ fact("planned_area_km2") }}，建成区{{ fact("built_up_area_km2") }}。'
    '城乡居民{{ fact("households") }}、{{ fact("registered_population") }}，'
    '其中农业人口{{ fact("agricultural_population") }}，'
    '非农业人口{{ fact("non_agricultural_population") }}，'
    '常住人口{{ fact("resident_population", "wan") }}。' + HONOURS
)

SECTION_2_LEAD = (
    "在世界经济复苏缓慢、国内经济下行压力持续加大的严峻形势下，产业发展稳中有进、稳中向好，"
    "经济回暖迹象明显，质量进一步改善。"
)

SECTION_2_FIRST = (
    "第一，实力不断增强，结构持续优化。"
    '{{ period() }}，{{ f("gdp", "est") }}实现地区生产总值{{ f("gdp", "value") }}，'
    '同比{{ f("gdp", "growth") }}，比去年同期{{ f("gdp", "pp") }}；'
    '{{ period(lag=1) }}，{{ f("gdp", "est", lag=1) }}三次产业比例调整为'
    '{{ f("gdp", "structure", lag=1) }}，'
    '三产占比同比{{ f("gdp", "part_share_pp", lag=1, part="va_tertiary") }}；'
    '高新技术产业产值比重达到{{ f("hightech_share", "value", lag=1) }}，'
    '同比{{ f("hightech_share", "pp", lag=1) }}；'
    '实现外贸进出口总额{{ f("trade", "value", lag=1) }}，同比{{ f("trade", "growth", lag=1) }}，'
    '其中出口{{ f("exports", "value", lag=1) }}、{{ f("exports", "growth", lag=1) }}，'
    '进口{{ f("imports", "value", lag=1) }}、{{ f("imports", "growth", lag=1) }}，'
    '进出口总额、出口额、进口额均{{ f("trade", "rank", lag=1, with_parts=True) }}，'
    '分别占全市的{{ f("trade", "share_pct", lag=1) }}、{{ f("exports", "share_pct", lag=1) }}、'
    '{{ f("imports", "share_pct", lag=1) }}。'
)

CHART = '{{ chart("gdp", "structure", lag=1) }}'

SECTION_2_SECOND = (
    "第二，“双招双引”成效显著。"
    '{{ period() }}，新签约项目{{ f("projects_signed", "value") }}，'
    '同比{{ f("projects_signed", "growth") }}，'
    '合同投资额{{ f("contract_investment_signed", "value") }}，'
    '{{ f("contract_investment_signed", "growth", decimals=0) }}；'
    '新开工项目{{ f("projects_started", "value") }}，'
    '总投资{{ f("total_investment_started", "value") }}，'
    '到位资金{{ f("funds_received_started", "value") }}，'
    '与去年同期{{ f("funds_received_started", "growth") }}；'
    '重点续建项目{{ f("key_projects_continuing", "value") }}，'
    '到位资金{{ f("funds_received_continuing", "value") }}，'
    '同比{{ f("funds_received_continuing", "growth") }}。'
    "楼宇经济、利用区内闲置资源招商成果显著，"
    '新引进{{ f("light_asset_projects", "value") }}轻资产项目。'
    '总投资{{ f("key_projects_total_investment", "value") }}的'
    '{{ f("key_projects_city", "value") }}市级重点项目完成投资'
    '{{ f("key_projects_completed_investment", "value") }}，'
    '{{ f("key_projects_completed_investment", "progress", target="年度投资计划") }}。'
    '评选首批{{ f("talents_selected", "value") }}安澜产业领军人才，'
    '发放补助资助资金{{ f("talent_subsidies", "value") }}；{{ block("talent_news") }}'
)

SECTION_2_THIRD = (
    "第三，“双改双合”加快推进。"
    '{{ period(lag=1) }}，{{ f("industrial_va", "est", lag=1) }}实现工业增加值'
    '{{ f("industrial_va", "value", lag=1) }}，同比{{ f("industrial_va", "growth", lag=1) }}，'
    '{{ f("industrial_va", "growth_rank", lag=1) }}。'
    '{{ period(short=True) }}，企业{{ f("financing_indirect", "est") }}新增间接融资'
    '{{ f("financing_indirect", "value") }}，{{ f("financing_indirect", "progress") }}，'
    '新增直接融资{{ f("financing_direct", "value") }}，{{ f("financing_direct", "progress") }}。'
    '{{ block("capital_market") }}'
    '争取转移支付资金{{ f("transfer_payments", "value") }}，'
    '其中一般性转移支付{{ f("transfer_general", "value") }}，'
    '专项转移支付{{ f("transfer_special", "value") }}；{{ block("grant_project") }}'
    '争取无偿资金{{ f("grant_funds", "value") }}。{{ block("enterprise_cooperation") }}'
    '为{{ f("training_voucher_firms", "value") }}企业'
    '发放{{ f("training_vouchers", "value") }}培训券，'
    '举办企业家大讲堂{{ f("entrepreneur_lectures", "value") }}，'
    '组织区内{{ f("study_tour_firms", "value") }}企业主要负责人{{ block("study_tour") }}'
    '{{ period(lag=1) }}，纳税过千万元企业达到{{ f("taxpayers_over_10m", "value", lag=1) }}，'
    '比去年同期{{ f("taxpayers_over_10m", "change", lag=1) }}，'
    '其中过亿元{{ f("taxpayers_over_100m", "value", lag=1) }}、'
    '过3亿元{{ f("taxpayers_over_300m", "value", lag=1) }}，'
    '与去年{{ f("taxpayers_over_100m", "change", lag=1) }}，'
    '过500万元{{ f("taxpayers_over_5m", "value", lag=1) }}，'
    '比去年{{ f("taxpayers_over_5m", "change", lag=1) }}，'
    '过100万元{{ f("taxpayers_over_1m", "value", lag=1) }}，'
    '比去年{{ f("taxpayers_over_1m", "change", lag=1) }}。'
    "全区中小企业在迅速成长发力，符合新旧动能转换特点，我区将深入推进诚信法制建设、"
    "努力打造“让企业最具发展活力区域”。"
)

#: (style, text) in document order.
PARAGRAPHS = [
    ("Title", TITLE),
    ("Heading 1", "一、基本情况"),
    ("Normal", PROFILE),
    ("Heading 1", "二、主要工作进展"),
    ("Normal", '{{ block("opening") }}'),
    ("Heading 2", "（一）协同发展体制机制日趋成熟。"),
    ("Normal", '{{ block("coordination") }}'),
    ("Heading 2", "（二）经济发展提速提效。"),
    ("Normal", SECTION_2_LEAD),
    ("Normal", SECTION_2_FIRST),
    ("Normal", CHART),
    ("Normal", SECTION_2_SECOND),
    ("Normal", SECTION_2_THIRD),
    ("Heading 2", "（三）民生事业持续改善。"),
    ("Normal", '{{ block("livelihood") }}'),
    ("Heading 2", "（四）党建工作成效显著。"),
    ("Normal", '{{ block("party_building") }}'),
]


def build() -> bytes:
    """The template as a .docx, each paragraph's text in one run (so no placeholder is split)."""
    document = official_document()
    for style, text in PARAGRAPHS:
        paragraph = document.add_paragraph(style=style)
        for i, line in enumerate(text.split("\n")):
            run = paragraph.add_run(line)
            if i < text.count("\n"):
                run.add_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


#: The seed's text of the narrative blocks, for the demo's period (full-width punctuation).
SEED_BLOCKS = {
    "opening": (
        "2017年以来，各级各部门认真贯彻落实习近平总书记的系列重要讲话精神和治国理政新思想新战略新理念，"
        "围绕党工委、管委会决策部署和“当好协同发展排头兵、建好德州发展示范区”目标，全力推动“三次创业”，"
        "经济社会呈现健康较快发展的良好态势。突出体现了“稳中求进”的特点。"
    ),
    "coordination": (
        "自觉强化“四个意识”特别是核心意识、看齐意识，深入贯彻党的十八大、十八届五中、六中全会和"
        "习近平总书记系列讲话精神，坚决落实市委、市政府推动协同发展战略部署，深刻把握开发区实际，"
        "确立了“当好平台争先进、抓好协同谋发展、立好规矩强作风”的工作主线和实现“五个协同”的整体布局，"
        "组织架构、人员摆布、督导考核等全部围绕协同发展这一核心任务谋划推进，集聚整合技术、资金、项目、"
        "人才、理念、模式等各种要素，建立起与协同发展相适应的体制机制。通过体制机制内生形成的引领约束和"
        "党工委积极影响带动，全区广大干部群众弘扬坚韧务实、乐观向上的开发区精神，将“三做四要五不”的理念"
        "内化于心、外化于行，讲政治、顾大局，思想统一、步调一致，主动合作、改革创新，形成强大发展合力，"
        "办成了一批硬事、难事，各项工作取得新的突破。今年以来的实践证明，协同发展已成为全区上下的高度共识"
        "和自觉行动，为开发区“三次创业”注入了强大动力，必须进一步强化这个战略思维。"
    ),
    "talent_news": (
        "1人进入泰山产业领军人才考察范围，2人入选西部经济隆起带和省扶贫开发重点区域引进人才项目，"
        "1人入选齐鲁首席技师，今年6月份又被评为山东省人才工作先进单位。"
    ),
    "capital_market": (
        "德建建科成为全市2017年首家新三板挂牌企业，景津环保正在排队上市，扒鸡公司计划11月报省证监局辅导。"
    ),
    "grant_project": "成功申报全市唯一一个省级装备制造业产业集群转型升级示范扶持项目，",
    "enterprise_cooperation": (
        "凯旺新能源与杭州锣卜科技合作的中国邮政专用车下线，与杭州赫日公司合作的纯电动汽车增程器项目"
        "已签订协议；奥冠电池与青岛华高石墨烯导电剂项目落户中元科技创新创业园，已完成厂房装修；"
        "黄河商品交易市场与首建投合作项目落户鑫星国际、完成股改，正在进行法人变更。"
    ),
    "study_tour": "赴杭州经济技术开发区考察学习。",
    "livelihood": (
        "列入全市城建计划项目45个，已开工34个，开工率94.4%（不包括市直部门建设、开发区负责征收拆迁的"
        "9个项目），完成投资57.94亿元，占年度投资计划的74.3%；7个区级城建项目全部开工建设。"
        "积极推进全面改薄、解决大班额11所学校建设，目前5所已建成投用，杨庄小学正在加紧建设，"
        "剩余5所10月底前开工，年底前全部竣工。棚改工作加快推进，5个2015年棚改项目主体陆续封顶，"
        "明年6月全面竣工；2016年棚改项目东七社区二期正在主体施工，明年底全面竣工；小刘社区二期、"
        "曹村社区二期等2个2017年棚改项目进场施工，获批上级补助资金20575万元；耿庄社区二期项目已列入"
        "省2018年棚改计划；前三季度，棚改项目完成建设面积80万平、产值9.2亿元，分别是去年全年的1.6倍、"
        "1.84倍。加快推进海绵城市建设，年度任务2400亩，沙王河水生态系统及水环境综合治理等12项工程加紧"
        "实施，开工建设面积2706亩，建成面积365.7亩，开工率113%。3个老旧小区改造项目已完成总工程量的"
        "50%。50户危房改造工程全部开工，30户已竣工，竣工率60%。加快推动“气代煤、电代煤”工作，"
        "已铺设燃气主管网7.3公里。创建全国文明城市省级暗访结果已经反馈至我市，开发区成绩优异。"
    ),
    "party_building": (
        "管党治党责任进一步落实，工作成效持续提升。基层基础进一步夯实，实现了有经费、有人员、有制度、"
        "有活动、有场所、有载体“六有”。创新成效进一步显现，在工作思路上，率先推动网格化管理，大力开展"
        "党建巡查，在全市创出亮点；在工作内容上，变管理为服务，引入便民服务代办、“四点半”学校、"
        "义工服务等服务，群众满意度不断提升；在工作手段上，宋官屯街道的智慧社区综合管理服务平台、"
        "袁桥社区的购买深圳东西方社工服务等，充分体现了现代社区管理方向。干事创业氛围日益浓厚，"
        "加强党员教育管理，通过大力开展“两学一做”、“学先进、比贡献、争一流”、党员活动日等系列活动，"
        "形成了人心思上的良好氛围。"
    ),
}
