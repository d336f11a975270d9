import pytest
from django.urls import reverse

DETAIL = reverse("metrics:detail") + "?metric=trade&org=371471&period=2017-01/2017-08"


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("leader", 200),
        ("economy", 200),
        ("finance", 200),
        ("sysadmin", 403),
        ("auditadmin", 403),
        ("secadmin", 403),
    ],
)
def test_who_opens_a_figure_page(login, user, status):
    assert login(user).get(DETAIL).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, demo):
    response = client.get(DETAIL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


def test_the_figure_page_shows_the_formula_and_every_input_with_its_history(login):
    html = login("leader").get(DETAIL).content.decode()
    assert "外贸进出口总额34.4亿元，同比增长72.1%，占全市的21.2%，居全市首位" in html
    assert "据公报推算（21.8 / 1.72）" in html
    assert "系统（加载演示数据）" in html  # the demo's loader, in words


def test_the_list_shows_the_figures_of_the_chosen_metrics(login):
    url = (
        reverse("metrics:list")
        + "?org=371471&period=2017-01/2017-09&metrics=gdp&metrics=financing_direct"
    )
    html = login("leader").get(url).content.decode()
    assert "预计地区生产总值185亿元，同比增长8.0%，比去年同期提高0.6个百分点" in html
    assert "占年度任务的67%" in html
