"""Call set-up outcomes: CANCEL before answer, busy, unregistered user, unknown number,
authentication of callers (407 for users, none for entry numbers and trusted trunks), echo."""
import re

import harness as H


def row_for(hl, sipp, timeout=10):
    ids = sipp.call_ids()
    return hl.wait_call_closed(sip_call_id=ids[0], timeout=timeout) if ids else None


def show(row):
    if row:
        print("   row: %s" % {k: row.get(k) for k in ("from_number", "to_number", "disposition", "hangup_cause",
                                                     "hangup_side", "sip_status", "talk_ms", "state")})


def run(t):
    hl = t.start_hotline(trunks=[("it-trunk", H.TRUNK_IP)])
    tone = H.make_tone(t.path("t440.ulaw.wav"), 440, 30, ulaw=True)

    print("-- CANCEL before answer: 1001 -> 1002 (sipp callee rings until cancelled)")
    uas = H.sipp_callee(t, hl, "1002", "uas_ring_cancel.xml", timeout_s=20)
    uac = H.Sipp(t, "uac_cancel.xml", "1002", hl.sip_port, user="1001", subs={"RING_MS": 1000}, timeout_s=20)
    r = uac.run()
    t.check(r.rc == 0, "caller: 180, CANCEL -> 200, INVITE -> 487", r.detail())
    r2 = uas.wait(10)
    t.check(r2.rc == 0, "callee leg was cancelled too (CANCEL, 487, ACK)", r2.detail())
    row = row_for(hl, uac)
    show(row)
    t.check(row and row["disposition"] == "cancelled", "CDR disposition cancelled", row)
    t.check(row and row["hangup_side"] == "caller", "CDR hangup_side caller", row)

    print("-- busy: 1002 in a call with 1001; 1003 calls 1002")
    uas = H.sipp_callee(t, hl, "1002", "uas_answer.xml", subs={"MEDIA": H.media_stream_start(tone),
                                                               "ENDING": "UAS_WAIT_BYE"}, timeout_s=30)
    first = H.Sipp(t, "uac_call.xml", "1002", hl.sip_port, user="1001",
                   subs={"MEDIA": H.media_stream(tone, 6000)}, timeout_s=30).start()
    t.check(hl.wait_answered(what="the first call 1001 -> 1002"), "first call 1001 -> 1002 answered")
    busy = H.Sipp(t, "uac_expect_auth.xml", "1002", hl.sip_port, user="1003", subs={"FROM": "1003", "STATUS": "486"},
                  timeout_s=15)
    r = busy.run()
    t.check(r.rc == 0, "second call 1003 -> 1002 gets 486 Busy Here", r.detail())
    row = row_for(hl, busy)
    show(row)
    t.check(row and row["disposition"] == "busy", "CDR disposition busy", row)
    r = first.wait(20)
    t.check(r.rc == 0, "first call completes normally", r.detail())
    uas.wait(10)
    row = row_for(hl, first)
    show(row)
    t.check(row and row["disposition"] == "answered", "first call CDR answered", row)

    print("-- forking: 1006 has two contacts; one rings until cancelled, the other answers")
    reg_a, ra = H.sipp_register(t, hl, "1006")
    reg_b, rb = H.sipp_register(t, hl, "1006")
    t.check(ra.rc == 0 and rb.rc == 0, "1006 registered from two ports")
    ringer = H.wait_bound(H.Sipp(t, "uas_ring_cancel.xml", "1006", hl.sip_port, local_port=reg_a.local_port,
                                 timeout_s=20).start())
    answerer = H.wait_bound(H.Sipp(t, "uas_answer.xml", "1006", hl.sip_port, local_port=reg_b.local_port,
                                   subs={"RING_MS": 1000, "MEDIA": H.media_stream_start(tone),
                                         "ENDING": "UAS_WAIT_BYE"}, timeout_s=20).start())
    c = H.Sipp(t, "uac_call.xml", "1006", hl.sip_port, user="1001", subs={"MEDIA": H.media_stream(tone, 2000)},
               timeout_s=20)
    r = c.run()
    t.check(r.rc == 0, "call to 1006 answered", r.detail())
    ra, rb = ringer.wait(10), answerer.wait(10)
    t.check(ra.rc == 0, "the contact that kept ringing got CANCEL (200, 487, ACK)", ra.detail())
    t.check(rb.rc == 0, "the contact that answered got the call and the BYE", rb.detail())
    row = row_for(hl, c)
    show(row)
    t.check(row and row["disposition"] == "answered", "forked call CDR answered", row)

    print("-- a call over TCP: 1001 -> 600 (echo) with sipp -t t1")
    c = H.Sipp(t, "uac_call.xml", "600", hl.sip_port, user="1001", transport="t1",
               subs={"MEDIA": H.media_stream(tone, 3000)}, timeout_s=20)
    r = c.run()
    t.check(r.rc == 0, "TCP call to 600 answered and hung up", r.detail())
    row = row_for(hl, c)
    show(row)
    t.check(row and row["disposition"] == "answered" and (row["talk_ms"] or 0) > 2000, "TCP call CDR answered, talk > 2 s", row)

    print("-- a callee registered over TCP: 1008 (sipp -t t1) called by a UDP caller")
    reg, r = H.sipp_register(t, hl, "1008", transport="t1")
    t.check(r.rc == 0, "1008 registered over TCP", r.detail())
    uas = H.wait_bound(H.Sipp(t, "uas_answer.xml", "1008", hl.sip_port, local_port=reg.local_port, transport="t1",
                              subs={"MEDIA": H.media_stream_start(tone), "ENDING": "UAS_WAIT_BYE"},
                              timeout_s=20).start())
    c = H.Sipp(t, "uac_call.xml", "1008", hl.sip_port, user="1001", subs={"MEDIA": H.media_stream(tone, 2000)},
               timeout_s=20)
    r = c.run()
    t.check(r.rc == 0, "UDP caller reaches the TCP-registered 1008", r.detail())
    t.check(uas.wait(10).rc == 0, "the TCP callee got the INVITE and the BYE over TCP")

    print("-- the callee's phone answers 486 itself: the caller gets 486")
    uas = H.sipp_callee(t, hl, "1007", "uas_reject.xml", subs={"STATUS": 486, "REASON": "Busy Here"}, timeout_s=15)
    c = H.Sipp(t, "uac_expect_auth.xml", "1007", hl.sip_port, user="1001", subs={"STATUS": "486"}, timeout_s=15)
    r = c.run()
    t.check(r.rc == 0, "caller gets 486 when the only phone of 1007 is busy", r.detail())
    t.check(uas.wait(10).rc == 0, "the callee's 486 was acknowledged")
    row = row_for(hl, c)
    show(row)
    t.check(row and row["disposition"] == "busy", "CDR disposition busy", row)

    print("-- the callee declines (603): the caller gets a failure, the CDR says rejected")
    uas = H.sipp_callee(t, hl, "1007", "uas_reject.xml", subs={"STATUS": 603, "REASON": "Decline"}, timeout_s=15)
    c = H.Sipp(t, "uac_expect_auth.xml", "1007", hl.sip_port, user="1001", subs={"STATUS": "603"}, timeout_s=15)
    r = c.run()
    finals = [m.splitlines()[0] for d, m in H.sip_messages(r.messages)
              if d == "received" and re.match(r"SIP/2\.0 [3-6]\d\d", m) and not m.startswith("SIP/2.0 407")]
    print("   caller received: %s" % finals)
    t.check(bool(finals), "the caller gets a final failure response", r.detail())
    t.check(r.rc == 0, "... and it is the callee's 603 Decline (got %s)" % (finals[-1:] or "nothing"))
    t.check(uas.wait(10).rc == 0, "the callee's 603 was acknowledged")
    row = row_for(hl, c)
    show(row)
    t.check(row is not None, "CDR row closed for the declined call")
    t.check(row and row["disposition"] == "rejected", "CDR disposition rejected for a declined call", row)

    print("-- unregistered user 1005 -> 486")
    c = H.Sipp(t, "uac_expect_auth.xml", "1005", hl.sip_port, user="1001", subs={"STATUS": "486"}, timeout_s=15)
    r = c.run()
    t.check(r.rc == 0, "call to unregistered 1005 gets 486", r.detail())
    show(row_for(hl, c))

    print("-- unknown number 9999 -> 404")
    c = H.Sipp(t, "uac_expect_auth.xml", "9999", hl.sip_port, user="1001", subs={"STATUS": "404"}, timeout_s=15)
    r = c.run()
    t.check(r.rc == 0, "authenticated call to 9999 gets 404", r.detail())
    row = row_for(hl, c)
    show(row)
    t.check(row and row["disposition"] == "unknown_number", "CDR disposition unknown_number", row)

    print("-- unauthenticated INVITE to 1002 -> 407")
    c = H.Sipp(t, "uac_expect.xml", "1002", hl.sip_port, subs={"FROM": "anonymous", "STATUS": "407"}, timeout_s=15)
    r = c.run()
    t.check(r.rc == 0, "unauthenticated call to 1002 challenged with 407", r.detail())
    chal = [m for d, m in H.sip_messages(r.messages) if d == "received" and m.startswith("SIP/2.0 407")]
    t.check(chal and re.search(r'^Proxy-Authenticate: *Digest .*realm="hotline"', chal[0], re.M | re.I),
            "407 carries Proxy-Authenticate: Digest realm=\"hotline\"", chal[0] if chal else r.messages[-2000:])

    print("-- wrong password on INVITE -> 403 (or another 407)")
    c = H.Sipp(t, "uac_expect_auth.xml", "1002", hl.sip_port, user="1001", password="nope",
               subs={"STATUS": "403"}, timeout_s=15)
    r = c.run()
    got = [m.splitlines()[0] for d, m in H.sip_messages(r.messages) if d == "received" and m.startswith("SIP/2.0 4")]
    print("   responses: %s" % got)
    t.check(r.rc == 0 or got[-1:] == ["SIP/2.0 407 Proxy Authentication Required"],
            "INVITE with a wrong password is refused", r.detail())

    print("-- unauthenticated call to 600 (echo), baresip without credentials, 440 Hz")
    a = H.Baresip(t, "echo_caller", "<sip:guest@127.0.0.1:{sip_port};transport=udp>;regint=0;audio_codecs=PCMU",
                  H.make_tone(t.path("t440.wav"), 440, 30), hl.sip_port,
                  commands=["/dial sip:600@127.0.0.1:{sip_port}"], quit_after_s=8)
    a.start()
    a.wait(20)
    dec = a.dumps("dec")
    t.check(bool(dec), "echo caller dumped what it heard")
    if dec:
        t.check(H.tone_present(t, dec[-1], 440, skip_ms=1500), "echo: the caller's 440 Hz came back")
    row = hl.wait_call_closed(to_number="600", from_number="guest")
    show(row)
    t.check(row and row["disposition"] == "answered", "echo call CDR answered", row)
    t.check(row and (row["talk_ms"] or 0) > 3000, "echo call talk_ms > 3000", row)

    print("-- trusted trunk 127.0.0.2 reaches 1002 without authentication")
    uas = H.sipp_callee(t, hl, "1002", "uas_answer.xml", subs={"MEDIA": H.media_stream_start(tone),
                                                               "ENDING": "UAS_WAIT_BYE"}, timeout_s=20)
    c = H.Sipp(t, "uac_call.xml", "1002", hl.sip_port, local_ip=H.TRUNK_IP, subs={"FROM": "+8613800000000",
               "MEDIA": H.media_stream(tone, 3000)}, timeout_s=20)
    r = c.run()
    t.check(r.rc == 0, "trunk call answered by 1002 with no credentials", r.detail())
    t.check(not re.search(r"^SIP/2.0 40[17]", r.messages, re.M), "no 401/407 challenge to the trunk")
    t.check(uas.wait(10).rc == 0, "callee side of the trunk call completes")
    row = row_for(hl, c)
    show(row)
    t.check(row and row["disposition"] == "answered", "trunk call CDR answered", row)

    t.check(hl.options() == 200, "server still answers OPTIONS")


H.main(run)
