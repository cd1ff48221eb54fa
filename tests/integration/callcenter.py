"""Shared set-up of the call-center integration tests (test_queue*.py): queues and agents for
the demo hotline flow, the flow itself with its calendar opened round the clock, and agent
helpers (feature codes dialled from a sipp phone, agent state from the agent_events table)."""
import json
import os
import re

import harness as H
import wsclient

QUEUES = """
queues:
  - name: support
    skills: {support: 1}
    strategy: best_skill
    ring_timeout_s: 4
    wrap_up_s: 2
    announce_every_s: 10
    leave_when_empty: false
  - name: vip
    skills: {support: 1}
    strategy: longest_idle
    ring_timeout_s: 4
    wrap_up_s: 2
    leave_when_empty: false
  - name: sales
    skills: {sales: 1}
    max_wait_s: 4
    leave_when_empty: false
  - name: operator
    skills: {operator: 1}
agents:
  - {user: "1001", skills: {support: 1}}
  - {user: "1002", skills: {support: 3}}
  - {user: "1003", skills: {support: 3}}
  - {user: "1004", skills: {support: 2}}
"""


def always_open_demo_flow(t):
    """The demo flow with a calendar that is always open (and no holidays)."""
    with open(os.path.join(t.source_dir, "config", "flows", "demo_hotline.yaml")) as f:
        text = f.read()
    text, n = re.subn(r"calendars:\n.*?\nstart:", 'calendars:\n  business_hours:\n    weekly:\n'
                      '      mon-sun: "00:00-24:00"\n\nstart:', text, flags=re.S)
    if n != 1:
        t.fatal("could not open the demo flow's calendar")
    path = t.path("demo_hotline_open.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def start(t, trunks=(("it-trunk", H.TRUNK_IP),)):
    flow = always_open_demo_flow(t)
    return t.start_hotline(dial_plan=[{"number": "100", "action": "ivr", "target": flow}],
                           entry_numbers=("100",), trunks=trunks,
                           extra={"seed_demo_data": "true"}, raw=QUEUES)


def feature_code(t, hl, agent, code):
    uac = H.Sipp(t, "uac_call.xml", code, hl.sip_port, user=agent,
                 subs={"FROM": agent, "MEDIA": "", "ENDING": "WAIT_BYE", "TIMEOUT_MS": 15000},
                 timeout_s=30).start()
    r = uac.wait(30)
    t.check(r.rc == 0, "agent %s dialled %s" % (agent, code), r.detail())


def agent_state(hl, agent):
    rows = H.db_rows(hl.db, "SELECT * FROM agent_events WHERE agent = ? ORDER BY id", (agent,))
    return rows[-1]["to_state"] if rows else "logged_out"


def wait_state(t, hl, agent, state, timeout=10):
    ok = H.wait_until(lambda: agent_state(hl, agent) == state, timeout)
    t.check(ok, "agent %s is %s" % (agent, state), agent_state(hl, agent))


def log_count(hl, pattern):
    return len(re.findall(pattern, hl.log()))


def wait_more(hl, pattern, before, timeout):
    return H.wait_until(lambda: log_count(hl, pattern) > before, timeout)


def cti_socket(t, hl, username, password):
    """Signs in over REST and opens the CTI WebSocket with the token; waits for the hello."""
    r = hl.http("POST", "/api/v1/session", {"username": username, "password": password})
    t.check(r[0] == 200, "%s signs in" % username, r)
    ws = wsclient.WebSocket(hl.http_port, "/api/v1/events?token=" + json.loads(r[2])["token"])
    ws.recv_json(5, want=lambda m: m.get("type") == "hello")
    return ws


def cti_command(t, ws, n, what, **fields):
    """Sends command `what` with id n and checks the reply says ok."""
    ws.send_json(dict({"id": n, "command": what}, **fields))
    reply = ws.recv_json(10, want=lambda m: m.get("type") == "reply" and m.get("id") == n)
    t.check(reply is not None and reply["ok"], "%s %s is done" % (what, fields or ""), reply)
