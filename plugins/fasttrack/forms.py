"""Admin forms: the region field offers only the regions the user may edit."""

from wagtail.admin.forms import WagtailAdminModelForm

from .permissions import editable_regions


class RegionScopedForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "region" in self.fields:
            self.fields["region"].queryset = editable_regions(self.for_user)
