"""Administration of queues, skills and business hours over real HTTP, with real calls.

The demo hotline flow (calendar opened round the clock) on 100 in front of a support queue
(best_skill, wrap-up 2 s) where agent 1002 (support 3) outranks 1003 (support 1).
1. Roles and errors: an agent and a supervisor get 403 on PUT /queues/support; malformed JSON
   is 400 with a JSON error; a bad strategy is 422 naming the field.
2. Live edits: the admin sets the support wrap-up to 5 s and raises 1003 to support 9; a sipp
   caller (keys 1, 2) then reaches 1003, not 1002, and the CDR's wrap-up is about 5 s.
3. A restart keeps both edits (the database, not the file, is the truth).
4. Business hours: the admin closes the calendar (PUT /ivr-flows/demo_hotline/calendars): the
   next call to 100 goes to the after-hours message; reopened, the next one reaches the menu.
"""
import json

import callcenter
import harness as H

QUEUES = """
queues:
  - name: support
    skills: {support: 1}
    strategy: best_skill
    ring_timeout_s: 5
    wrap_up_s: 2
    announce_every_s: 0
    leave_when_empty: false
agents:
  - {user: "1002", skills: {support: 3}}
  - {user: "1003", skills: {support: 1}}
"""

OPEN = {"business_hours": {"weekly": {d: ["00:00-24:00"] for d in
                                      ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                           "holidays": []}}
CLOSED = {"business_hours": {"weekly": {}, "holidays": []}}


def body(resp):
    try:
        return json.loads(resp[2].decode() or "null")
    except ValueError:
        return None


def login(t, hl, user, password):
    r = hl.http("POST", "/api/v1/session", {"username": user, "password": password})
    t.check(r[0] == 200, "%s signs in" % user, r)
    return (body(r) or {}).get("token", "")


def start(t, hl=None):
    if hl is None:
        flow = callcenter.always_open_demo_flow(t)
        hl = t.start_hotline(dial_plan=[{"number": "100", "action": "ivr", "target": flow}],
                             entry_numbers=("100",), trunks=(("it-trunk", H.TRUNK_IP),),
                             extra={"seed_demo_data": "true"}, raw=QUEUES)
    else:
        hl.start()
    hl.wait_http()
    return hl


def roles_and_errors(t, hl, admin):
    print("-- 1. roles and errors")
    agent = login(t, hl, "1002", "demo1002")
    supervisor = login(t, hl, "supervisor", "demo-supervisor")
    edit = {"skills": {"support": 1}, "strategy": "round_robin"}
    r = hl.http("PUT", "/api/v1/queues/support", edit, token=agent)
    t.check(r[0] == 403, "an agent may not edit a queue (403)", r)
    r = hl.http("PUT", "/api/v1/queues/support", edit, token=supervisor)
    t.check(r[0] == 403, "a supervisor may not edit a queue (403)", r)
    r = hl.http("PUT", "/api/v1/agents/1003/skills", {"skills": {}}, token=agent)
    t.check(r[0] == 403, "an agent may not edit skills (403)", r)
    r = hl.http("PUT", "/api/v1/queues/support", "{not json", token=admin,
                headers={"Content-Type": "application/json"})
    t.check(r[0] == 400 and (body(r) or {}).get("error", {}).get("code") == "malformed_json",
            "malformed JSON is 400 with a JSON error", r)
    r = hl.http("PUT", "/api/v1/queues/support", {"strategy": "loudest"}, token=admin)
    t.check(r[0] == 422 and (body(r) or {}).get("error", {}).get("field") == "strategy",
            "an unknown strategy is 422 naming the field", r)
    r = hl.http("GET", "/api/v1/queues/support", token=supervisor)
    t.check(r[0] == 200 and body(r)["queue"]["wrap_up_s"] == 2,
            "refused edits changed nothing (wrap-up still 2 s)", r)


def live_edit_then_call(t, hl, admin):
    print("-- 2. live edit: wrap-up 5 s, 1003 becomes the best support agent")
    r = hl.http("GET", "/api/v1/queues/support", token=admin)
    queue = body(r)["queue"]
    queue["wrap_up_s"] = 5
    r = hl.http("PUT", "/api/v1/queues/support", queue, token=admin)
    t.check(r[0] == 200 and body(r)["queue"]["wrap_up_s"] == 5, "the admin set wrap-up to 5 s", r)
    r = hl.http("PUT", "/api/v1/agents/1003/skills", {"skills": {"support": 9}}, token=admin)
    t.check(r[0] == 200, "the admin raised 1003 to support 9", r)
    r = hl.http("GET", "/api/v1/agents/1003", token=admin)
    t.check(r[0] == 200 and body(r)["agent"]["skills"] == {"support": 9},
            "GET /agents/1003 shows the new skills", r)

    best = H.sipp_callee(t, hl, "1003", "uas_answer.xml",
                         subs={"MEDIA": '  <pause milliseconds="1500"/>\n', "ENDING": "UAS_BYE"},
                         timeout_s=40)
    other = H.sipp_callee(t, hl, "1002", "uas_answer.xml",
                          subs={"MEDIA": "", "ENDING": "UAS_WAIT_BYE"}, timeout_s=40)
    for agent in ("1002", "1003"):
        r = hl.http("POST", "/api/v1/agents/%s/state" % agent, {"state": "ready"}, token=admin)
        t.check(r[0] == 200, "agent %s is ready" % agent, r)
    keys = H.media_rfc4733("1", lead_ms=2500) + H.media_rfc4733("2", lead_ms=2500)
    uac = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                 subs={"FROM": "13700137000", "MEDIA": keys, "ENDING": "WAIT_BYE",
                       "TIMEOUT_MS": 30000}, timeout_s=40).start()
    t.check(best.wait(40).rc == 0, "agent 1003 answered and hung up")
    uac.wait(40)
    other.stop()
    row = H.wait_until(lambda: [r for r in hl.calls("to_number = '100' AND state = 'closed'")
                                if str(r["from_number"]) == "13700137000"], 10)
    row = row[-1] if row else None
    t.check(row is not None and str(row["agent"]) == "1003" and row["queue"] == "support",
            "the call went to 1003 (skill 9 now beats 1002's 3)", row)
    if row:
        wrap = H.wait_until(lambda: H.db_rows(hl.db, "SELECT wrapup_ms FROM calls WHERE id = ?",
                                              (row["id"],))[0]["wrapup_ms"], 10)
        t.check(wrap is not None and 4500 <= wrap <= 8000,
                "CDR: the new wrap-up of about 5 s (%s ms)" % wrap)


def restart_keeps_edits(t, hl):
    print("-- 3. restart: the database keeps the edits")
    t.check(hl.stop() == 0, "hotline stops cleanly")
    start(t, hl)
    admin = login(t, hl, "admin", "demo-admin")
    r = hl.http("GET", "/api/v1/queues/support", token=admin)
    t.check(r[0] == 200 and body(r)["queue"]["wrap_up_s"] == 5,
            "after the restart support's wrap-up is still 5 s (not the file's 2)", r)
    r = hl.http("GET", "/api/v1/agents/1003", token=admin)
    t.check(r[0] == 200 and body(r)["agent"]["skills"] == {"support": 9},
            "after the restart 1003 still has support 9", r)
    return admin


def call_path(t, hl, caller):
    """Calls 100 from `caller`, keys 1 (中文), hangs up after a while; returns the IVR path."""
    keys = H.media_rfc4733("1", lead_ms=2500) + '  <pause milliseconds="3000"/>\n'
    uac = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                 subs={"FROM": caller, "MEDIA": keys, "ENDING": "BYE"}, timeout_s=30)
    r = uac.run(30)
    t.check(r.rc == 0, "caller %s was answered and hung up" % caller, r.detail())
    rows = H.wait_until(lambda: [x for x in hl.calls("to_number = '100' AND state = 'closed'")
                                 if str(x["from_number"]) == caller], 10)
    path = (rows[-1].get("ivr_path") or "") if rows else ""
    print("   %s: ivr_path %s" % (caller, path))
    return path


def business_hours(t, hl, admin):
    print("-- 4. business hours: closed, then open again")
    r = hl.http("GET", "/api/v1/ivr-flows/demo_hotline/calendars", token=admin)
    t.check(r[0] == 200 and body(r)["calendars"]["business_hours"]["weekly"]["sun"] ==
            ["00:00-24:00"], "GET calendars shows the flow's hours per day", r)
    version = (body(r) or {}).get("version", 0)
    r = hl.http("PUT", "/api/v1/ivr-flows/demo_hotline/calendars",
                {"calendars": {"business_hours": {"weekly": {"mon": ["18:00-09:00"]}}}},
                token=admin)
    t.check(r[0] == 422 and body(r)["error"]["field"] == "calendars.business_hours.weekly.mon[0]",
            "a reversed range is 422 naming the day", r)
    r = hl.http("PUT", "/api/v1/ivr-flows/demo_hotline/calendars", {"calendars": CLOSED},
                token=admin)
    t.check(r[0] == 200 and body(r)["version"] == version + 1,
            "closing the calendar publishes version %d" % (version + 1), r)
    path = call_path(t, hl, "13900000001")
    t.check("after_hours" in path and "main_menu" not in path,
            "closed: the call goes to the after-hours message", path)
    r = hl.http("PUT", "/api/v1/ivr-flows/demo_hotline/calendars", {"calendars": OPEN},
                token=admin)
    t.check(r[0] == 200, "reopening publishes another version", r)
    path = call_path(t, hl, "13900000002")
    t.check("main_menu" in path and "after_hours" not in path,
            "open again: the call reaches the main menu", path)


def run(t):
    hl = start(t)
    admin = login(t, hl, "admin", "demo-admin")
    roles_and_errors(t, hl, admin)
    live_edit_then_call(t, hl, admin)
    admin = restart_keeps_edits(t, hl)
    business_hours(t, hl, admin)


H.main(run)
