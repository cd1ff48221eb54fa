"""More of the inbound call center on the demo hotline flow (calendar opened round the clock):

1. Callback in queue: a caller behind a trusted trunk hears the position announcement with the
   callback offer, presses 1 and hangs up; Hotline restarts (the waiting callback is kept in
   the database and goes back to its place); when agent 1004 becomes ready, Hotline rings the
   agent, then dials the caller back through the trunk and bridges them (recorded); records:
   the first call `callback_requested`, the callback an outbound call answered by 1004.
2. Maximum wait: nobody serves the sales queue; after its max_wait_s the caller goes to the
   flow's voicemail, records a message after the beep and ends it with '#': WAV + row.
3. Self-service balance: account number and PIN keyed in, the lookup finds the account and
   the balance is spoken (the flow events in the call record show it).
4. Callback to a registered phone: a user's phone calls the public number without
   credentials from its registered address; it is offered the callback and rung back there.
"""
import os
import re

import harness as H
from callcenter import QUEUES, always_open_demo_flow, feature_code, wait_state


def start(t, trunk_port):
    flow = always_open_demo_flow(t)
    return t.start_hotline(dial_plan=[{"number": "100", "action": "ivr", "target": flow}],
                           entry_numbers=("100",), trunks=(("it-trunk", H.TRUNK_IP, trunk_port),),
                           extra={"seed_demo_data": "true"}, raw=QUEUES)


def closed_from(hl, number, to="100"):
    rows = [r for r in hl.calls() if r["state"] == "closed" and str(r["from_number"]) == number
            and str(r["to_number"]) == to]
    return rows[-1] if rows else None


def callback(t, hl, trunk_port):
    print("-- 1. callback in queue")
    feature_code(t, hl, "1004", "*11")
    wait_state(t, hl, "1004", "ready")
    feature_code(t, hl, "1004", "*13")
    wait_state(t, hl, "1004", "not_ready")
    keys = (H.media_rfc4733("1", lead_ms=2500) + H.media_rfc4733("2", lead_ms=2500) +
            H.media_rfc4733("1", lead_ms=9000))
    uac = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                 subs={"FROM": "5550123", "MEDIA": keys, "ENDING": "WAIT_BYE",
                       "TIMEOUT_MS": 30000}, timeout_s=60)
    r = uac.run(60)
    t.check(r.rc == 0, "the caller asked for a callback and Hotline said goodbye", r.detail())
    t.check(re.search(r"announcing position 1 in support", hl.log()) is not None,
            "the caller heard its position announced")
    row = H.wait_until(lambda: closed_from(hl, "5550123"), 10)
    t.check(row is not None and row["disposition"] == "callback_requested",
            "CDR of the first call: callback_requested", row)

    print("   hotline restarts: the waiting callback keeps its place")
    hl.stop()
    hl.start()
    t.check(H.wait_until(lambda: re.search(r"callback of 5550123 \(call \w+\) waits in support again",
                                           hl.log_since_start()), 10),
            "after the restart the callback waits in support again", H.tail(hl.log_since_start(), 20))

    print("   the customer's phone behind the trunk and the agent's phone wait")
    customer_tone = H.make_tone(t.path("customer_440.ulaw.wav"), 440, 60, ulaw=True)
    customer = H.Sipp(t, "uas_answer.xml", "5550123", hl.sip_port, local_ip=H.TRUNK_IP,
                      local_port=trunk_port,
                      subs={"MEDIA": H.media_stream_start(customer_tone), "ENDING": "UAS_WAIT_BYE"},
                      timeout_s=60).start()
    H.wait_bound(customer)
    agent_tone = H.make_tone(t.path("agent_1000.ulaw.wav"), 1000, 60, ulaw=True)
    agent = H.sipp_callee(t, hl, "1004", "uas_answer.xml",
                          subs={"MEDIA": H.media_stream_start(agent_tone) +
                                '  <pause milliseconds="5000"/>\n', "ENDING": "UAS_BYE"},
                          timeout_s=60)
    feature_code(t, hl, "1004", "*11")  # logged out by the restart: log in + ready, its turn
    r_agent, r_customer = agent.wait(40), customer.wait(40)
    t.check(r_agent.rc == 0, "agent 1004 was rung for the callback, talked and hung up",
            r_agent.detail())
    t.check(r_customer.rc == 0, "the customer was dialled back through the trunk and answered",
            r_customer.detail())
    back = H.wait_until(lambda: closed_from(hl, "1004", to="5550123"), 10)
    t.check(back is not None, "a call record for the callback", hl.calls())
    left = H.db_rows(hl.db, "SELECT * FROM callbacks")
    t.check(left == [], "the answered callback no longer waits (table callbacks is empty)", left)
    if not back:
        return
    print("   callback row: %s" % {k: back[k] for k in ("direction", "agent", "queue",
                                                        "disposition", "wait_ms")})
    t.check(back["direction"] == "outbound" and str(back["agent"]) == "1004" and
            back["queue"] == "support" and back["disposition"] == "answered",
            "the callback: outbound, support, answered by agent 1004", back)
    path = back["recording_path"]
    t.check(path and os.path.exists(path), "the callback was recorded", back)
    if path and os.path.exists(path):
        t.check(H.tone_present(t, path, 440, channel=0, skip_ms=300), "recording: customer 440 Hz")
        t.check(H.tone_present(t, path, 1000, channel=1, skip_ms=300), "recording: agent 1000 Hz")
    feature_code(t, hl, "1004", "*12")


def max_wait_to_voicemail(t, hl):
    print("-- 2. nobody takes sales: after max_wait_s the caller leaves a message")
    tone = H.make_tone(t.path("t440.ulaw.wav"), 440, 60, ulaw=True)
    media = (H.media_info("1", lead_ms=2500, first_cseq=10) +
             H.media_info("1", lead_ms=2500, first_cseq=11) + H.media_stream_start(tone) +
             '  <pause milliseconds="17000"/>\n' + H.media_info("#", lead_ms=0, first_cseq=20))
    uac = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                 subs={"FROM": "13900139000", "MEDIA": media, "ENDING": "WAIT_BYE",
                       "TIMEOUT_MS": 30000}, timeout_s=60)
    r = uac.run(60)
    t.check(r.rc == 0, "the caller left a message, ended it with # and got the goodbye",
            r.detail())
    row = H.wait_until(lambda: closed_from(hl, "13900139000"), 10)
    t.check(row is not None and row["queue"] == "sales" and not row["agent"],
            "CDR: queued in sales, no agent", row)
    t.check(row is not None and "sales_queue:no_agent" in (row["ivr_path"] or "") and
            "leave_message" in (row["ivr_path"] or ""),
            "CDR: the flow went from the queue to the message node", row)
    messages = H.wait_until(lambda: H.db_rows(hl.db, "SELECT * FROM voicemails"), 10) or []
    t.check(len(messages) == 1 and messages[0]["mailbox"] == "general" and
            str(messages[0]["caller_number"]) == "13900139000",
            "one message in mailbox general from the caller", messages)
    if messages:
        m = messages[0]
        t.check(os.path.exists(m["path"]) and os.path.getsize(m["path"]) == m["size_bytes"],
                "the message WAV exists with its recorded size", m)
        t.check(H.tone_present(t, m["path"], 440, skip_ms=1000), "the message holds the caller's tone")


def balance(t, hl):
    print("-- 3. self-service balance")
    keys = (H.media_info("1", lead_ms=2500, first_cseq=10) +
            H.media_info("3", lead_ms=2500, first_cseq=11) +
            H.media_info("6222020001#", lead_ms=3000, gap_ms=250, first_cseq=12) +
            H.media_info("1234#", lead_ms=3500, gap_ms=250, first_cseq=24) +  # BYE is CSeq 30
            '  <pause milliseconds="9000"/>\n')
    uac = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                 subs={"FROM": "13700137000", "MEDIA": keys, "ENDING": "BYE"}, timeout_s=60)
    r = uac.run(60)
    t.check(r.rc == 0, "the self-service call went through", r.detail())
    row = H.wait_until(lambda: closed_from(hl, "13700137000"), 10)
    path = (row or {}).get("ivr_path") or ""
    print("   ivr_path: %s" % path)
    t.check("collect:balance_account:6222020001" in path, "the account number was keyed", path)
    t.check("lookup:balance_lookup:found" in path, "the account and PIN were found", path)
    t.check("say_balance" in path, "the balance was spoken (node say_balance)", path)
    t.check("1234" not in path, "the PIN is not in the record", path)


def callback_to_registered_phone(t, hl):
    print("-- 4. callback to the registered phone of user 1006 (called without credentials)")
    feature_code(t, hl, "1004", "*11")
    wait_state(t, hl, "1004", "ready")
    feature_code(t, hl, "1004", "*13")
    wait_state(t, hl, "1004", "not_ready")
    reg, r = H.sipp_register(t, hl, "1006")
    t.check(r.rc == 0, "1006 registered", r.detail())
    phone_port = reg.local_port
    keys = (H.media_rfc4733("1", lead_ms=2500) + H.media_rfc4733("2", lead_ms=2500) +
            H.media_rfc4733("1", lead_ms=9000))
    uac = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_port=phone_port,
                 subs={"FROM": "1006", "MEDIA": keys, "ENDING": "WAIT_BYE", "TIMEOUT_MS": 30000},
                 timeout_s=60)
    r = uac.run(60)
    t.check(r.rc == 0, "1006 asked for a callback", r.detail())
    row = H.wait_until(lambda: closed_from(hl, "1006"), 10)
    t.check(row is not None and row["disposition"] == "callback_requested",
            "CDR: callback_requested", row)
    phone = H.Sipp(t, "uas_answer.xml", "1006", hl.sip_port, local_port=phone_port,
                   subs={"MEDIA": "", "ENDING": "UAS_WAIT_BYE"}, timeout_s=60).start()
    H.wait_bound(phone)
    agent = H.sipp_callee(t, hl, "1004", "uas_answer.xml",
                          subs={"MEDIA": '  <pause milliseconds="3000"/>\n', "ENDING": "UAS_BYE"},
                          timeout_s=60)
    feature_code(t, hl, "1004", "*13")
    t.check(agent.wait(40).rc == 0, "agent 1004 took the callback")
    t.check(phone.wait(40).rc == 0, "1006's phone was called back and answered")
    back = H.wait_until(lambda: closed_from(hl, "1004", to="1006"), 10)
    t.check(back is not None and back["disposition"] == "answered" and str(back["agent"]) == "1004",
            "CDR of the callback to 1006: answered by 1004", back)


def run(t):
    trunk_port = H.free_port(H.TRUNK_IP)
    hl = start(t, trunk_port)
    callback(t, hl, trunk_port)
    max_wait_to_voicemail(t, hl)
    balance(t, hl)
    callback_to_registered_phone(t, hl)


H.main(run)
