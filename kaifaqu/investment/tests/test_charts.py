"""The investment charts of the dashboard, exactly, from the demo: the pipeline by stage with
its sums, and the key projects' investment completed against plan; scoped to the reader."""

from __future__ import annotations

from kaifaqu.investment import selectors
from kaifaqu.investment.charts import key_projects_chart, pipeline_chart
from kaifaqu.investment.dashboard import charts


def test_the_pipeline_chart_counts_and_sums_each_stage(seeded):
    spec = pipeline_chart(selectors.kanban_columns(selectors.project_list(seeded.leader)))
    assert spec is not None
    assert spec["title"]["text"] == "Investment pipeline by stage"
    assert spec["xAxis"]["data"] == [
        "Lead",
        "Negotiating",
        "Signed",
        "Started",
        "Under construction",
        "Operating",
        "Dropped",
    ]
    projects, contract = spec["series"]
    assert (projects["name"], projects["data"]) == ("Number of projects", [3, 2, 37, 17, 65, 9, 2])
    assert (contract["name"], contract["yAxisIndex"]) == (
        "Contract investment (100 million yuan)",
        1,
    )
    assert contract["data"] == [0.0, 12.8, 184.18, 19.66, 263.98, 21.95, 1.3]


def test_the_key_projects_chart_sets_completed_beside_plan(seeded):
    rows = selectors.key_project_progress(seeded.leader, 2017)
    spec = key_projects_chart(rows, 2017)
    assert spec is not None
    assert spec["title"]["text"] == "Key projects: completed against plan, 2017"
    assert spec["yAxis"]["data"][:2] == [
        "万达汽车零部件生产线项目 (80.0%)",
        "嘉科分布式光伏电站项目 (80.0%)",
    ]
    assert spec["yAxis"]["data"][4] == "明拓光伏组件生产线项目 (79.7%)"
    assert len(spec["yAxis"]["data"]) == 12
    plan, completed = spec["series"]
    assert plan["data"] == [4.2, 2.0, 5.5, 4.8, 1.58, 6.0, 3.5, 4.0, 2.5, 4.5, 3.5, 7.0]
    assert completed["data"] == [3.36, 1.6, 4.4, 3.84, 1.26, 4.8, 2.8, 3.2, 2.0, 3.6, 2.8, 5.6]


def test_no_project_no_chart(seeded):
    # 经济发展局 reads no project: no chart rather than an empty one.
    assert pipeline_chart(selectors.kanban_columns(selectors.project_list(seeded.economy))) is None
    assert key_projects_chart([], 2017) is None
    assert charts(seeded.economy) == []
    assert [c.key for c in charts(seeded.investment)] == ["pipeline", "key_projects"]
