"""The reports plugin's admin wiring (Wagtail hooks)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import urls as report_urls
from .duplicates_admin import register_duplicate_admin_urls
from .filters import may_see_reports
from .registry import REPORTS

hooks.register("register_admin_urls", register_duplicate_admin_urls)


# --- the "Reports" section ---------------------------------------------------------------


class ReportMenuItem(MenuItem):
    """Shown to the roles that read reports (curators, heads, superusers)."""

    def is_shown(self, request):
        return may_see_reports(request.user)


class ReportsMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return may_see_reports(request.user)


@hooks.register("register_admin_urls")
def register_report_admin_urls():
    return [path("reports/", include((report_urls.urlpatterns, "reports_admin")))]


@hooks.register("register_admin_menu_item")
def register_reports_menu():
    items = [ReportMenuItem(report.title, reverse("reports_admin:report", args=[report.key]),
                            name=report.key,
                            icon_name="table", order=index * 10)
             for index, report in enumerate(REPORTS, start=1)]
    return ReportsMenuItem(_("Reports"), Menu(items=items), name="reports", icon_name="table",
                           order=450)
