"""The HTTP API of a real hotline (tests/integration/harness.py starts it with the
call-center queues, the demo users seeded and an IVR flow on 700).

Sign-in: agents with their SIP credentials, the demo admin and supervisor; a wrong password
is 401, five failures in a row are throttled (429 with Retry-After). Bearer token and
cookie both work; sign-out revokes the token. Roles: an agent cannot read another agent nor
the admin endpoints (403); a supervisor reads queues and agents; an admin creates a user who
can then sign in. Errors are JSON: malformed JSON 400, unknown route 404, oversized body 413.
Agent state changes through POST /agents/{id}/state show in GET /agents/{id} and in
agent_events. Calls are listed newest first with filters, agents see only their own.
IVR flows: an invalid PUT is refused with 422 naming the node and line and the previous
version stays live (a call to 700 runs it); a valid PUT becomes the next version and new
calls run it. Customers by phone for a supervisor (agents: 403 outside their own calls).
/healthz and /metrics answer without a session."""
import json
import re
import time

import callcenter
import harness as H

FLOW_V1 = """flow: it_welcome
numbers: ["700"]
languages: [en]
start: welcome
nodes:
  welcome: {type: play, prompt: "Welcome to version one.", next: bye}
  bye: {type: hangup, reason: version_one}
"""

FLOW_V2 = FLOW_V1.replace("version one", "version two").replace("version_one", "version_two")

FLOW_BROKEN = """flow: it_welcome
numbers: ["700"]
languages: [en]
start: menu
nodes:
  menu:
    type: menu
    prompt: "Press 1."
    options: {"1": nowhere}
"""


def body(resp):
    try:
        return json.loads(resp[2].decode() or "null")
    except ValueError:
        return None


def error_code(resp):
    b = body(resp)
    return b.get("error", {}).get("code") if isinstance(b, dict) else None


def login(t, hl, user, password):
    r = hl.http("POST", "/api/v1/session", {"username": user, "password": password})
    t.check(r[0] == 200, "%s signs in" % user, r)
    return (body(r) or {}).get("token", "")


def call_700(t, hl):
    before = len([x for x in hl.calls("state = 'closed'") if str(x["to_number"]) == "700"])
    uac = H.Sipp(t, "uac_call.xml", "700", hl.sip_port,
                 subs={"ENDING": "WAIT_BYE", "TIMEOUT_MS": 15000}, timeout_s=25).start()
    r = uac.wait(25)
    t.check(r.rc == 0, "call to 700 answered and hung up by the IVR", r.detail())
    rows = H.wait_until(lambda: [x for x in hl.calls("state = 'closed'")
                                 if str(x["to_number"]) == "700"][before:], 10) or []
    return rows[-1] if rows else {}


def run(t):
    seed = t.path("it_welcome.yaml")
    with open(seed, "w") as f:
        f.write(FLOW_V1)
    hl = t.start_hotline(dial_plan=[{"number": "700", "action": "ivr", "target": seed},
                                    {"number": "600", "action": "echo"}],
                         entry_numbers=("600", "700"), extra={"seed_demo_data": "true"},
                         raw=callcenter.QUEUES)
    hl.wait_http()
    t.check(re.search(r"HTTP API on 127\.0\.0\.1:%d" % hl.http_port, hl.log()) is not None,
            "the log names the HTTP API address")

    print("-- health and metrics, no session needed")
    r = hl.http("GET", "/healthz")
    t.check(r[0] == 200 and body(r) == {"status": "ok"}, "GET /healthz is ok", r)
    r = hl.http("GET", "/metrics")
    text = r[2].decode()
    t.check(r[0] == 200 and "hotline_agents{state=\"logged_out\"}" in text
            and "hotline_queue_waiting{queue=\"support\"}" in text
            and "hotline_http_requests_total{code=\"200\"}" in text
            and "hotline_ws_clients" in text, "GET /metrics is Prometheus text", text[:800])

    print("-- sign-in")
    r = hl.http("POST", "/api/v1/session", {"username": "1001", "password": "wrong"})
    t.check(r[0] == 401 and error_code(r) == "invalid_credentials", "a wrong password is 401", r)
    r = hl.http("POST", "/api/v1/session", {"username": "1001", "password": "demo1001"})
    t.check(r[0] == 200 and body(r)["user"] == {"username": "1001", "role": "agent", "agent": "1001",
                                                "display_name": "User 1001"},
            "an agent signs in with its SIP credentials", r)
    agent = body(r)["token"]
    cookie = r[1].get("set-cookie", "")
    t.check(cookie.startswith("hotline_session=" + agent) and "HttpOnly" in cookie
            and "SameSite=Strict" in cookie and "Path=/" in cookie, "the session cookie is set", cookie)
    r = hl.http("GET", "/api/v1/me", headers={"Cookie": "hotline_session=" + agent})
    t.check(r[0] == 200 and body(r)["user"]["username"] == "1001" and body(r)["agent"]["id"] == "1001",
            "the cookie authenticates", r)
    r = hl.http("GET", "/api/v1/me", token=agent)
    t.check(r[0] == 200, "the bearer token authenticates", r)
    r = hl.http("GET", "/api/v1/me")
    t.check(r[0] == 401 and error_code(r) == "unauthorized", "no session: 401", r)
    r = hl.http("GET", "/api/v1/me", token="0" * 64)
    t.check(r[0] == 401, "an unknown token: 401", r)

    for i in range(5):
        hl.http("POST", "/api/v1/session", {"username": "1002", "password": "guess%d" % i})
    r = hl.http("POST", "/api/v1/session", {"username": "1002", "password": "demo1002"})
    t.check(r[0] == 429 and int(r[1].get("retry-after", "0")) > 0,
            "five failures throttle the username (429 + Retry-After), even with the right password", r)
    r = hl.http("POST", "/api/v1/session", {"username": "1003", "password": "demo1003"})
    t.check(r[0] == 200, "another username is not throttled", r)

    supervisor = login(t, hl, "supervisor", "demo-supervisor")
    admin = login(t, hl, "admin", "demo-admin")

    print("-- roles")
    r = hl.http("GET", "/api/v1/agents", token=agent)
    t.check(r[0] == 200 and [a["id"] for a in body(r)["agents"]] == ["1001"], "an agent lists only itself", r)
    r = hl.http("GET", "/api/v1/agents/1002", token=agent)
    t.check(r[0] == 403 and error_code(r) == "forbidden", "an agent cannot read another agent", r)
    for path in ("/api/v1/users", "/api/v1/queues", "/api/v1/ivr-flows"):
        r = hl.http("GET", path, token=agent)
        t.check(r[0] == 403, "an agent cannot GET %s" % path, r)
    r = hl.http("GET", "/api/v1/agents", token=supervisor)
    t.check(r[0] == 200 and len(body(r)["agents"]) == 10, "a supervisor sees the ten agents", r)
    r = hl.http("GET", "/api/v1/queues", token=supervisor)
    queues = {q["id"]: q for q in (body(r) or {}).get("queues", [])}
    t.check(r[0] == 200 and set(queues) == {"support", "vip", "sales", "operator"}
            and "offered" in queues["support"]["today"], "a supervisor reads the queues with today's figures", r)
    r = hl.http("GET", "/api/v1/users", token=supervisor)
    t.check(r[0] == 403, "a supervisor cannot list users", r)
    r = hl.http("GET", "/api/v1/skills", token=agent)
    t.check(r[0] == 200 and "support" in [s["skill"] for s in body(r)["skills"]], "skills are listed", r)

    print("-- admin creates a user")
    r = hl.http("POST", "/api/v1/users", {"username": "carol", "password": "carol-pass-1",
                                          "role": "supervisor", "display_name": "Carol"}, token=admin)
    t.check(r[0] == 201 and body(r)["user"]["role"] == "supervisor", "admin creates a supervisor", r)
    r = hl.http("POST", "/api/v1/users", {"username": "carol", "password": "carol-pass-1",
                                          "role": "supervisor"}, token=admin)
    t.check(r[0] == 409, "a second carol is a conflict", r)
    carol = login(t, hl, "carol", "carol-pass-1")
    t.check(hl.http("GET", "/api/v1/queues", token=carol)[0] == 200, "carol reads queues")
    r = hl.http("GET", "/api/v1/users", token=admin)
    t.check(r[0] == 200 and "carol" in [u["username"] for u in body(r)["users"]], "admin lists users", r)
    r = hl.http("DELETE", "/api/v1/users/carol", token=admin)
    t.check(r[0] == 204 and hl.http("GET", "/api/v1/queues", token=carol)[0] == 401,
            "deleting carol ends her sessions", r)

    print("-- errors are JSON")
    r = hl.http("POST", "/api/v1/session", "{not json", headers={"Content-Type": "application/json"})
    t.check(r[0] == 400 and error_code(r) == "malformed_json"
            and r[1].get("content-type", "").startswith("application/json"), "malformed JSON: 400 JSON", r)
    r = hl.http("GET", "/api/v1/no-such-thing", token=admin)
    t.check(r[0] == 404 and error_code(r) == "not_found", "unknown route: 404 JSON", r)
    r = hl.http("PATCH", "/api/v1/agents", token=admin)
    t.check(r[0] == 405 and error_code(r) == "method_not_allowed", "wrong method: 405 JSON", r)
    r = hl.http("POST", "/api/v1/users", "x" * (1024 * 1024 + 10), token=admin,
                headers={"Content-Type": "application/json"})
    t.check(r[0] == 413 and error_code(r) == "body_too_large", "a body over 1 MiB: 413", r)

    print("-- agent state")
    r = hl.http("POST", "/api/v1/agents/1001/state", {"state": "ready"}, token=agent)
    t.check(r[0] == 200 and body(r)["agent"]["state"] == "ready", "the agent makes itself ready", r)
    r = hl.http("GET", "/api/v1/agents/1001", token=agent)
    t.check(r[0] == 200 and body(r)["agent"]["state"] == "ready", "GET shows it ready", r)
    callcenter.wait_state(t, hl, "1001", "ready")
    r = hl.http("POST", "/api/v1/agents/1001/state", {"state": "not_ready", "reason": "break"},
                token=supervisor)
    t.check(r[0] == 200 and body(r)["agent"]["state"] == "not_ready" and body(r)["agent"]["reason"] == "break",
            "a supervisor forces it not ready", r)
    r = hl.http("POST", "/api/v1/agents/1002/state", {"state": "ready"}, token=agent)
    t.check(r[0] == 403, "an agent cannot change another agent", r)
    r = hl.http("POST", "/api/v1/agents/1001/state", {"state": "dancing"}, token=agent)
    t.check(r[0] == 422, "an unknown state is 422", r)
    r = hl.http("POST", "/api/v1/agents/1001/state", {"state": "logged_out"}, token=agent)
    t.check(r[0] == 200 and body(r)["agent"]["state"] == "logged_out", "the agent logs out", r)

    print("-- flows")
    r = hl.http("PUT", "/api/v1/ivr-flows/it_welcome", FLOW_BROKEN, token=supervisor,
                headers={"Content-Type": "text/yaml"})
    t.check(r[0] == 403, "a supervisor cannot publish flows", r)
    r = hl.http("PUT", "/api/v1/ivr-flows/it_welcome", FLOW_BROKEN, token=admin,
                headers={"Content-Type": "text/yaml"})
    err = (body(r) or {}).get("error", {})
    t.check(r[0] == 422 and err.get("code") == "invalid_flow" and err.get("node") == "menu"
            and isinstance(err.get("line"), int) and err["line"] > 0, "an invalid flow is 422 with node and line", r)
    r = hl.http("GET", "/api/v1/ivr-flows/it_welcome", token=supervisor)
    t.check(r[0] == 200 and body(r)["version"] == 1 and len(body(r)["versions"]) == 1,
            "nothing was stored", r)
    row = call_700(t, hl)
    t.check(row.get("hangup_cause") == "ivr_version_one", "version 1 is still live", row)
    r = hl.http("PUT", "/api/v1/ivr-flows/it_welcome", {"yaml": FLOW_V2}, token=admin)
    t.check(r[0] == 200 and body(r)["version"] == 2, "a valid flow becomes version 2", r)
    H.wait_until(lambda: "IVR flows reloaded" in hl.log(), 5)
    row = call_700(t, hl)
    t.check(row.get("hangup_cause") == "ivr_version_two", "new calls run version 2 (reloaded)", row)
    r = hl.http("GET", "/api/v1/ivr-flows", token=supervisor)
    flows = {f["name"]: f for f in (body(r) or {}).get("flows", [])}
    t.check(r[0] == 200 and flows.get("it_welcome", {}).get("latest_version") == 2
            and flows["it_welcome"]["numbers"] == ["700"], "the flow list shows version 2 on 700", r)

    print("-- calls")
    now = int(time.time() * 1000)
    import sqlite3
    con = sqlite3.connect(hl.db, timeout=10)
    with con:
        for i, (agent_id, queue, disp) in enumerate([("1001", "support", "answered"),
                                                     ("1002", "sales", "answered"),
                                                     ("1001", "support", "answered")]):
            con.execute("INSERT INTO calls (id, from_number, to_number, start_time, start_ms, state, "
                        "agent, queue, queued_ms, disposition, direction) VALUES (?, ?, '100', 'x', ?, "
                        "'closed', ?, ?, ?, ?, 'inbound')",
                        ("it-call-%d" % i, "1380000000%d" % i, now - 60000 + i * 1000, agent_id, queue,
                         now - 60000 + i * 1000, disp))
    con.close()
    r = hl.http("GET", "/api/v1/calls?limit=500", token=admin)
    starts = [c["start_ms"] for c in (body(r) or {}).get("calls", [])]
    t.check(r[0] == 200 and len(starts) >= 5 and starts == sorted(starts, reverse=True),
            "calls come newest first", r[2][:300])
    r = hl.http("GET", "/api/v1/calls?queue=support", token=admin)
    t.check(r[0] == 200 and [c["id"] for c in body(r)["calls"]] == ["it-call-2", "it-call-0"],
            "filter by queue", r)
    r = hl.http("GET", "/api/v1/calls?number=13800000001", token=admin)
    t.check(r[0] == 200 and [c["id"] for c in body(r)["calls"]] == ["it-call-1"], "filter by number", r)
    r = hl.http("GET", "/api/v1/calls?limit=1", token=admin)
    nxt = (body(r) or {}).get("next_before")
    r2 = hl.http("GET", "/api/v1/calls?limit=1&before=%s" % nxt, token=admin)
    t.check(r[0] == 200 and r2[0] == 200 and body(r2)["calls"][0]["start_ms"] < nxt, "the before cursor pages", r2)
    r = hl.http("GET", "/api/v1/calls", token=agent)
    t.check(r[0] == 200 and {c["agent"] for c in body(r)["calls"]} == {"1001"}, "an agent sees only its calls", r)
    r = hl.http("GET", "/api/v1/calls/it-call-1", token=agent)
    t.check(r[0] == 403, "an agent cannot read another agent's call", r)
    r = hl.http("POST", "/api/v1/calls/it-call-0/wrapup", {"code": "sale", "notes": "wants a brochure"},
                token=agent)
    t.check(r[0] == 200 and body(r)["call"]["wrapup_code"] == "sale", "the agent wraps up its call", r)
    rows = H.db_rows(hl.db, "SELECT wrapup_code, notes FROM calls WHERE id = 'it-call-0'")
    t.check(rows == [{"wrapup_code": "sale", "notes": "wants a brochure"}], "wrap-up stored", rows)

    print("-- recordings")
    wav = t.path("it-rec.wav")
    H.make_tone(wav, 440, 1)
    size = len(open(wav, "rb").read())
    con = sqlite3.connect(hl.db, timeout=10)
    with con:
        con.execute("INSERT INTO recordings (call_id, path, start_time, start_ms, state, size_bytes) "
                    "VALUES ('it-call-0', ?, 'x', ?, 'complete', ?)", (wav, now, size))
    con.close()
    r = hl.http("GET", "/api/v1/recordings", token=supervisor)
    recs = (body(r) or {}).get("recordings", [])
    t.check(r[0] == 200 and recs and recs[0]["call_id"] == "it-call-0", "recordings are listed", r)
    if recs:
        url = recs[0]["audio_url"]
        r = hl.http("GET", url, token=agent, headers={"Range": "bytes=0-99"})
        t.check(r[0] == 206 and len(r[2]) == 100 and r[2][:4] == b"RIFF"
                and r[1].get("content-range") == "bytes 0-99/%d" % size
                and r[1].get("content-type") == "audio/wav", "a byte range of the agent's own recording", r[:2])
        r = hl.http("GET", url, token=supervisor)
        t.check(r[0] == 200 and len(r[2]) == size, "the whole WAV", r[:2])
        other = login(t, hl, "1004", "demo1004")
        t.check(hl.http("GET", url, token=other)[0] == 403, "another agent cannot hear it")

    print("-- customers")
    r = hl.http("GET", "/api/v1/customers?phone=13800138000", token=supervisor)
    found = (body(r) or {}).get("customers", [])
    t.check(r[0] == 200 and len(found) >= 1, "customers by phone", r)
    if found:
        r = hl.http("GET", "/api/v1/customers/%d" % found[0]["id"], token=supervisor)
        t.check(r[0] == 200 and "contacts" in body(r), "a customer with contacts", r)
        # Agents read customers only through their own calls (test_api_sessions.py).
        r = hl.http("GET", "/api/v1/customers/%d" % found[0]["id"], token=agent)
        t.check(r[0] == 403, "an agent without a call from the customer: 403", r)
    r = hl.http("GET", "/api/v1/customers?phone=13800138000", token=agent)
    t.check(r[0] == 403, "agents cannot list customers by phone", r)

    print("-- static console")
    r = hl.http("GET", "/")
    t.check(r[0] == 200 and r[1].get("content-type", "").startswith("text/html"), "GET / is HTML", r[:2])
    r = hl.http("GET", "/../../etc/passwd")
    t.check(r[0] in (400, 404) and b"root:" not in r[2], "no directory traversal", r)

    print("-- sign-out")
    r = hl.http("DELETE", "/api/v1/session", token=agent)
    t.check(r[0] == 204, "sign-out is 204", r)
    r = hl.http("GET", "/api/v1/me", token=agent)
    t.check(r[0] == 401, "the token is revoked", r)


H.main(run)
