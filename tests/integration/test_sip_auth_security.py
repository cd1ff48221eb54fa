"""Issue 9 (4, 5): digest authentication without replay, and brute force / flood defences,
with raw SIP over UDP from several loopback addresses (127.0.0.1 is the phone, 127.0.0.2-.9
are other hosts: attackers).

- A REGISTER captured on the wire and replayed (from another host, or from the same host with
  the same nonce-count) does not take over the registration: calls still ring the real phone.
- INVITE credentials for one call do not place calls to other numbers (digest uri and nonce
  bound to the Request-URI, Call-ID and source).
- Wrong passwords: 403, then after a few the source is blocked (503 + Retry-After) with a
  fail2ban-friendly SECURITY line; a user guessed from many addresses is blocked for them
  but its own phone keeps registering.
- A source flooding OPTIONS is rate limited (503), then dropped in the kernel for a while
  (no answer at all), while another source is served; a scanner User-Agent is refused (403)."""
import re
import socket
import threading
import time
import uuid

import harness as H


def header(message, name):
    m = re.search(rb"^" + name.encode() + rb":\s*(.*?)\r$", message or b"", re.M | re.I)
    return m.group(1).decode() if m else ""


class Phone:
    """A UDP SIP endpoint bound to (ip, port) that sends requests and collects answers."""

    def __init__(self, hl, ip, port=0):
        self.hl, self.ip = hl, ip
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, port))
        self.port = self.sock.getsockname()[1]

    def send(self, data, wait=2.0):
        self.sock.sendto(data, (H.LOCAL_IP, self.hl.sip_port))
        return self.final(wait)

    def final(self, wait=2.0):
        """The first final response that arrives within wait seconds."""
        return self._first(wait, lambda data: (H.status_of(data) or 0) >= 200)

    def incoming(self, wait):
        """The first request (e.g. an INVITE) that arrives within wait seconds."""
        return self._first(wait, lambda data: not H.status_of(data))

    def _first(self, wait, wanted):
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65535)
            except (socket.timeout, OSError):
                return None
            if wanted(data):
                return data
        return None

    def close(self):
        self.sock.close()


def register(hl, phone, user, call_id, cseq, auth=None, contact_ip=None, contact_port=None,
             user_agent="hotline-it"):
    uri = "sip:127.0.0.1:%d" % hl.sip_port
    headers = [("Via", "SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport" % (phone.ip, phone.port, uuid.uuid4().hex[:12])),
               ("To", "<sip:%s@127.0.0.1>" % user), ("From", "<sip:%s@127.0.0.1>;tag=r%s" % (user, call_id[:6])),
               ("CSeq", "%d REGISTER" % cseq), ("Expires", "120"), ("User-Agent", user_agent),
               ("Contact", "<sip:%s@%s:%d>" % (user, contact_ip or phone.ip, contact_port or phone.port))]
    if auth:
        headers.append(("Authorization", auth))
    return H.sip_request("REGISTER", hl.sip_port, uri=uri, headers=headers, call_id=call_id,
                         local_ip=phone.ip)


def invite(hl, phone, to_user, call_id, cseq, auth=None):
    uri = "sip:%s@127.0.0.1:%d" % (to_user, hl.sip_port)
    sdp = ("v=0\r\no=x 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
           "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n" % (phone.ip, phone.ip))
    headers = [("Via", "SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport" % (phone.ip, phone.port, uuid.uuid4().hex[:12])),
               ("To", "<%s>" % uri), ("From", "<sip:1001@127.0.0.1>;tag=i%s" % call_id[:6]),
               ("CSeq", "%d INVITE" % cseq), ("Contact", "<sip:1001@%s:%d>" % (phone.ip, phone.port)),
               ("Content-Type", "application/sdp")]
    if auth:
        headers.append(("Proxy-Authorization", auth))
    return H.sip_request("INVITE", hl.sip_port, uri=uri, headers=headers, call_id=call_id,
                         body=sdp, local_ip=phone.ip)


def ack_and_bye(hl, phone, response):
    """Ends what an INVITE started (ACK a final error; nothing else is needed here)."""
    status = H.status_of(response) or 0
    if status >= 300:
        via = header(response, "Via")
        ack = ("ACK sip:x@127.0.0.1:%d SIP/2.0\r\nVia: %s\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\n"
               "CSeq: %s ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
               % (hl.sip_port, via, header(response, "From"), header(response, "To"),
                  header(response, "Call-ID"), header(response, "CSeq").split()[0]))
        phone.sock.sendto(ack.encode(), (H.LOCAL_IP, hl.sip_port))


def run(t):
    hl = t.start_hotline(extra={"user_voicemail": "false"},
                         raw="sip_security:\n  auth_failures_before_block: 3\n  auth_block_s: 20\n"
                             "  rate_per_source: 50\n  rate_burst: 100\n  flood_block_s: 4\n")
    replayed_register(t, hl)
    replayed_invite(t, hl)
    guessing(t, hl)
    flood(t, hl)
    t.check(hl.options() == 200, "hotline still answers OPTIONS from 127.0.0.1")


def replayed_register(t, hl):
    print("-- 1001 registers from 127.0.0.1; its REGISTER is captured and replayed")
    phone = Phone(hl, "127.0.0.1")
    call_id = uuid.uuid4().hex
    first = phone.send(register(hl, phone, "1001", call_id, 1))
    t.check(H.status_of(first) == 401, "REGISTER -> 401", first)
    auth = H.digest_authorization("1001", "demo1001", header(first, "WWW-Authenticate"), "REGISTER",
                                  "sip:127.0.0.1:%d" % hl.sip_port)
    ok = phone.send(register(hl, phone, "1001", call_id, 2, auth=auth))
    t.check(H.status_of(ok) == 200, "REGISTER with credentials -> 200", ok)

    thief = Phone(hl, "127.0.0.3")
    stolen = register(hl, thief, "1001", call_id, 3, auth=auth, contact_ip="127.0.0.3",
                      contact_port=thief.port)
    r = thief.send(stolen)
    t.check(H.status_of(r) == 401, "the captured credentials from another host (127.0.0.3) -> 401", r)
    again = register(hl, phone, "1001", call_id, 4, auth=auth, contact_ip="127.0.0.1",
                     contact_port=thief.port)
    r = phone.send(again)
    t.check(H.status_of(r) == 401, "the same nonce-count again from the phone's own address -> 401", r)
    t.check("stale=true" in header(r, "WWW-Authenticate").lower(),
            "... with stale=TRUE (a phone that reused a count by mistake recovers)", r)
    auth2 = H.digest_authorization("1001", "demo1001", header(first, "WWW-Authenticate"), "REGISTER",
                                   "sip:127.0.0.1:%d" % hl.sip_port, nc=2)
    r = phone.send(register(hl, phone, "1001", call_id, 5, auth=auth2))
    t.check(H.status_of(r) == 200, "the phone's next nonce-count -> 200 (refresh works)", r)

    print("-- a call to 1001 rings the real phone, never the thief")
    caller = H.Sipp(t, "uac_expect_auth.xml", "1001", hl.sip_port, user="1002",
                    subs={"STATUS": "480"}, timeout_s=15).start()
    got = phone.incoming(5)
    t.check(got is not None and got.startswith(b"INVITE"), "the phone at 127.0.0.1 got the INVITE", got)
    t.check(thief.incoming(0.5) is None, "nothing reached the thief at 127.0.0.3")
    if got:
        busy = ("SIP/2.0 480 Temporarily Unavailable\r\nVia: %s\r\nFrom: %s\r\nTo: %s;tag=p1\r\n"
                "Call-ID: %s\r\nCSeq: %s\r\nContent-Length: 0\r\n\r\n"
                % (header(got, "Via"), header(got, "From"), header(got, "To"), header(got, "Call-ID"),
                   header(got, "CSeq"))).encode()
        phone.sock.sendto(busy, (H.LOCAL_IP, hl.sip_port))
    caller.wait(20)
    phone.close()
    thief.close()


def replayed_invite(t, hl):
    print("-- 1001's credentials for a call to 1002 (from 127.0.0.12) are reused for other numbers")
    phone = Phone(hl, "127.0.0.12")
    call_id = uuid.uuid4().hex
    first = phone.send(invite(hl, phone, "1002", call_id, 1))
    t.check(H.status_of(first) == 407, "INVITE 1002 -> 407", first)
    ack_and_bye(hl, phone, first)
    uri = "sip:1002@127.0.0.1:%d" % hl.sip_port
    auth = H.digest_authorization("1001", "demo1001", header(first, "Proxy-Authenticate"), "INVITE", uri)
    r = phone.send(invite(hl, phone, "1002", call_id, 2, auth=auth))
    t.check(H.status_of(r) in (480, 486), "the authenticated INVITE reached call control (1002 "
            "is not registered: %s)" % H.status_of(r), r)
    ack_and_bye(hl, phone, r)

    for who, ip, same_call in (("another host", "127.0.0.4", False),
                               ("the same host, a new call", "127.0.0.12", False),
                               ("the same host and Call-ID", "127.0.0.12", True)):
        other = phone if ip == phone.ip else Phone(hl, ip)
        for n, target in enumerate(("1003", "00861380013800")):
            cid = call_id if same_call else uuid.uuid4().hex
            r = other.send(invite(hl, other, target, cid, 7 + n, auth=auth))
            # 407: challenged again; 403: wrong credentials; 503: that host is now blocked.
            t.check(H.status_of(r) in (403, 407, 503),
                    "credentials for 1002 sent by %s to %s -> %s (not a call)"
                    % (who, target, H.status_of(r)), r)
            ack_and_bye(hl, other, r)
        if other is not phone:
            other.close()
    calls = hl.calls("to_number IN ('1003', '00861380013800')")
    t.check(not calls, "no call record for the other numbers", calls)
    phone.close()


def guessing(t, hl):
    print("-- 127.0.0.5 guesses 1003's password")
    guesser = Phone(hl, "127.0.0.5")
    statuses = []
    for i in range(3):
        call_id = uuid.uuid4().hex
        c = guesser.send(register(hl, guesser, "1003", call_id, 1))
        if H.status_of(c) != 401:
            statuses.append(H.status_of(c))
            continue
        auth = H.digest_authorization("1003", "guess%d" % i, header(c, "WWW-Authenticate"), "REGISTER",
                                      "sip:127.0.0.1:%d" % hl.sip_port)
        statuses.append(H.status_of(guesser.send(register(hl, guesser, "1003", call_id, 2, auth=auth))))
    t.check(statuses == [403, 403, 403], "three wrong passwords -> 403 each", statuses)
    blocked = guesser.send(register(hl, guesser, "1003", uuid.uuid4().hex, 1))
    t.check(H.status_of(blocked) == 503, "the guessing source is then blocked -> 503", blocked)
    t.check(header(blocked, "Retry-After").isdigit(), "... with Retry-After", blocked)
    t.check(re.search(r"SECURITY auth failure: source=127\.0\.0\.5 .*user=\"1003\"", hl.log()) is not None,
            "a SECURITY auth failure line names the source and user")
    t.check(re.search(r"SECURITY blocked: source=127\.0\.0\.5 for \d+ s", hl.log()) is not None,
            "a SECURITY blocked line names the source")

    print("-- 1004's phone registers from 127.0.0.1, then 1004 is guessed from three hosts")
    phone = Phone(hl, "127.0.0.1")
    call_id = uuid.uuid4().hex
    c = phone.send(register(hl, phone, "1004", call_id, 1))
    auth = H.digest_authorization("1004", "demo1004", header(c, "WWW-Authenticate"), "REGISTER",
                                  "sip:127.0.0.1:%d" % hl.sip_port)
    t.check(H.status_of(phone.send(register(hl, phone, "1004", call_id, 2, auth=auth))) == 200,
            "1004 registered from 127.0.0.1")
    for ip in ("127.0.0.6", "127.0.0.7", "127.0.0.8"):
        g = Phone(hl, ip)
        cid = uuid.uuid4().hex
        c = g.send(register(hl, g, "1004", cid, 1))
        a = H.digest_authorization("1004", "wrong", header(c, "WWW-Authenticate"), "REGISTER",
                                   "sip:127.0.0.1:%d" % hl.sip_port)
        g.send(register(hl, g, "1004", cid, 2, auth=a))
        g.close()
    stranger = Phone(hl, "127.0.0.9")
    cid = uuid.uuid4().hex
    c = stranger.send(register(hl, stranger, "1004", cid, 1))
    a = H.digest_authorization("1004", "demo1004", header(c, "WWW-Authenticate"), "REGISTER",
                               "sip:127.0.0.1:%d" % hl.sip_port)
    r = stranger.send(register(hl, stranger, "1004", cid, 2, auth=a))
    t.check(H.status_of(r) == 403, "user 1004 blocked for new addresses (even the right password "
            "from 127.0.0.9 -> 403)", r)
    stranger.close()
    c = phone.send(register(hl, phone, "1004", call_id, 3))
    a3 = H.digest_authorization("1004", "demo1004", header(c, "WWW-Authenticate"), "REGISTER",
                                "sip:127.0.0.1:%d" % hl.sip_port)
    r = phone.send(register(hl, phone, "1004", call_id, 4, auth=a3))
    t.check(H.status_of(r) == 200, "1004's own phone (127.0.0.1) still registers", r)
    phone.close()
    guesser.close()


def flood(t, hl):
    print("-- 127.0.0.10 floods OPTIONS; a scanner User-Agent")
    flooder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flooder.bind(("127.0.0.10", 0))
    flooder.settimeout(1.5)
    statuses = []

    def receive():  # read while sending: answers must not overflow our own socket buffer
        while True:
            try:
                statuses.append(H.status_of(flooder.recv(65535)))
            except (socket.timeout, OSError):
                return

    reader = threading.Thread(target=receive)
    reader.start()
    began = time.monotonic()
    for _ in range(400):  # 400 in about 0.8 s: 500 a second against a budget of 50 (burst 100)
        flooder.sendto(H.sip_request("OPTIONS", hl.sip_port, local_ip="127.0.0.10"),
                       (H.LOCAL_IP, hl.sip_port))
        time.sleep(0.002)
    elapsed = time.monotonic() - began
    reader.join()
    flooder.close()
    print("   answers: %d x 200, %d x 503" % (statuses.count(200), statuses.count(503)))
    budget = 100 + 50 * (elapsed + 0.5)  # the burst, the rate while sending, answer lag
    served, refused = statuses.count(200), statuses.count(503)
    t.check(100 <= served <= budget,
            "the burst (100) plus at most 50/s were served (%d <= %d, sent in %.1f s)"
            % (served, budget, elapsed))
    t.check(served + refused < 300, "the rest got no answer at all: dropped in the kernel "
            "(%d answers to 400)" % (served + refused))
    t.check(hl.options() == 200, "another source (127.0.0.1) is served during the flood")
    t.check(re.search(r"SECURITY rate limited: source=127\.0\.0\.10", hl.log()) is not None,
            "the rate limit is logged")
    n = len(re.findall(r"SECURITY rate limited", hl.log()))
    t.check(n == 1, "... once, not per request (%d lines)" % n)
    t.check(re.search(r"SECURITY flood: source=127\.0\.0\.10 dropped in the kernel for 4 s",
                      hl.log()) is not None, "the kernel drop is logged")
    probe = H.sip_request("OPTIONS", hl.sip_port, local_ip="127.0.0.10")
    t.check(not H.send_udp(probe, hl.sip_port, wait=1.0, local_ip="127.0.0.10"),
            "127.0.0.10 gets no answer while it is dropped")
    back = H.wait_until(lambda: [H.status_of(r) for r in H.send_udp(
        probe, hl.sip_port, wait=0.5, local_ip="127.0.0.10")] == [200], 10, interval=0.5)
    t.check(back, "after flood_block_s, 127.0.0.10 is served again")
    scanner = H.sip_request("OPTIONS", hl.sip_port, headers=[("User-Agent", "friendly-scanner")],
                            local_ip="127.0.0.11")
    replies = H.send_udp(scanner, hl.sip_port, local_ip="127.0.0.11")
    t.check([H.status_of(r) for r in replies] == [403], "User-Agent friendly-scanner -> 403", replies)


if __name__ == "__main__":
    H.main(run)
