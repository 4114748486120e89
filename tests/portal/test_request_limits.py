"""An oversized request is refused unread, and page editors cannot ask for more."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms.models import Appeal
from cms.submission.request_limits import RequestBodyLimitMiddleware, max_request_body
from cms.workflow.files import MAX_ANSWER_FILE_SIZE, MAX_ANSWER_FILES
from tests import factories

from .conftest import png_bytes, upload, valid_post


def test_a_body_announced_larger_than_the_cap_is_refused_before_it_is_read(
    general, citizen_client
):
    # The header alone decides: the body is never parsed (it is not even this long).
    response = citizen_client.post(
        general.url,
        data=b"x",
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(max_request_body() + 1),
    )
    assert response.status_code == 413
    text = response.content.decode()
    assert "Файлы слишком большие" in text
    assert "100,0\xa0МБ" in text or "100.0\xa0МБ" in text
    assert response["Connection"] == "close"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert not Appeal.objects.exists()


def test_the_middleware_does_not_touch_the_body():
    class Untouchable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    request = RequestFactory().post("/anything/")
    request.META["CONTENT_LENGTH"] = str(max_request_body() + 1)
    request._stream = Untouchable()
    response = RequestBodyLimitMiddleware(lambda r: r.POST)(request)
    assert response.status_code == 413


def test_a_real_oversized_upload_is_refused_and_a_small_one_goes_through(
    general, citizen_client, settings
):
    settings.POS_MAX_FILES_TOTAL_MB = 1
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    big = upload("big.pdf", b"%PDF-1.4\n" + b"0" * (2 * 2**20))
    assert citizen_client.post(general.url, valid_post(files=[big])).status_code == 413
    assert not Appeal.objects.exists()

    small = upload("small.png", png_bytes(), "image/png")
    assert citizen_client.post(general.url, valid_post(files=[small])).status_code == 302


def test_answers_fit_under_the_cap(settings):
    assert MAX_ANSWER_FILES * MAX_ANSWER_FILE_SIZE <= settings.POS_MAX_FILES_TOTAL_MB * 2**20


def edit_post(page, **changes) -> dict:
    """The page editor's form as Wagtail's admin posts it, with `changes`."""
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": rich_text(""),
            "consent_text": rich_text("<p>Согласен на обработку данных</p>"),
            "file_types": list(page.file_types),
            "max_files": page.max_files,
            "max_file_size_mb": page.max_file_size_mb,
            "extra_fields": inline_formset([]),
        }
    )
    data["action-publish"] = "action-publish"
    return data | {key: str(value) for key, value in changes.items()}


@pytest.mark.parametrize(
    "files, size, allowed", [(20, 50, False), (10, 11, False), (10, 10, True)]
)
def test_page_editors_cannot_allow_more_than_one_request_carries(
    general, client, files, size, allowed
):
    admin = factories.user("boss", email="boss@example.org", is_superuser=True)
    client.force_login(admin)
    response = client.post(
        f"/admin/pages/{general.pk}/edit/",
        edit_post(general, max_files=files, max_file_size_mb=size),
    )
    general.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert (general.max_files, general.max_file_size_mb) == (files, size)
    else:
        assert response.status_code == 200
        assert "вместе могут занимать до 100 МБ" in response.content.decode()
        assert (general.max_files, general.max_file_size_mb) == (5, 10)
