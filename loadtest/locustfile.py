"""The mixed profile of issue 16 (locust, headless; started by `loadtest.run`).

- `Citizen`: logs in through the OpenID Connect provider (every redirect of the
  authorisation code flow is a request of its own), then once per pacing period submits a
  message with a photo (one in five through the widget's form) and now and then reads
  "my messages". Every submission's text carries a unique marker; each attempt's outcome
  goes to a JSON-lines file that the checks match against the database.
- `Moderator`, `Coordinator`, `Executor`: staff who log in to the admin, open their queue,
  open a message and act on it through the message page's own forms (pass on or reject;
  assign the executor; answer). Losing a race to a colleague (409) is the expected answer.
- `WidgetVisitor`: an organisation's site loading the widget's script and its form.

Settings come from the environment (set by `loadtest.run`): LOADTEST_PLAN (the seed's
plan), LOADTEST_OUT (where the outcome files go), LOADTEST_RUN (the run's marker),
LOADTEST_IDP (the provider's URL), LOADTEST_CITIZEN_PASSWORD, LOADTEST_CITIZEN_PACING
(seconds between one citizen's submissions), LOADTEST_STAFF_PACING.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from locust import HttpUser, constant_pacing, events, task
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from loadtest.idp import citizen_username

PLAN = json.loads(Path(os.environ.get("LOADTEST_PLAN", "plan.json")).read_text())
OUT = Path(os.environ.get("LOADTEST_OUT", "."))
RUN = os.environ.get("LOADTEST_RUN", "run")
IDP = os.environ.get("LOADTEST_IDP", "http://127.0.0.1:8191")
CITIZEN_PASSWORD = os.environ.get("LOADTEST_CITIZEN_PASSWORD", "")
CITIZEN_PACING = float(os.environ.get("LOADTEST_CITIZEN_PACING", "75"))
STAFF_PACING = float(os.environ.get("LOADTEST_STAFF_PACING", "4"))
STAFF_PER_ROLE = int(os.environ.get("LOADTEST_STAFF_PER_ROLE", "2"))
WIDGET_VISITORS = int(os.environ.get("LOADTEST_WIDGET_VISITORS", "2"))
WIDGET_SHARE = 0.2
MY_MESSAGES_SHARE = 0.3

_identities = itertools.count()
_outcomes = None
_server_errors = None


def marker() -> str:
    return f"[loadtest {RUN} {uuid.uuid4().hex}]"


def photo_bytes() -> bytes:
    """A phone-like JPEG photo (1600×1200, noisy so it does not compress to nothing)."""
    from PIL import Image

    image = Image.effect_noise((1600, 1200), 40).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


PHOTO = photo_bytes()


def record(kind: str, **fields) -> None:
    global _outcomes
    if _outcomes is None:
        _outcomes = open(OUT / "submissions.jsonl", "a", encoding="utf-8")  # noqa: SIM115
    _outcomes.write(json.dumps({"kind": kind, "t": time.time(), **fields}) + "\n")
    _outcomes.flush()


@events.request.add_listener
def remember_server_errors(
    request_type,
    name,
    response_time,
    response_length,
    response=None,
    exception=None,
    **kwargs,
):
    """Every 5xx and every failed connection, with its time (the faults' windows)."""
    global _server_errors
    status = getattr(response, "status_code", 0) or 0
    if status < 500 and not (exception and status == 0):
        return
    if _server_errors is None:
        _server_errors = open(OUT / "server_errors.jsonl", "a", encoding="utf-8")  # noqa: SIM115
    _server_errors.write(
        json.dumps(
            {
                "t": time.time(),
                "name": f"{request_type} {name}",
                "status": status,
                "error": str(exception)[:200] if exception else "",
            }
        )
        + "\n"
    )
    _server_errors.flush()


def form_data(html: str, selector: str = "form") -> tuple[dict, str | None]:
    """The hidden and preset fields of the first form matching `selector`, and its action."""
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    if form is None:
        return {}, None
    data = {}
    for field in form.find_all("input"):
        name = field.get("name")
        if name and field.get("type") not in ("checkbox", "radio", "file", "submit"):
            data[name] = field.get("value", "")
    return data, form.get("action")


# A citizen's submissions are limited per account and per address (10 and 30 per
# 10 minutes by default): three citizens share an address, as a household would, and
# each address is one of loopback's (Linux routes all of 127.0.0.0/8 to lo).
CITIZENS_PER_ADDRESS = 3


def loopback_address(index: int) -> str:
    slot = index // CITIZENS_PER_ADDRESS
    return f"127.0.{1 + slot // 250}.{2 + slot % 250}"


# A GET on a kept-alive connection that the server closed as the request went out (a
# citizen idles about as long as nginx's keepalive_timeout between submissions) is sent
# once more on a new connection, as browsers do; nothing else is retried. Only nginx
# holds the client's connections, so this race is the only way one closes unanswered.
BROWSER_RETRY = Retry(total=1, connect=0, read=1, redirect=0, status=0, other=0,
                      allowed_methods=frozenset({"GET"}), raise_on_status=False)


class SourceAddressAdapter(HTTPAdapter):
    """Connections from one given local address."""

    def __init__(self, address: str, **kwargs):
        self.source_address = (address, 0)
        super().__init__(max_retries=BROWSER_RETRY, **kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = self.source_address
        super().init_poolmanager(*args, **kwargs)


class Citizen(HttpUser):
    # Every user that is not staff or a widget visitor (locust's `--users` minus those).
    weight = 1

    def wait_time(self):
        # One submission every CITIZEN_PACING seconds from the first (locust's
        # constant_pacing would send the second one at once after a long on_start).
        return max(0.0, CITIZEN_PACING - (time.monotonic() - self.round_started))

    def on_start(self):
        self.index = next(_identities)
        self.logged_in = False
        self.client.mount("http://", SourceAddressAdapter(loopback_address(self.index)))
        # Spread the first submissions over the pacing period, as citizens would.
        time.sleep(random.uniform(0, CITIZEN_PACING))
        self.log_in()

    def log_in(self):
        """The authorisation code flow, one named request per hop."""
        client = self.client
        answer = client.get(
            "/accounts/login/?next=/my/",
            allow_redirects=False,
            name="GET /accounts/login/",
        )
        authorize = answer.headers.get("Location", "")
        answer = client.get(authorize, allow_redirects=False, name="idp GET authorize")
        sign_in = urljoin(authorize, answer.headers.get("Location", ""))
        answer = client.get(sign_in, name="idp GET sign-in")
        data, _action = form_data(answer.text)
        data.update(username=citizen_username(self.index), password=CITIZEN_PASSWORD)
        answer = client.post(
            sign_in,
            data=data,
            allow_redirects=False,
            name="idp POST sign-in",
            headers={"Referer": sign_in},
        )
        again = urljoin(sign_in, answer.headers.get("Location", ""))
        answer = client.get(again, allow_redirects=False, name="idp GET authorize")
        callback = answer.headers.get("Location", "")
        with client.get(
            callback,
            allow_redirects=False,
            name="GET /accounts/callback/",
            catch_response=True,
        ) as answer:
            if answer.status_code == 302 and answer.headers.get("Location") == "/my/":
                self.logged_in = True
                answer.success()
            else:
                answer.failure(f"login refused: {answer.status_code}")

    @task
    def submit_and_follow(self):
        self.round_started = time.monotonic()
        if not self.logged_in:
            self.log_in()
            return
        if random.random() < WIDGET_SHARE:
            self.submit(PLAN["widget_url"], "widget")
        else:
            self.submit(PLAN["general_url"], "general")
        if random.random() < MY_MESSAGES_SHARE:
            self.client.get("/my/", name="GET /my/")

    def submit(self, url: str, label: str):
        answer = self.client.get(url, name=f"GET {label} form")
        data, _action = form_data(answer.text, "form:has(input[name=idempotency_key])")
        if "idempotency_key" not in data:
            return
        mark = marker()
        text = f"Яма на проезжей части у дома 5, глубина около 20 см. {mark}"
        data.update(
            category=PLAN["category"],
            subcategory=PLAN["subcategory"],
            territory=PLAN["territory"],
            address="ул. Ленина, 5",
            text=text,
            consent="on",
        )
        files = {"files": ("pothole.jpg", PHOTO, "image/jpeg")}
        with self.client.post(
            url,
            data=data,
            files=files,
            allow_redirects=False,
            name=f"POST {label} form",
            catch_response=True,
            headers={"Referer": urljoin(self.host, url)},
        ) as answer:
            location = answer.headers.get("Location", "")
            found = re.search(r"/([0-9a-f-]{36})/", location)
            if answer.status_code == 302 and found:
                record(
                    "submission",
                    marker=mark,
                    outcome="success",
                    public_id=found.group(1),
                    channel=label,
                )
                answer.success()
            else:
                record(
                    "submission",
                    marker=mark,
                    outcome=str(answer.status_code),
                    channel=label,
                )
                if answer.status_code == 429:
                    answer.failure("429: rate limited")
                elif answer.status_code < 500:
                    answer.failure(f"{answer.status_code}: not registered")


class Staff(HttpUser):
    abstract = True
    role = ""
    wait_time = constant_pacing(STAFF_PACING)

    def on_start(self):
        account = PLAN["staff"][self.role]
        self.queue = account["queue"]
        answer = self.client.get("/admin/login/", name="GET /admin/login/")
        data, _action = form_data(answer.text)
        data.update(username=self.role, password=account["password"])
        self.client.post(
            "/admin/login/",
            data=data,
            allow_redirects=False,
            name="POST /admin/login/",
            headers={"Referer": urljoin(self.host, "/admin/login/")},
        )

    @task
    def work_the_queue(self):
        answer = self.client.get(
            f"/admin/queues/{self.queue}/", name=f"GET queue {self.queue}"
        )
        messages = re.findall(r'href="(/admin/messages/\d+/)"', answer.text)
        if not messages:
            return
        page = random.choice(messages[:20])
        answer = self.client.get(page, name="GET message page")
        self.act(page, answer.text)

    def act(self, page: str, html: str):
        raise NotImplementedError

    def post_action(self, page: str, html: str, action: str, fields: dict):
        selector = f"form[data-action={action}]"
        data, target = form_data(html, selector)
        if not data:
            return  # someone else acted first: the page no longer offers it
        form = BeautifulSoup(html, "html.parser").select_one(selector)
        for name, value in fields.items():
            data[f"{action}-{name}"] = value(form) if callable(value) else value
        with self.client.post(
            urljoin(page, target or page),
            data=data,
            allow_redirects=False,
            name=f"POST {action}",
            catch_response=True,
            headers={"Referer": urljoin(self.host, page)},
        ) as answer:
            # 409: a colleague acted on the message since the page was read (expected).
            if answer.status_code in (302, 409):
                answer.success()
            else:
                answer.failure(f"{answer.status_code}: {page_error(answer.text)}")


def page_error(html: str) -> str:
    """The first error the page shows (why an action was refused), for the report."""
    found = BeautifulSoup(html or "", "html.parser").select_one(
        ".errorlist, [role=alert], .error-message, .help-critical"
    )
    return " ".join(found.get_text(" ").split())[:120] if found else ""


def first_option(form, name: str, label: str | None = None) -> str:
    select = form.find("select", attrs={"name": name})
    options = [option for option in select.find_all("option") if option.get("value")]
    for option in options:
        if label is None or label in option.text:
            return option["value"]
    return options[0]["value"] if options else ""


class Moderator(Staff):
    fixed_count = STAFF_PER_ROLE
    role = "moderator"

    def act(self, page, html):
        if random.random() < 0.85:
            self.post_action(page, html, "pass_on", {"note": "Принято (нагрузка)"})
        else:
            self.post_action(
                page,
                html,
                "reject",
                {
                    "reason": lambda form: first_option(form, "reject-reason"),
                    "reason_text": "Повтор (нагрузка)",
                },
            )


class Coordinator(Staff):
    fixed_count = STAFF_PER_ROLE
    role = "coordinator"

    def act(self, page, html):
        self.post_action(
            page,
            html,
            "assign_executor",
            {
                "executor": lambda form: first_option(
                    form, "assign_executor-executor", "Соколов"
                )
            },
        )


class Executor(Staff):
    fixed_count = STAFF_PER_ROLE
    role = "executor"

    def act(self, page, html):
        self.post_action(
            page,
            html,
            "submit_answer",
            {"text": "Яму заделаем в течение недели (нагрузка)."},
        )


class WidgetVisitor(HttpUser):
    """An organisation's page with the widget: its script, and the form it frames."""

    fixed_count = WIDGET_VISITORS
    wait_time = constant_pacing(2)

    @task
    def load_the_widget(self):
        self.client.get("/widget/pos-widget.js", name="GET widget script")
        self.client.get(PLAN["widget_url"], name="GET widget form (anonymous)")
