"""Caller ID is not identity (the demo hotline 100, callcenter.py set-up).

1. An unauthenticated call from a spoofed 13800138000 (a VIP customer's number; it also sends
   a P-Asserted-Identity, which only trusted trunks may) is not routed to the vip queue, and
   the agent's screen pop (call.offered on the CTI WebSocket) says caller_verified false, with
   the candidate customer but no balance or account.
2. The same number from the trusted trunk (127.0.0.2) is VIP: vip queue, caller_verified true,
   balance in the pop.
3. From the trusted trunk, P-Asserted-Identity names the caller (From says anonymous).
4. An unverified caller who keys account + PIN in the IVR is verified from then on."""
import os
import re

import callcenter
import harness as H
from harness import SCENARIOS

VIP = "13800138000"


def scenario_with_header(t, header):
    """uac_call.xml with one more header in its INVITEs, as a file of its own (H.Sipp takes an
    absolute scenario path as is; it fills the template in place)."""
    with open(os.path.join(SCENARIOS, "uac_call.xml")) as f:
        text = f.read()
    text = text.replace("      Max-Forwards: 70\n      User-Agent: hotline-it\n",
                        "      Max-Forwards: 70\n      User-Agent: hotline-it\n      %s\n" % header)
    path = t.path("uac_call_%d.xml" % abs(hash(header)))
    with open(path, "w") as f:
        f.write(text)
    return path


def offered_call(t, hl, tone, caller, local_ip, keys, what, scenario="uac_call.xml"):
    """Places a call to 100 and returns the call.offered event the agent gets, and the CDR.
    The agent's phone registers anew for each call (the test outlasts one registration), and
    its CTI socket is opened for the call (the server drops a socket silent for a minute)."""
    ws = callcenter.cti_socket(t, hl, "1004", "demo1004")
    phone = H.sipp_callee(t, hl, "1004", "uas_answer.xml", timeout_s=120,
                          subs={"MEDIA": H.media_stream_start(tone) + '  <pause milliseconds="1500"/>\n',
                                "ENDING": "UAS_BYE"})
    uac = H.Sipp(t, scenario, "100", hl.sip_port, local_ip=local_ip, name="caller_" + what,
                 subs={"FROM": caller, "MEDIA": keys, "ENDING": "WAIT_BYE", "TIMEOUT_MS": 60000},
                 timeout_s=90).start()
    event = ws.recv_json(45, want=lambda m: m.get("type") == "call.offered")
    t.check(event is not None, "%s: the agent is offered the call" % what, H.tail(hl.log(), 20))
    r = uac.wait(60)
    t.check(r.rc == 0, "%s: the call was answered by the agent and ended" % what, r.detail())
    t.check(phone.wait(10).rc == 0, "%s: the agent's phone answered and hung up" % what)
    ended = ws.recv_json(15, want=lambda m: m.get("type") == "call.ended")
    t.check(ended is not None, "%s: call.ended" % what)
    ws.close()
    callcenter.wait_state(t, hl, "1004", "ready", timeout=15)  # after wrap-up
    sip_ids = uac.call_ids()
    row = H.wait_until(lambda: [c for c in hl.calls("state = 'closed'") if c["sip_call_id"] in sip_ids], 10)
    return event or {}, (row or [None])[-1]


def run(t):
    hl = callcenter.start(t)
    hl.wait_http()
    tone = H.make_tone(t.path("t1000.ulaw.wav"), 1000, 60, ulaw=True)
    ws = callcenter.cti_socket(t, hl, "1004", "demo1004")
    callcenter.cti_command(t, ws, 1, "ready")
    callcenter.wait_state(t, hl, "1004", "ready")
    ws.close()
    support = H.media_info("1", lead_ms=2500) + H.media_info("2", lead_ms=2500, first_cseq=11)

    print("-- 1. spoofed %s (with P-Asserted-Identity) from an unauthenticated phone" % VIP)
    spoof = scenario_with_header(t, "P-Asserted-Identity: <sip:%s@127.0.0.2>" % VIP)
    event, row = offered_call(t, hl, tone, VIP, H.LOCAL_IP, support, "spoofed", scenario=spoof)
    data = event.get("data", {})
    print("   offered: caller %s verified %s data %s" % (event.get("caller"), event.get("caller_verified"), data))
    t.check(event.get("caller") == VIP and event.get("caller_verified") is False,
            "the pop shows the number marked unverified", event)
    t.check(data.get("customer.verified") == "false" and data.get("customer.name"),
            "the candidate customer is popped (name), marked unverified", data)
    t.check("customer.balance" not in data and "customer.account" not in data,
            "no balance or account in the pop of an unverified caller", data)
    t.check(data.get("customer.vip") == "false", "not VIP on a spoofable number", data)
    t.check(row and row["queue"] == "support", "routed to support, not the vip queue", row)

    print("-- 2. %s from the trusted trunk" % VIP)
    event, row = offered_call(t, hl, tone, VIP, H.TRUNK_IP, support, "trunk")
    data = event.get("data", {})
    t.check(event.get("caller") == VIP and event.get("caller_verified") is True,
            "the pop shows the number verified", event)
    t.check(data.get("customer.vip") == "true" and data.get("customer.balance"),
            "VIP with the balance in the pop", data)
    t.check(row and row["queue"] == "vip", "routed to the vip queue", row)

    print("-- 3. the trusted trunk asserts the caller with P-Asserted-Identity")
    asserted = scenario_with_header(t, "P-Asserted-Identity: \"Caller\" <sip:%s@%s>" % (VIP, H.TRUNK_IP))
    event, row = offered_call(t, hl, tone, "anonymous", H.TRUNK_IP, support, "asserted", scenario=asserted)
    t.check(event.get("caller") == VIP and event.get("caller_verified") is True,
            "the asserted number is the verified caller", event)
    t.check(row and str(row["from_number"]) == VIP and row["queue"] == "vip",
            "recorded as %s and routed to vip" % VIP, row)

    print("-- 4. an unverified caller authenticates with account + PIN in the IVR")
    keys = (H.media_info("1", lead_ms=2500) + H.media_info("3", lead_ms=2500, first_cseq=11) +
            H.media_info("6222020001#", lead_ms=3000, gap_ms=150, first_cseq=12) +
            H.media_info("1234#", lead_ms=2500, gap_ms=150, first_cseq=30) +
            H.media_info("2", lead_ms=14000, first_cseq=40))
    event, row = offered_call(t, hl, tone, "13700137000", H.LOCAL_IP, keys, "PIN")
    data = event.get("data", {})
    t.check(re.search(r"caller verified by account and PIN", hl.log()) is not None,
            "the log says the caller was verified by account and PIN")
    t.check(event.get("caller_verified") is True and data.get("account.balance"),
            "the pop says verified and shows the authenticated account's balance", event)


H.main(run)
