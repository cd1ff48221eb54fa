"""Issue 9 (1): callers with a display name reach their callee. A From such as
`"Alice Zhang" <sip:1001@...>` used to be quoted a second time, so the INVITE to the callee was
never sent (and a queue agent offered such a call went not ready after the ring timeout).
Display names with quotes, backslashes, commas, Chinese and empty names are carried to the
callee exactly once quoted; real peers: sipp (exact bytes on the wire), baresip (a softphone
with a display name calling another), and a queue agent offered a call with a display name."""
import re
import socket
import time
import uuid

import harness as H

BACKSLASHES = '"C:\\\\temp\\\\x \\"Q\\"" '  # on the wire: "C:\\temp\\x \"Q\"" 

# (what the caller sends before <sip:...>, what the callee must receive before <sip:...>).
# Backslashes are sent by the raw caller below: sipp rewrites them in its scenario text.
NAMES = [
    ('"Alice Zhang" ', '"Alice Zhang" '),
    ('"O\\"Brien, Pat" ', '"O\\"Brien, Pat" '),
    ('"张丽 (客户)" ', '"张丽 (客户)" '),
    ('Alice ', '"Alice" '),
    ('"" ', ''),
    ('', ''),
]

QUEUE_FLOW = """flow: dn_queue
version: 1
numbers: ["700"]
languages: [en]
language: en
start: support
nodes:
  support:
    type: queue
    queue: support
"""

QUEUES = """
queues:
  - name: support
    skills: {support: 1}
    ring_timeout_s: 6
    wrap_up_s: 0
    announce_every_s: 0
    offer_callback: false
    leave_when_empty: false
agents:
  - {user: "1003", skills: {support: 1}}
"""


def run(t):
    flow = t.path("dn_queue.yaml")
    with open(flow, "w") as f:
        f.write(QUEUE_FLOW)
    hl = t.start_hotline(dial_plan=[{"number": "700", "action": "ivr", "target": flow}],
                         entry_numbers=("600", "700"), raw=QUEUES)
    sipp_names(t, hl)
    baresip_name(t, hl)
    queue_agent(t, hl)


def invite_froms(messages):
    """From headers of the INVITEs a sipp UAS received (retransmissions counted once)."""
    froms, seen = [], set()
    for m in re.finditer(r"^INVITE sip:.*?^From:[ \t]*(.*?)[ \t]*$.*?^Call-ID:[ \t]*(\S+)",
                         messages, re.M | re.S):
        if m.group(2) not in seen:
            seen.add(m.group(2))
            froms.append(m.group(1))
    return froms


def raw_call(t, hl, to_user, from_display):
    """1001 calls to_user with raw SIP over UDP (digest with qop=auth), talks 1 s, hangs up.
    True when the call was answered."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((H.LOCAL_IP, 0))
    port = s.getsockname()[1]
    uri = "sip:%s@127.0.0.1:%d" % (to_user, hl.sip_port)
    call_id, tag = uuid.uuid4().hex, uuid.uuid4().hex[:8]
    sdp = ("v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n" % H.free_port(tcp=False))

    def request(method, cseq, to, extra=(), body="", branch=None):
        branch = branch or "z9hG4bK" + uuid.uuid4().hex[:12]
        lines = ["%s %s SIP/2.0" % (method, uri),
                 "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" % (port, branch),
                 "From: %s<sip:1001@127.0.0.1>;tag=%s" % (from_display, tag), "To: %s" % to,
                 "Call-ID: %s" % call_id, "CSeq: %d %s" % (cseq, method), "Max-Forwards: 70",
                 "Contact: <sip:1001@127.0.0.1:%d>" % port] + list(extra)
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append("Content-Length: %d" % len(body.encode()))
        s.sendto(("\r\n".join(lines) + "\r\n\r\n" + body).encode(), (H.LOCAL_IP, hl.sip_port))
        return branch

    def final(wait=10):
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = s.recv(65535)
            except (socket.timeout, OSError):
                return None
            if (H.status_of(data) or 0) >= 200:
                return data
        return None

    def header(msg, name):
        m = re.search(rb"^" + name.encode() + rb":\s*(.*?)\r$", msg or b"", re.M | re.I)
        return m.group(1).decode() if m else ""

    try:
        first_branch = request("INVITE", 1, "<%s>" % uri, body=sdp)
        challenge = final()
        if H.status_of(challenge) != 407:
            return False
        request("ACK", 1, header(challenge, "To"), branch=first_branch)  # ACK of a non-2xx
        auth = H.digest_authorization("1001", "demo1001", header(challenge, "Proxy-Authenticate"),
                                      "INVITE", uri)
        request("INVITE", 2, "<%s>" % uri, ["Proxy-Authorization: " + auth], sdp)
        answer = final()
        if H.status_of(answer) != 200:
            return False
        to = header(answer, "To")
        request("ACK", 2, to)
        time.sleep(1)
        request("BYE", 3, to)
        final(3)
        return True
    finally:
        s.close()


def sipp_names(t, hl):
    print("-- sipp 1001 calls sipp 1002 with each display name")
    uas = H.sipp_callee(t, hl, "1002", calls=len(NAMES) + 1, timeout_s=90)
    for sent, _ in NAMES:
        uac = H.Sipp(t, "uac_call.xml", "1002", hl.sip_port, user="1001",
                     subs={"FROM_DISPLAY": sent}, timeout_s=20)
        r = uac.run(30)
        t.check(r.rc == 0 and r.successful == 1, "call with From display %r answered" % sent,
                r.detail())
    t.check(raw_call(t, hl, "1002", BACKSLASHES), "call with From display %r answered" % BACKSLASHES)
    r = uas.wait(30)
    froms = invite_froms(r.messages)
    t.check(len(froms) == len(NAMES) + 1, "the callee got %d INVITEs" % (len(NAMES) + 1), froms)
    for (sent, expected), got in zip(NAMES + [(BACKSLASHES, BACKSLASHES)], froms):
        want = expected + "<sip:1001@"
        t.check(got.startswith(want), "display %r reached the callee as %r" % (sent, want), got)


def baresip_name(t, hl):
    print("-- baresip \"Alice Zhang\" 1001 calls baresip 1002 (auto answer)")
    a_wav = H.make_tone(t.path("a_440.wav"), 440, 30)
    b_wav = H.make_tone(t.path("b_1000.wav"), 1000, 30)
    b = H.Baresip(t, "bob", '"Bob Li" <sip:1002@127.0.0.1:{sip_port};transport=udp>;'
                  "auth_pass=demo1002;regint=60;answermode=auto;audio_codecs=PCMU", b_wav,
                  hl.sip_port, quit_after_s=25)
    b.start()
    t.check(H.wait_until(b.registered, 10), "baresip 1002 registered", H.tail(b.output(), 20))
    a = H.Baresip(t, "alice", '"Alice Zhang" <sip:1001@127.0.0.1:{sip_port};transport=udp>;'
                  "auth_pass=demo1001;regint=0;audio_codecs=PCMU", a_wav, hl.sip_port,
                  commands=["/dial sip:1002@127.0.0.1:{sip_port}"], quit_after_s=7)
    a.start()
    a.wait(20)
    b.stop()
    t.check(re.search(r"Call established|established", a.output(), re.I) is not None,
            "the caller's call was established", H.tail(a.output(), 20))
    dec = b.dumps("dec")
    if dec:
        t.check(H.tone_present(t, dec[-1], 440, skip_ms=1000), "the callee heard the caller")
    rows = hl.calls("to_number = '1002' AND state = 'closed'")
    t.check(any(r["disposition"] == "answered" for r in rows), "CDR answered", rows)


def queue_agent(t, hl):
    print("-- a caller \"Zhang, Li\" reaches queue agent 1003 (logged in by *11)")
    uas = H.sipp_callee(t, hl, "1003", calls=2, timeout_s=60)
    login = H.Sipp(t, "uac_call.xml", "*11", hl.sip_port, user="1003",
                   subs={"FROM": "1003", "ENDING": "WAIT_BYE", "TIMEOUT_MS": 15000},
                   local_port=uas.local_port + 1, timeout_s=30)
    # *11 answers with a prompt, then hangs up: the agent is logged in and ready.
    r = login.run(40)
    t.check(r.rc == 0, "agent 1003 logged in with *11", r.detail())
    ready = H.wait_until(lambda: H.db_rows(hl.db, "SELECT to_state FROM agent_events WHERE "
                                           "agent = '1003' ORDER BY id DESC LIMIT 1")
                         == [{"to_state": "ready"}], 10)
    t.check(ready, "agent 1003 ready")
    caller = H.Sipp(t, "uac_call.xml", "700", hl.sip_port, local_ip=H.LOCAL_IP,
                    subs={"FROM": "13900001111", "FROM_DISPLAY": '"Zhang, Li \\"VIP\\"" ',
                          "MEDIA": H.media_pause(5000), "ENDING": "BYE"}, timeout_s=30)
    r = caller.run(40)
    t.check(r.rc == 0 and r.successful == 1, "the queue call was answered by the agent",
            r.detail())
    time_ok = H.wait_until(lambda: uas.proc.alive() is False or "INVITE" in H._read(uas.msg_path), 5)
    froms = invite_froms(H._read(uas.msg_path))
    t.check(time_ok and any(f.startswith('"Zhang, Li \\"VIP\\"" <sip:13900001111@') for f in froms),
            "the agent's phone got the caller's display name once quoted", froms)
    rows = hl.calls("to_number = '700'")
    t.check(any(r["agent"] == "1003" for r in rows), "CDR: agent 1003 took the call", rows)
    events = H.db_rows(hl.db, "SELECT to_state, reason FROM agent_events WHERE agent = '1003'")
    t.check(not any(e["reason"] == "no_answer" for e in events),
            "the agent was not set not ready for not answering", events)
    uas.stop()


if __name__ == "__main__":
    H.main(run)
