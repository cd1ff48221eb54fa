"""The CTI WebSocket (GET /api/v1/events) of a real hotline.

An agent connects with its token and gets a hello with its user and agent state; "ready" and
"not_ready" commands change its state (seen in GET /api/v1/agents/{id} and agent_events) and
an agent.state event arrives on the socket; a call-control command without a call is refused
with the reason, and an agent may not listen to calls; malformed JSON gets an error and the socket stays open. A supervisor
subscribed to "agents" sees another agent's state change, and to "queues" gets queue
snapshots. Without a session the upgrade is 401; a reconnect's hello shows the current state."""
import json

import callcenter
import harness as H
import wsclient


def run(t):
    hl = callcenter.start(t)
    hl.wait_http()

    def login(user, password):
        r = hl.http("POST", "/api/v1/session", {"username": user, "password": password})
        t.check(r[0] == 200, "%s signs in" % user, r)
        return json.loads(r[2])["token"] if r[0] == 200 else ""

    agent = login("1003", "demo1003")
    supervisor = login("supervisor", "demo-supervisor")

    print("-- no session: 401")
    try:
        wsclient.WebSocket(hl.http_port, "/api/v1/events")
        t.check(False, "an upgrade without a session is refused")
    except wsclient.HandshakeError as e:
        t.check(e.status == 401, "an upgrade without a session is 401", e)

    print("-- hello")
    ws = wsclient.WebSocket(hl.http_port, "/api/v1/events?token=" + agent)
    hello = ws.recv_json(5)
    t.check(hello and hello["type"] == "hello" and hello["user"]["username"] == "1003"
            and hello["agent"]["id"] == "1003" and hello["agent"]["state"] == "logged_out",
            "hello carries the user and its agent (logged out)", hello)

    sup = wsclient.WebSocket(hl.http_port, "/api/v1/events",
                             headers={"Authorization": "Bearer " + supervisor})
    sup_hello = sup.recv_json(5)
    t.check(sup_hello and sup_hello["agent"] is None, "a supervisor's hello has no agent", sup_hello)
    sup.send_json({"id": 1, "command": "subscribe", "topics": ["agents", "queues"]})
    reply = sup.recv_json(5, want=lambda m: m.get("type") == "reply")
    t.check(reply and reply["id"] == 1 and reply["ok"], "the supervisor subscribes", reply)

    print("-- ready / not_ready")
    ws.send_json({"id": 1, "command": "ready"})
    reply = ws.recv_json(5, want=lambda m: m.get("type") == "reply")
    t.check(reply == {"type": "reply", "id": 1, "ok": True}, "ready is acknowledged", reply)
    event = ws.recv_json(5, want=lambda m: m.get("type") == "agent.state" and m.get("state") == "ready")
    t.check(event and event["agent"] == "1003" and event["at_ms"] > 0, "an agent.state event arrives", event)
    r = hl.http("GET", "/api/v1/agents/1003", token=agent)
    t.check(r[0] == 200 and json.loads(r[2])["agent"]["state"] == "ready", "GET shows the agent ready", r)
    callcenter.wait_state(t, hl, "1003", "ready")
    seen = sup.recv_json(5, want=lambda m: m.get("type") == "agent.state" and m.get("agent") == "1003")
    t.check(seen is not None, "the supervisor sees the agent's change", seen)

    ws.send_json({"id": 2, "command": "not_ready", "reason": "lunch"})
    reply = ws.recv_json(5, want=lambda m: m.get("type") == "reply")
    t.check(reply and reply["id"] == 2 and reply["ok"], "not_ready is acknowledged", reply)
    event = ws.recv_json(5, want=lambda m: m.get("type") == "agent.state" and m.get("state") == "not_ready"
                         and m.get("previous_state") == "ready")
    t.check(event and event.get("reason") == "lunch", "the event carries the reason", event)
    rows = H.db_rows(hl.db, "SELECT to_state, reason FROM agent_events WHERE agent = '1003' ORDER BY id")
    t.check(rows and rows[-1] == {"to_state": "not_ready", "reason": "lunch"}, "agent_events has it", rows)

    print("-- refused, forbidden, malformed, ping")
    ws.send_json({"id": 3, "command": "conference", "target": "1004"})
    reply = ws.recv_json(5, want=lambda m: m.get("type") == "reply")
    t.check(reply and reply["id"] == 3 and not reply["ok"] and reply["error"]["code"] == "command_refused"
            and "not on a call" in reply["error"]["message"], "conference without a call is refused", reply)
    ws.send_json({"id": 31, "command": "listen", "agent": "1004", "phone": "1005"})
    reply = ws.recv_json(5, want=lambda m: m.get("type") == "reply" and m.get("id") == 31)
    t.check(reply and not reply["ok"] and reply["error"]["code"] == "forbidden",
            "an agent may not listen to calls", reply)
    ws.send_json({"id": 30, "command": "transfer", "target": "1004"})
    reply = ws.recv_json(5, want=lambda m: m.get("type") == "reply" and m.get("id") == 30)
    t.check(reply and not reply["ok"] and reply["error"]["code"] == "command_refused" and
            "not on a call" in reply["error"]["message"],
            "transfer without a call is refused with the reason", reply)
    ws.send_json({"id": 31, "command": "dtmf"})
    reply = ws.recv_json(5, want=lambda m: m.get("type") == "reply" and m.get("id") == 31)
    t.check(reply and not reply["ok"] and reply["error"]["code"] == "invalid_field",
            "dtmf without digits is a bad request", reply)
    ws.send_text("{this is not json")
    err = ws.recv_json(5, want=lambda m: m.get("type") == "error")
    t.check(err and err["type"] == "error" and err["error"]["code"] == "malformed_json",
            "malformed JSON gets an error message", err)
    ws.send_json({"id": 4, "command": "ping"})
    reply = ws.recv_json(5, want=lambda m: m.get("type") == "reply")
    t.check(reply and reply["id"] == 4 and reply["ok"], "the socket stays open (ping answered)", reply)
    ws.send_json({"id": 5, "command": "subscribe", "topics": ["agents"]})
    reply = ws.recv_json(5, want=lambda m: m.get("type") == "reply")
    t.check(reply and not reply["ok"] and reply["error"]["code"] == "forbidden",
            "an agent may not subscribe to everything", reply)

    snapshot = sup.recv_json(6, want=lambda m: m.get("type") == "queues")
    t.check(snapshot and {q["id"] for q in snapshot["queues"]} == {"support", "vip", "sales", "operator"},
            "the supervisor gets queue snapshots", snapshot)
    r = hl.http("GET", "/metrics")
    t.check(r[0] == 200 and "hotline_ws_clients 2" in r[2].decode(), "metrics count two WebSocket clients")

    print("-- reconnect")
    ws.close()
    ws = wsclient.WebSocket(hl.http_port, "/api/v1/events",
                            headers={"Cookie": "hotline_session=" + agent})
    hello = ws.recv_json(5)
    t.check(hello and hello["agent"]["state"] == "not_ready" and hello["agent"]["reason"] == "lunch",
            "a reconnect's hello shows the current state (cookie auth)", hello)
    ws.send_json({"id": 6, "command": "logout"})
    reply = ws.recv_json(5, want=lambda m: m.get("type") == "reply")
    t.check(reply and reply["ok"], "logout is acknowledged", reply)
    callcenter.wait_state(t, hl, "1003", "logged_out")
    ws.close()
    sup.close()

    r = hl.http("GET", "/api/v1/events", token=agent)
    t.check(r[0] == 426, "a plain GET of /api/v1/events asks for a WebSocket", r)
    try:
        wsclient.WebSocket(hl.http_port, "/api/v1/events?token=" + agent,
                           headers={"Origin": "http://evil.example"})
        t.check(False, "a cross-origin upgrade is refused")
    except wsclient.HandshakeError as e:
        t.check(e.status == 403, "a cross-origin upgrade is 403", e)


H.main(run)
