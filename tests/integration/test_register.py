"""Registrar: digest-authenticated REGISTER over UDP and TCP, wrong password, un-REGISTER,
two contacts for one user, OPTIONS."""
import re

import harness as H


def final_response(result, method="REGISTER"):
    """The last final response to `method` sipp received (text), or ''."""
    got = [m for d, m in H.sip_messages(result.messages)
           if d == "received" and re.match(r"SIP/2\.0 [2-6]\d\d", m) and re.search(r"^CSeq: *\d+ %s" % method, m, re.M | re.I)]
    return got[-1] if got else ""


def contacts(msg):
    """Contact URIs (host:port) listed in a message (several headers or comma lists)."""
    out = []
    for line in re.findall(r"^(?:Contact|m) *:(.*)$", msg, re.M | re.I):
        out += re.findall(r"sip:[^@>;]*@?([0-9.]+:\d+)", line)
    return out


def run(t):
    hl = t.start_hotline(trunks=[("it-trunk", H.TRUNK_IP)])

    print("-- OPTIONS")
    t.check(hl.options("udp") == 200, "OPTIONS over UDP -> 200")
    t.check(hl.options("tcp") == 200, "OPTIONS over TCP -> 200")

    print("-- REGISTER 1001 with the right password (UDP)")
    s, r = H.sipp_register(t, hl, "1001")
    t.check(r.rc == 0, "REGISTER 1001: 401 challenge then 200", r.detail())
    ok = final_response(r)
    t.check(ok.startswith("SIP/2.0 200"), "final response is 200", ok)
    t.check("127.0.0.1:%d" % s.local_port in contacts(ok), "200 carries our Contact (port %d)" % s.local_port, ok)
    t.check(re.search(r"expires", ok, re.I) is not None, "200 states an expiry", ok)

    print("-- REGISTER 1001 with a wrong password")
    s, r = H.sipp_register(t, hl, "1001", password="wrong-password", scenario="register_badpw.xml")
    fin = final_response(r)
    t.check(r.rc == 0, "wrong password refused with 403 (or a second 401)", r.detail())
    print("   server answered: %s" % (fin.splitlines()[0] if fin else "nothing"))

    print("-- two contacts for 1002")
    s1, r1 = H.sipp_register(t, hl, "1002")
    s2, r2 = H.sipp_register(t, hl, "1002")
    t.check(r1.rc == 0 and r2.rc == 0, "both REGISTERs of 1002 succeed", r1.detail() + r2.detail())
    both = contacts(final_response(r2))
    t.check("127.0.0.1:%d" % s1.local_port in both and "127.0.0.1:%d" % s2.local_port in both,
            "the second 200 lists both contacts (%d and %d)" % (s1.local_port, s2.local_port),
            final_response(r2))

    print("-- un-REGISTER 1003")
    s, r = H.sipp_register(t, hl, "1003")
    t.check(r.rc == 0, "REGISTER 1003 -> 200", r.detail())
    port = s.local_port
    s, r = H.sipp_register(t, hl, "1003", expires=0, local_port=port)
    fin = final_response(r)
    t.check(r.rc == 0 and fin.startswith("SIP/2.0 200"), "REGISTER 1003 Expires: 0 -> 200", r.detail())
    t.check("127.0.0.1:%d" % port not in contacts(fin), "the 200 no longer lists the removed contact", fin)
    # A call to 1003 now: the user has no binding -> 486.
    c = H.Sipp(t, "uac_expect_auth.xml", "1003", hl.sip_port, user="1001", subs={"STATUS": "486"},
               timeout_s=15)
    r = c.run()
    t.check(r.rc == 0, "a call to the unregistered 1003 gets 486", r.detail())

    print("-- REGISTER 1004 over TCP")
    s, r = H.sipp_register(t, hl, "1004", transport="t1")
    fin = final_response(r)
    t.check(r.rc == 0 and fin.startswith("SIP/2.0 200"), "REGISTER over TCP -> 401 then 200", r.detail())
    t.check("127.0.0.1:%d" % s.local_port in contacts(fin), "TCP 200 carries our Contact", fin)

    print("-- REGISTER for an unknown user")
    c = H.Sipp(t, "register_badpw.xml", "7777", hl.sip_port, user="7777", password="x", timeout_s=10)
    r = c.run()
    fin = final_response(r)
    first = [m for d, m in H.sip_messages(r.messages) if d == "received"]
    print("   server answered: %s" % ([m.splitlines()[0] for m in first] or "nothing"))
    t.check(not fin.startswith("SIP/2.0 200"), "unknown user is not registered", fin)

    t.check(hl.options() == 200, "server still answers OPTIONS")


H.main(run)
