"""The web console end to end: a real browser (Debian's Chromium driven by playwright-core,
tests/e2e/desktop.e2e.mjs) against a real hotline serving the built console (web/dist), with
real phones (sipp).

hotline runs the demo hotline flow (calendar open round the clock) and the queues of
callcenter.py; agent 1003 has a sipp phone that answers. The browser signs in as 1003 and goes
ready with the state selector; a supervisor's wallboard runs in a second browser context.
For each call the browser writes SYNC/ready-N; this script then places the call from the
trusted trunk 127.0.0.2 to 100, keying 1 (中文) and 2 (support) over RFC 4733:

  1. 13700137000 — one customer (王秀英): the screen pop shows her record and last contacts;
  2. 13800138000 — shared by two customers: the pick list, the agent picks 张丽 and the choice
     survives a page reload.

On the first call the supervisor clicks "listen": its extension 1010 (a sipp phone) is rung and
listens until the agent hangs up. The agent hangs up with the desktop's button (WebSocket
"hangup"), saves a wrap-up code and notes, finds them in the call history; the wallboard's "answered today" goes up by two.

After the calls (the agent is logged out; values that cannot change a call still in its survey)
an administrator edits the live configuration in the browser (ADMIN_EDITS): support's wrap-up
and strategy (a negative ring timeout is refused beside its field), agent 1004's skills, and
the demo flow's business hours (Saturday's hours, a holiday in 2030) published as a new flow
version. This script then finds the edits in the database and in the live API.
Screenshots land in BUILD/e2e-screenshots/. This script checks the call records too.

Skipped (exit 77) when node, Chromium or the console's npm packages are not available.
"""
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import harness as H
from callcenter import start

SKIP = 77
CHROMIUM = "/usr/bin/chromium"
CALLS = [("13700137000", "王秀英"), ("13800138000", "pick:张丽")]
# What the administrator changes in the browser (desktop.e2e.mjs --admin-edits), checked here.
ADMIN_EDITS = {
    "queue": "support", "wrap_up_s": 7, "strategy": "round_robin", "bad_ring_timeout_s": -5,
    "agent": "1004", "skills": {"support": 5, "billing": 3},
    "flow": "demo_hotline", "calendar": "business_hours", "day": "sat", "hours": "08:30-20:00",
    "holiday": "2030-05-01..2030-05-03",
}


def skip(reason):
    print("SKIP %s" % reason)
    sys.stdout.flush()
    os._exit(SKIP)  # atexit cleanup has nothing to stop yet


def prerequisites(t):
    web = os.path.join(t.source_dir, "web")
    if not shutil.which("node") or not shutil.which("npm"):
        skip("node/npm are not installed (scripts/install-deps.sh installs them)")
    if not os.access(CHROMIUM, os.X_OK):
        skip("%s is not installed (apt-get install chromium)" % CHROMIUM)
    if not os.path.isdir(os.path.join(web, "node_modules", "playwright-core")) or \
            not os.path.exists(os.path.join(web, "dist", "index.html")):
        print("[e2e] building the console (web/build.sh)")
        r = subprocess.run([os.path.join(web, "build.sh")], capture_output=True, text=True)
        print(r.stdout + r.stderr)
        if r.returncode != 0:
            t.fatal("web/build.sh failed")
    if not os.path.isdir(os.path.join(web, "node_modules", "playwright-core")):
        skip("playwright-core is not installed in web/node_modules (npm ci in web/ failed?)")
    if not os.path.exists(os.path.join(web, "dist", "index.html")):
        t.fatal("the console was not built (web/dist/index.html missing)")
    return web


def http_get(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def http_json(method, url, body=None, token=None, timeout=5):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read().decode("utf-8") or "null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def place_call(t, hl, number):
    keys = H.media_rfc4733("1", lead_ms=2500) + H.media_rfc4733("2", lead_ms=2500)
    # After the agent hangs up the caller hears the survey, presses nothing, and the flow
    # says goodbye and hangs up (about 20 s).
    return H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                  subs={"FROM": number, "MEDIA": keys, "ENDING": "WAIT_BYE", "TIMEOUT_MS": 150000},
                  timeout_s=180).start()


def run(t):
    web = prerequisites(t)
    hl = start(t)
    base = "http://%s:%d" % (H.LOCAL_IP, hl.http_port)
    status = H.wait_until(lambda: http_get(base + "/api/v1/me")[0], 15)
    t.check(status == 401, "hotline's API answers on %s (GET /api/v1/me without a session: 401)" % base,
            "status %s\n%s" % (status, H.tail(hl.log(), 20)))
    status, page = http_get(base + "/")
    t.check(status == 200 and 'id="app"' in page and "/assets/" in page,
            "hotline serves the built console (web/dist/index.html) at /", "status %s: %s" % (status, page[:300]))
    if t.failures:
        return

    agent = H.sipp_callee(t, hl, "1003", "uas_answer.xml", calls=len(CALLS),
                          subs={"MEDIA": "", "ENDING": "UAS_WAIT_BYE", "TIMEOUT_MS": 150000,
                                "RING_MS": 2500},
                          timeout_s=400)
    # The supervisor's phone, rung with auto-answer when the wallboard's "listen" is clicked; it
    # gets BYE when the agent hangs up.
    listener = H.sipp_callee(t, hl, "1010", "uas_answer.xml",
                             subs={"MEDIA": "", "ENDING": "UAS_WAIT_BYE", "TIMEOUT_MS": 150000,
                                   "RING_MS": 100},
                             timeout_s=400)
    sync = t.path("sync")
    os.makedirs(sync, exist_ok=True)
    shots = os.path.join(t.build_dir, "e2e-screenshots")
    shutil.rmtree(shots, ignore_errors=True)
    edits = ADMIN_EDITS
    before = {
        "queue": H.db_rows(hl.db, "SELECT * FROM queues WHERE name = ?", (edits["queue"],)),
        "flow_version": H.db_rows(hl.db, "SELECT MAX(version) AS v FROM flow_versions WHERE name = ?",
                                  (edits["flow"],))[0]["v"],
    }
    t.check(before["queue"] and before["flow_version"],
            "the database has queue %s and flow %s before the browser runs" % (edits["queue"], edits["flow"]), before)
    argv = ["node", os.path.join(t.source_dir, "tests", "e2e", "desktop.e2e.mjs"),
            "--base", base, "--sync", sync, "--screenshots", shots, "--chromium", CHROMIUM,
            "--agent", "1003", "--password", H.USERS["1003"], "--listen-phone", "1010",
            "--calls", ",".join("%s=%s" % c for c in CALLS), "--admin-edits", json.dumps(edits)]
    browser = H.Proc(t, "e2e-browser", argv, t.path("e2e-browser.log"), cwd=web)
    callers = {}
    H.wait_until(lambda: _place_ready(t, hl, sync, callers) or not browser.alive(), 420, interval=0.2)
    rc = browser.wait(10)
    out = browser.output()
    print("---- tests/e2e/desktop.e2e.mjs ----\n%s----" % out)
    t.check(rc == 0, "the browser saw the desktop and the wallboard do their job (desktop.e2e.mjs exit %s)" % rc,
            "\n".join(line for line in out.splitlines() if line.startswith("FAIL")) or H.tail(out, 20))
    t.check(len(callers) == len(CALLS), "every call was placed (%d of %d)" % (len(callers), len(CALLS)))

    for n, (number, expect) in sorted(callers.items()):
        r = expect.wait(200)
        t.check(r.rc == 0, "caller %d (%s) was served and got the goodbye" % (n, number), r.detail())
    agent.wait(20)
    r = listener.wait(20)
    t.check(r.rc == 0, "the supervisor's phone 1010 was rung to listen and got BYE when the agent hung up",
            r.detail())

    rows = [r for r in hl.calls() if str(r["to_number"]) == "100"]
    for n, (number, _) in sorted(callers.items()):
        row = next((r for r in reversed(rows) if str(r["from_number"]) == number), None)
        t.check(row is not None and str(row.get("agent")) == "1003",
                "CDR: call %d from %s was taken by agent 1003" % (n, number), row)
        if row is not None and "notes" in row:
            t.check(row.get("wrapup_code") and "e2e" in (row.get("notes") or ""),
                    "CDR: call %d carries the wrap-up code and notes saved in the browser" % n,
                    {k: row.get(k) for k in ("id", "wrapup_code", "notes", "wrapup_ms")})
        expect = dict(CALLS)[number]
        if row is not None and expect.startswith("pick:"):
            picked = H.db_rows(hl.db, "SELECT c.name FROM calls k JOIN customers c ON c.id = k.customer_id"
                               " WHERE k.id = ?", (row["id"],))
            t.check(picked and picked[0]["name"].startswith(expect[5:]),
                    "CDR: call %d remembers the customer picked in the screen pop (%s)" % (n, expect[5:]),
                    picked)
    if before["queue"] and before["flow_version"]:
        check_admin_edits(t, hl, base, edits, before)

    shots_found = sorted(os.path.join(shots, f) for f in os.listdir(shots)) if os.path.isdir(shots) else []
    t.check(any("screen-pop" in s for s in shots_found) and any(s.endswith("wallboard.png") for s in shots_found),
            "screenshots of the screen pop and the wallboard were written", shots_found)
    admin_shots = ["admin-queues.png", "admin-queue-error.png", "admin-skills.png", "admin-hours.png"]
    t.check(all(os.path.join(shots, f) in shots_found for f in admin_shots),
            "screenshots of the queue, skills and business-hours pages were written", shots_found)
    for s in shots_found:
        print("screenshot: %s" % s)


def check_admin_edits(t, hl, base, edits, before):
    """The browser's edits of the configuration pages are in the database and live."""
    name = edits["queue"]
    row = (H.db_rows(hl.db, "SELECT * FROM queues WHERE name = ?", (name,)) or [{}])[0]
    t.check(row.get("wrap_up_s") == edits["wrap_up_s"] and row.get("strategy") == edits["strategy"]
            and row.get("updated_by") == "admin",
            "DB: queue %s has the wrap-up (%d s) and strategy (%s) saved in the browser, by admin"
            % (name, edits["wrap_up_s"], edits["strategy"]),
            {k: row.get(k) for k in ("wrap_up_s", "strategy", "updated_by")})
    old = before["queue"][0]
    t.check(row.get("ring_timeout_s") == old["ring_timeout_s"] and row.get("overflow") == old["overflow"],
            "DB: the refused edit (ring timeout %d s, overflow rules out of order) left %s as it was"
            % (edits["bad_ring_timeout_s"], name),
            {k: (old.get(k), row.get(k)) for k in ("ring_timeout_s", "overflow")})
    skills = {r["skill"]: r["level"] for r in H.db_rows(hl.db, "SELECT skill, level FROM agent_skills WHERE agent = ?",
                                                        (edits["agent"],))}
    t.check(skills == edits["skills"], "DB: agent %s has the skills saved in the browser %s" % (edits["agent"], edits["skills"]),
            skills)
    versions = H.db_rows(hl.db, "SELECT version, author, yaml FROM flow_versions WHERE name = ? AND version > ?"
                         " ORDER BY version", (edits["flow"], before["flow_version"]))
    latest = versions[-1] if versions else {}
    t.check(len(versions) == 1 and latest["author"] == "admin" and edits["holiday"] in latest["yaml"],
            "DB: saving the business hours published version %d of %s (by admin) with the holiday %s"
            % (before["flow_version"] + 1, edits["flow"], edits["holiday"]),
            [{k: v.get(k) for k in ("version", "author")} for v in versions])

    # The live side, as an integrator sees it over the API.
    status, session = http_json("POST", base + "/api/v1/session", {"username": "admin", "password": "demo-admin"})
    if not t.check(status == 200 and isinstance(session, dict), "API: admin signs in", (status, session)):
        return
    token = session["token"]
    status, reply = http_json("GET", base + "/api/v1/queues", token=token)
    queues = reply.get("queues", []) if isinstance(reply, dict) else reply if isinstance(reply, list) else []
    live = next((q for q in queues if q.get("id", q.get("name")) == name), {})
    t.check(live.get("wrap_up_s") == edits["wrap_up_s"] and live.get("strategy") == edits["strategy"],
            "API: the ACD runs queue %s with the new wrap-up and strategy" % name,
            {k: live.get(k) for k in ("wrap_up_s", "strategy", "ring_timeout_s")} if live else (status, reply))
    status, reply = http_json("GET", base + "/api/v1/agents", token=token)
    agents = reply.get("agents", []) if isinstance(reply, dict) else reply if isinstance(reply, list) else []
    agent = next((a for a in agents if str(a.get("id")) == edits["agent"]), {})
    t.check(agent.get("skills") == edits["skills"], "API: the ACD gives agent %s the new skills" % edits["agent"],
            agent.get("skills") if agent else (status, reply))
    status, reply = http_json("GET", base + "/api/v1/ivr-flows/%s/calendars" % edits["flow"], token=token)
    cal = reply.get("calendars", {}).get(edits["calendar"], {}) if isinstance(reply, dict) else {}
    t.check(isinstance(reply, dict) and reply.get("version") == before["flow_version"] + 1
            and cal.get("weekly", {}).get(edits["day"]) == [edits["hours"]] and edits["holiday"] in cal.get("holidays", []),
            "API: flow %s version %d has %s %s and the holiday %s"
            % (edits["flow"], before["flow_version"] + 1, edits["day"], edits["hours"], edits["holiday"]),
            reply)


def _place_ready(t, hl, sync, callers):
    """Places call N when the browser wrote SYNC/ready-N; true once every call is placed."""
    for n, (number, _) in enumerate(CALLS, 1):
        if n not in callers and os.path.exists(os.path.join(sync, "ready-%d" % n)):
            print("[e2e] the agent is ready: placing call %d from %s" % (n, number))
            sys.stdout.flush()
            callers[n] = (number, place_call(t, hl, number))
    return False  # keep waiting for the browser to finish


H.main(run)
