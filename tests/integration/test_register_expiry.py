"""Digest nonce expiry and registration lifetimes, with raw SIP over UDP.

- A REGISTER answered with credentials computed for a nonce older than nonce_ttl_s is
  challenged again with stale=TRUE (the phone re-authenticates without asking its user).
- Expires is honoured: a binding registered for 2 s is gone after it lapses (a call to the
  user then gets 486), and an Expires below the minimum is answered 423 with Min-Expires."""
import re
import time
import uuid

import harness as H


def header(message, name):
    m = re.search(rb"^" + name.encode() + rb":\s*(.*?)\r$", message, re.M | re.I)
    return m.group(1).decode() if m else None


def register(port, user, expires, auth=None, call_id=None, cseq=1):
    headers = [("To", "<sip:%s@127.0.0.1>" % user), ("From", "<sip:%s@127.0.0.1>;tag=x%d" % (user, cseq)),
               ("CSeq", "%d REGISTER" % cseq), ("Expires", str(expires)),
               ("Contact", "<sip:%s@127.0.0.1:5999>" % user)]
    if auth:
        headers.append(("Authorization", auth))
    data = H.sip_request("REGISTER", port, uri="sip:127.0.0.1:%d" % port, headers=headers,
                         call_id=call_id)
    replies = [r for r in H.send_udp(data, port) if (H.status_of(r) or 0) >= 200]
    return replies[0] if replies else None


def credentials(user, password, challenge, port, nc=1):
    return H.digest_authorization(user, password, challenge, "REGISTER",
                                  "sip:127.0.0.1:%d" % port, nc=nc)


def run(t):
    hl = t.start_hotline(extra={"nonce_ttl_s": 1, "register_min_expires_s": 2})
    port = hl.sip_port
    call_id = uuid.uuid4().hex

    first = register(port, "1003", 60, call_id=call_id, cseq=1)
    t.check(H.status_of(first) == 401, "REGISTER without credentials -> 401", first)
    challenge = header(first, "WWW-Authenticate") or ""
    auth = credentials("1003", "demo1003", challenge, port)
    ok = register(port, "1003", 60, auth=auth, call_id=call_id, cseq=2)
    t.check(H.status_of(ok) == 200, "fresh nonce -> 200", ok)

    H.wait_until(lambda: False, 2.2)  # let the nonce age past nonce_ttl_s
    stale = register(port, "1003", 60, auth=auth, call_id=call_id, cseq=3)
    t.check(H.status_of(stale) == 401, "the same credentials 2 s later -> 401", stale)
    t.check("stale=true" in (header(stale, "WWW-Authenticate") or "").lower(),
            "... with stale=TRUE", stale)

    call_id4 = uuid.uuid4().hex  # the nonce is bound to the Call-ID it was issued for
    short = register(port, "1004", 1, call_id=call_id4, cseq=1)
    auth4 = credentials("1004", "demo1004", header(short, "WWW-Authenticate") or "", port)
    too_brief = register(port, "1004", 1, auth=auth4, call_id=call_id4, cseq=2)
    t.check(H.status_of(too_brief) == 423, "Expires 1 below the minimum 2 -> 423", too_brief)
    t.check(header(too_brief, "Min-Expires") == "2", "... with Min-Expires: 2", too_brief)

    auth4 = credentials("1004", "demo1004", header(short, "WWW-Authenticate") or "", port, nc=2)
    reg = register(port, "1004", 2, auth=auth4, call_id=call_id4, cseq=3)
    t.check(H.status_of(reg) == 200, "REGISTER 1004 Expires 2 -> 200", reg)
    t.check(re.search(rb"expires=2", reg or b"") is not None, "200 lists the binding with expires=2", reg)
    time.sleep(2.5)
    uac = H.Sipp(t, "uac_expect_auth.xml", "1004", port, user="1001",
                 subs={"STATUS": "486"}, timeout_s=15).start()
    r = uac.wait(20)
    t.check(r.rc == 0, "after the binding lapsed, a call to 1004 gets 486", r.detail())


H.main(run)
