from django.urls import path, register_converter

from . import page_routing, views

register_converter(page_routing.SubmissionPathConverter, "submission_page")

app_name = "portal"
urlpatterns = [
    path("my/", views.my_messages, name="my_messages"),
    path("my/<uuid:public_id>/", views.message, name="message"),
    path("my/<uuid:public_id>/registered/", views.confirmation, name="confirmation"),
    path(
        "my/<uuid:public_id>/clarification/",
        views.answer_clarification,
        name="answer_clarification",
    ),
    path("attachments/<uuid:public_id>/", views.attachment, name="attachment"),
    path("widget/pos-widget.js", views.widget_script, name="widget_script"),
    path("widget-demo/<slug:code>/", views.widget_demo, name="widget_demo"),
    # Last: a submission page's own path (Wagtail serves every other page, see
    # page_routing); named apart from "wagtail_serve", which pages' URLs reverse.
    path("<submission_page:path>", page_routing.serve, name="submission_page"),
]
