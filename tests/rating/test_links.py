"""Signed rating links: five per answer, absolute on the region's site, and every way a
token can be wrong (altered, signed for another purpose, expired by the region's rule,
pointed at another message, answer or citizen)."""

import time
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import reverse

from plugins.rating import links
from plugins.rating.models import RatingSettings
from tests.rating.answered import answered
from tests.workflow.builders import citizen


def token_of(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def signed(payload, salt=links.SALT, key=None, age_days=0) -> str:
    signer = signing.TimestampSigner(key=key, salt=salt)
    if age_days:
        stamp = signing.b62_encode(int(time.time() - age_days * 86400))
        # sign_object's layout: the object, then the timestamp, then the signature.
        value = signing.b64_encode(
            signing.JSONSerializer().dumps(payload)).decode() + signer.sep + stamp
        return value + signer.sep + signer.signature(value)
    return signer.sign_object(payload)


def payload_of(answer) -> dict:
    return {"m": answer.appeal_id, "a": answer.pk, "c": answer.appeal.citizen_id}


def test_five_absolute_links_one_per_score(demo):
    answer = answered()
    made = links.score_links(answer)
    assert [link["score"] for link in made] == [1, 2, 3, 4, 5]
    root = demo.site.root_url.rstrip("/") if demo.site else "http://127.0.0.1:8000"
    for link in made:
        assert link["url"].startswith(root + "/rating/")
        assert link["url"].endswith(f"?score={link['score']}")
    assert len({token_of(link["url"]) for link in made}) == 1
    read = links.read_token(token_of(made[0]["url"]))
    assert (read.appeal.pk, read.answer.pk) == (answer.appeal_id, answer.pk)


def test_an_altered_token_is_refused(demo):
    answer = answered()
    token = links.make_token(answer)
    _body, stamp, signature = token.rsplit(":", 2)
    other = payload_of(answer) | {"a": answer.pk + 1}
    forged_body = signing.b64_encode(signing.JSONSerializer().dumps(other)).decode()
    for bad in (f"{forged_body}:{stamp}:{signature}", token[:-1] + ("A" if token[-1] != "A"
                                                                        else "B"),
                token[: len(token) // 2], "not-a-token"):
        with pytest.raises(links.AlteredLink):
            links.read_token(bad)


def test_a_token_signed_for_another_purpose_or_key_is_refused(demo):
    answer = answered()
    with pytest.raises(links.AlteredLink):
        links.read_token(signed(payload_of(answer), salt="pos.other.purpose"))
    with pytest.raises(links.AlteredLink):
        links.read_token(signed(payload_of(answer), key="someone-elses-secret-key-0123456789"))
    # The same payload, signed as the plugin signs it, reads.
    assert links.read_token(signed(payload_of(answer))).answer.pk == answer.pk


@pytest.mark.parametrize("lifetime, age, valid", [(30, 29, True), (30, 31, False),
                                                   (3, 2, True), (1, 2, False)])
def test_a_token_expires_after_the_regions_lifetime(demo, lifetime, age, valid):
    RatingSettings.objects.update_or_create(region=demo,
                                            defaults={"link_lifetime_days": lifetime})
    answer = answered()
    token = signed(payload_of(answer), age_days=age)
    if valid:
        assert links.read_token(token).answer.pk == answer.pk
    else:
        with pytest.raises(links.ExpiredLink) as refused:
            links.read_token(token)
        assert refused.value.appeal.pk == answer.appeal_id


def test_a_token_pointed_elsewhere_is_foreign(demo):
    answer = answered()
    other = answered(author=citizen("citizen-2", "two@example.org"))
    for payload in (
        payload_of(answer) | {"m": other.appeal_id},      # another message
        payload_of(answer) | {"a": other.pk},             # another message's answer
        payload_of(answer) | {"c": other.appeal.citizen_id},  # another citizen
        payload_of(answer) | {"a": 10**9},                # no such answer
    ):
        with pytest.raises(links.ForeignLink):
            links.read_token(signed(payload))


def test_an_unpublished_answer_has_no_link(demo):
    answer = answered()
    type(answer).objects.filter(pk=answer.pk).update(is_published=False)
    with pytest.raises(links.ForeignLink):
        links.read_token(links.make_token(answer))


def test_the_page_path_is_under_rating(demo):
    assert links.page_path("abc", 3) == reverse("rating:page", args=["abc"]) + "?score=3"
    assert links.page_path("abc") == "/rating/abc/"
