import pytest

from kaifaqu.reports.models import ReportType

ZONE, PERIOD = "371471", "2017-01/2017-09"


@pytest.fixture
def progress(demo):
    return ReportType.objects.get(code="progress")
