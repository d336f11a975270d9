"""The demo investment ledgers: every figure of the seed's section (二)-第二 counted from
records, entered through the services.

Sources:
- "seed": the projects the seed names (凯旺新能源 with 杭州锣卜科技 and with 杭州赫日,
  奥冠电池 with 青岛华高石墨烯 at 中元科技创新创业园, 黄河商品交易市场 with 首建投 at
  鑫星国际), the programmes it names, and the totals: 50 projects signed in 2017-01/2017-09
  with 192亿元 contracted, 35 started with 64.13亿元 total and 15.33亿元 received, 18
  continuing key projects with 15.19亿元 received, 40余 light-asset projects, 12 city-level
  key projects with 98.37亿元 total and 39.26亿元 completed (80% of their annual plans),
  16 安澜 talents with 382.4万元 of subsidies;
- "derived from the seed": 36 signed in 2016-01/2016-09 with 45亿元 (50 / 1.388 and
  192 / 4.27), 15.33亿元 received by 2016's new starts (与去年同期基本持平), 12.29亿元 received
  by 2016's continuing key projects (15.19 / 1.236), annual plans summing to 49.08亿元
  (39.26 / 0.80); 35 projects started in 2016-01/2016-09 with 63.5亿元 total investment
  (the seed's 与去年同期基本持平, read as covering all three figures of new starts);
- "illustrative": every other record (marked ``illustrative``), dates, amounts of single
  projects, names of illustrative enterprises (their credit codes use the division code
  371499, which no county has, so none can be a real enterprise's).
"""

from .loading import load

__all__ = ["load"]
