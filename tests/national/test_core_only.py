"""Without the reports plugin the roll-up shows what the core counts and says that
compliance needs the plugin."""

from cms.staff_admin.national import rollup
from tests.workflow.builders import message

from .builders import national_operator, small_region
from .test_rollup import period


def test_without_reports_compliance_is_left_out(client, demo, core_only):
    from cms.models import Status

    second = small_region(1)
    message(Status.IN_WORK, "n1-org", region=second)
    national = national_operator()
    rows = {row.region.pk: row for row in rollup(national, *period())}
    assert rows[second.pk].messages == 1
    assert all(row.compliance is None for row in rows.values())
    client.force_login(national)
    html = client.get("/admin/national/").content.decode()
    assert "data-without-reports" in html
