"""The URLconf of a benchmark run: the bare views, then every URL of the project.

`pos_benchmark` switches ROOT_URLCONF to this module for its requests only; the
project's own URLconf (`pos_site.urls`) never serves the bare views.
"""

from django.urls import path

from pos_site import urls as project_urls

from . import bare

PREFIX = "__bare__/"

urlpatterns = [
    path(f"{PREFIX}<slug:region>/submit/", bare.submit, name="bare_submit"),
    path(f"{PREFIX}queues/<slug:key>/", bare.queue_list, name="bare_queue"),
    path(f"{PREFIX}messages/<int:pk>/", bare.message, name="bare_message"),
    *project_urls.urlpatterns,
]
