"""The writing clients of bench/fault_run.py, people who use the staff pages through their forms,
their accounts and data, and the check afterwards that every write they saw acknowledged is in the
database exactly once.

- a reporter of a unit submits status reports (report form, then "Ja, zur Prüfung einreichen");
- the Büro (password and authenticator code) publishes submitted reports on its review pages;
- the Büro imports a spreadsheet in the admin: upload, preview (background task), confirm
  (background task), until the page says "Import abgeschlossen".

Every request is logged with its start and end (``time.monotonic``, the same clock in every
process) and its status (0: no answer). When a write gets no answer, the client does what a
person does: it looks whether the write is there, and does it again only if it is not.
"""

import csv
import html
import http.client
import io
import re
import secrets
import threading
import time
import uuid
from collections import Counter
from datetime import date
from http.cookies import SimpleCookie
from urllib.parse import urlencode

MARKER = "Störungslauf"


# --- the people ----------------------------------------------------------------------------------


def prepare_data(import_rows: int) -> dict:
    """The demo concepts, a reporter of the unit that leads most demo measures, two Büro accounts."""
    from django.contrib.auth.models import Group
    from django.db.models import Count, Q
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import roles
    from accounts.models import Membership, User
    from measures.choices import Role
    from measures.demo import generate_demo
    from measures.models import Measure, ResponsibleUnit

    demo = generate_demo(measures=50, slug="demo")
    target = generate_demo(measures=import_rows, slug="stoerungslauf")
    accounts = {}
    for key, username, group in (
        ("reporter", "stoerung-meldung", roles.REPORTING),
        ("buero", "stoerung-pruefung", roles.BUERO),
        ("importer", "stoerung-import", roles.BUERO),
    ):
        password = secrets.token_urlsafe(16)
        user, _created = User.objects.get_or_create(username=username)
        user.is_staff = group == roles.BUERO
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=group)])
        accounts[key] = {"username": username, "password": password, "totp": secrets.token_hex(20)}
        if group == roles.BUERO:  # the Büro logs in with its authenticator app
            TOTPDevice.objects.update_or_create(
                user=user, name="Störungslauf", defaults={"key": accounts[key]["totp"], "confirmed": True}
            )
    reporter = User.objects.get(username="stoerung-meldung")
    lead = Q(responsibilities__role=Role.LEAD, responsibilities__measure__concept=demo)
    unit = ResponsibleUnit.objects.annotate(led=Count("responsibilities", filter=lead)).order_by("-led").first()
    Membership.objects.filter(user=reporter).delete()
    Membership.objects.create(user=reporter, unit=unit)
    measure_ids = list(Measure.objects.filter(concept=demo).editable_by(reporter).values_list("pk", flat=True))
    rows = [(m.code, m.title, m.field_of_action.number) for m in target.measures.select_related("field_of_action")]
    return {"accounts": accounts, "measure_ids": measure_ids, "import_concept": target.pk, "import_rows": rows}


# --- their browser ----------------------------------------------------------------------------------


class Session:
    """One browser: cookies, CSRF token, and a log of every request with its timing."""

    def __init__(self, port: int, log: list, who: str):
        self.port, self.log, self.who = port, log, who
        self.cookies: dict[str, str] = {}
        self.body, self.location = "", ""

    def request(self, method, path, data=None, files=None) -> int:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
            if files:
                body, headers["Content-Type"] = _multipart(fields, files)
            else:
                body = urlencode(fields, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            self.body = response.read().decode(errors="replace")
            connection.close()
            status, self.location = response.status, response.headers.get("Location", "")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        except (OSError, http.client.HTTPException) as error:
            status, self.body, self.location = 0, type(error).__name__, ""
        self.log.append((self.who, method, path.split("?")[0], status, started, time.monotonic()))
        return status

    def hidden_fields(self) -> dict[str, str]:
        return {
            html.unescape(name): html.unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', self.body)
            if name != "csrfmiddlewaretoken"
        }

    def log_in(self, username, password, totp_key=None, next_url="/admin/") -> bool:
        self.request("GET", "/anmelden/")
        status = self.request("POST", "/anmelden/", {"username": username, "password": password, "next": next_url})
        if status == 302 and self.location.startswith("/anmelden/bestaetigen/") and totp_key:
            from django_otp.oath import TOTP

            code = f"{TOTP(bytes.fromhex(totp_key)).token():06d}"
            status = self.request("POST", "/anmelden/bestaetigen/", {"code": code, "next": next_url})
        return status == 302 and "sessionid" in self.cookies


def _multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (file_name, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _until(deadline, attempt, pause=0.5):
    """Call ``attempt`` until it returns something other than None, or the deadline passes."""
    while time.monotonic() < deadline:
        result = attempt()
        if result is not None:
            return result
        time.sleep(pause)
    return None


# --- the reporter ------------------------------------------------------------------------------------


def reporter(port, account, measure_ids, deadline, log, outcome):
    """Submit one report after the other; ``outcome["reports"]``: (text, measure, how it ended)."""
    session = Session(port, log, "reporter")
    if not _until(
        deadline,
        lambda: session.log_in(account["username"], account["password"], next_url="/meine-massnahmen/") or None,
    ):
        return
    number = 0
    while time.monotonic() < deadline:
        number += 1
        measure_id = measure_ids[number % len(measure_ids)]
        text = f"{MARKER}: Meldung {number}"
        outcome["reports"].append((text, measure_id, _submit(session, measure_id, text, deadline)))


def _submit(session, measure_id, text, deadline) -> str:
    form_url = f"/meine-massnahmen/{measure_id}/meldung/"
    fields = {
        "reporting_date": date.today().isoformat(),
        "status": "in_umsetzung",
        "ampel": "im_plan",
        "progress": "50",
        "public_text": text,
        "internal_note": "",
    }
    for _attempt in range(5):
        if time.monotonic() > deadline + 30:
            break
        if session.request("GET", form_url) != 200:
            continue
        if session.request("POST", form_url, {**fields, "action": "submit"}) != 200:
            continue
        # The confirmation page carries the entries; "Ja, zur Prüfung einreichen" sends them.
        status = session.request("POST", form_url, {**session.hidden_fields(), "action": "submit"})
        if status == 302:
            return "acknowledged"
        # No answer: did it arrive? A person looks at the measure's page before trying again.
        seen = _until(deadline + 30, lambda: session.request("GET", f"/meine-massnahmen/{measure_id}/") == 200 or None)
        if seen and text in session.body:
            return "there after a failed answer"
    return "given up"


# --- the Büro's review ----------------------------------------------------------------------------


def reviewer(port, account, deadline, log, outcome):
    """Publish every submitted report in the queue; ``outcome["publications"]``: (id, how it ended)."""
    session = Session(port, log, "buero")
    if not _until(deadline, lambda: session.log_in(account["username"], account["password"], account["totp"]) or None):
        return
    while time.monotonic() < deadline:
        if session.request("GET", "/pruefung/") != 200:
            time.sleep(0.2)
            continue
        waiting = [int(pk) for pk in dict.fromkeys(re.findall(r'href="/pruefung/(\d+)/"', session.body))]
        if not waiting:
            time.sleep(0.3)
        for update_id in waiting[:5]:
            outcome["publications"].append((update_id, _publish(session, update_id, deadline)))


def _publish(session, update_id, deadline) -> str:
    url = f"/pruefung/{update_id}/"
    for _attempt in range(5):
        if time.monotonic() > deadline + 30:
            break
        if session.request("GET", url) != 200:
            continue
        if 'value="publish"' not in session.body:  # published by an earlier attempt whose answer was lost
            return "there after a failed answer"
        version = re.search(r'name="version" value="([^"]*)"', session.body)
        status = session.request("POST", url, {"action": "publish", "return_comment": "", "version": version[1]})
        if status == 302:
            return "acknowledged"
    return "given up"


# --- the Büro's import ----------------------------------------------------------------------------


def importer(port, account, concept_id, rows, deadline, log, outcome):
    """Import one file after the other, each round a new text for every row's status.

    ``outcome["imports"]``: (round, job id, how it ended, confirms sent). A failed job (a terminated
    connection inside the import) is uploaded again, as a person would.
    """
    session = Session(port, log, "import")
    if not _until(deadline, lambda: session.log_in(account["username"], account["password"], account["totp"]) or None):
        return
    number = 0
    while time.monotonic() < deadline:
        number += 1
        content = import_file(rows, number)
        for _attempt in range(3):
            job_id, result, confirms = _import_once(session, concept_id, content, number, deadline)
            outcome["imports"].append((number, job_id, result, confirms))
            if result == "acknowledged" or time.monotonic() > deadline:
                break


def import_file(rows, number) -> bytes:
    today = date.today().strftime("%d.%m.%Y")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Nr.", "Titel", "Handlungsfeld", "Umsetzungsstand", "Begründung des Stands", "Stand vom"])
    writer.writerows(
        [code, title, field, "in Umsetzung", import_text(number, code), today] for code, title, field in rows
    )
    return buffer.getvalue().encode("utf-8-sig")


def import_text(number, code) -> str:
    return f"{MARKER}: Import {number}, Maßnahme {code}"


def _import_once(session, concept_id, content, number, deadline):
    upload = "/admin/measures/measure/import/"
    if session.request("GET", upload) != 200:
        return None, "upload page failed", 0
    files = {"file": (f"stoerungslauf-{number}.csv", content)}
    if session.request("POST", upload, {"concept": str(concept_id)}, files) != 302:
        return None, "upload failed", 0
    job_url = session.location
    job_id = job_url.rstrip("/").rsplit("/", 1)[-1]
    late = deadline + 60  # an import under way is followed to its end

    def preview_state():
        status = session.request("GET", job_url)
        if status != 200 or 'id="import-running"' in session.body:
            return None
        return "previewed" if "/bestaetigen/" in session.body else "refused"

    if _until(late, preview_state) != "previewed":
        return job_id, "preview failed", 0

    def import_state():
        status = session.request("GET", job_url)
        if status == 302 and "/importrecord/" in session.location:
            return "acknowledged"
        if status != 200 or 'id="import-running"' in session.body:
            return None
        if "/bestaetigen/" in session.body:  # the import did not run to its end and may be confirmed again
            return "confirm again"
        message = re.search(r'class="errornote" role="alert">([^<]*)<', session.body)
        return f"failed: {message[1].strip() if message else '?'}"

    result, confirms = "no end seen", 0
    while confirms < 3:
        confirms += 1
        # A confirm without an answer is sent again; the job is claimed once, whatever comes twice.
        if _until(late, lambda: session.request("POST", f"{job_url}bestaetigen/", {}) == 302 or None) is None:
            return job_id, "confirm failed", confirms
        result = _until(late, import_state) or "no end seen"
        if result != "confirm again":
            break
    return job_id, result, confirms


def run_writers(port, accounts, measure_ids, import_concept_id, import_rows, deadline, results):
    """The three people at once, each in a thread of this process; the outcome goes to ``results``."""
    log, outcome = [], {"reports": [], "publications": [], "imports": []}
    threads = [
        threading.Thread(target=reporter, args=(port, accounts["reporter"], measure_ids, deadline, log, outcome)),
        threading.Thread(target=reviewer, args=(port, accounts["buero"], deadline, log, outcome)),
        threading.Thread(
            target=importer, args=(port, accounts["importer"], import_concept_id, import_rows, deadline, log, outcome)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put({"log": log, **outcome})


# --- the check afterwards ---------------------------------------------------------------------------


def verify_writes(outcome, faults_started) -> dict:
    """What the database says about every write the clients attempted."""
    from django.db.models import Count

    from measures.choices import UpdateState
    from measures.models import ImportJob, ImportRecord, StatusUpdate

    problems = []
    counts = dict(
        StatusUpdate.objects.filter(public_text__startswith=MARKER)
        .values("public_text")
        .annotate(n=Count("pk"))
        .values_list("public_text", "n")
    )
    problems += [f"doppelt: {text!r} × {n}" for text, n in counts.items() if n > 1]
    reports = Counter(how for _text, _measure, how in outcome["reports"])
    for text, _measure, how in outcome["reports"]:
        if how != "given up" and counts.get(text, 0) != 1:
            problems.append(f"Meldung {text!r} ({how}): {counts.get(text, 0)}× gespeichert")
    publications = Counter(how for _id, how in outcome["publications"])
    stored = StatusUpdate.objects.in_bulk([pk for pk, how in outcome["publications"] if how != "given up"])
    for pk, how in outcome["publications"]:
        if how == "given up":
            continue
        history = list(StatusUpdate.history.filter(id=pk).order_by("history_date").values_list("state", flat=True))
        turns = sum(1 for a, b in zip([None, *history], history, strict=False) if b == UpdateState.PUBLISHED != a)
        if pk not in stored or stored[pk].state != UpdateState.PUBLISHED or turns != 1:
            problems.append(f"Veröffentlichung {pk} ({how}): {turns}× veröffentlicht")
    imports = Counter()
    rounds = {number for number, _job, _how, _confirms in outcome["imports"]}
    done_rounds = {number for number, _job, how, _confirms in outcome["imports"] if how == "acknowledged"}
    for number, job_id, how, confirms in outcome["imports"]:
        imports[how if confirms < 2 else f"{how} nach {confirms} Bestätigungen"] += 1
        if job_id and how == "acknowledged" and not ImportJob.objects.filter(pk=job_id, record__isnull=False).exists():
            problems.append(f"Import {number}: bestätigt, aber ohne Importprotokoll")
    rows = outcome["import_rows"]
    for number in sorted(rounds):
        written = [counts.get(import_text(number, code), 0) for code, _title, _field in rows]
        # All or nothing: a confirmed round once per row; a failed one not at all (or, if its end was
        # not seen, possibly once per row).
        if set(written) not in (({1},) if number in done_rounds else ({0}, {1})):
            problems.append(f"Import {number}: Meldungen je Zeile {sorted(Counter(written).items())}")
    jobs = ImportJob.objects.filter(concept_id=outcome["import_concept"], created_at__gte=faults_started)
    states = Counter(jobs.values_list("state", flat=True))
    running = ("preview_queued", "previewing", "confirm_queued", "importing")
    problems += [f"Importauftrag hängt im Zustand {state} ({n}×)" for state, n in states.items() if state in running]
    records = ImportRecord.objects.filter(concept_id=outcome["import_concept"], created_at__gte=faults_started).count()
    if records != states.get("done", 0):
        problems.append(f"{records} Importprotokolle für {states.get('done', 0)} abgeschlossene Importe")
    return {"reports": reports, "publications": publications, "imports": imports, "jobs": states, "problems": problems}
