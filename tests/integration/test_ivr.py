"""An IVR flow (dial-plan action `ivr`) driven by a caller's keys.

Flow: a menu; key 1 -> collect 3-4 digits ended by '#' -> read them back -> hang up;
key 2 -> transfer to extension 1002 (a sipp phone that answers; caller and phone are bridged);
key 3 -> account number + PIN (SIP INFO keys) -> lookup in the demo customers -> balance
spoken; key 9 -> voicemail: beep, the caller's audio recorded until '#', stored with a row.
Checked: the keys reach the interpreter, the server hangs up when the flow ends, the IVR path
is in the CDR, the transfer rings and bridges 1002, the lookup finds the account only with the
right PIN, and the message is a WAV with the caller's tone plus a voicemails row."""
import os
import re

import harness as H

FLOW = """
flow: it_menu
languages: [en]
start: main
nodes:
  main:
    type: menu
    prompt: "Press 1 to enter a code. Press 2 to speak to someone."
    options: {"1": code, "2": to_1002, "3": account, "4": to_outside, "9": message}
    timeout_ms: 8000
    max_retries: 1
  code:
    type: collect
    prompt: "Enter your code, then press pound."
    variable: code
    min_digits: 3
    max_digits: 4
    terminator: "#"
    next: readback
  readback:
    type: play
    prompt: "You entered {digits:code}."
    next: bye
  bye: {type: hangup, prompt: "Goodbye."}
  to_1002: {type: transfer, to: "1002", kind: extension}
  to_outside: {type: transfer, to: "88001234", kind: number}
  account:
    type: collect
    prompt: "Enter your account number, then press pound."
    variable: account
    min_digits: 6
    max_digits: 12
    terminator: "#"
    next: pin
  pin:
    type: collect
    prompt: "Enter your PIN, then press pound."
    variable: pin
    min_digits: 4
    max_digits: 6
    terminator: "#"
    mask: true
    next: check
  check:
    type: lookup
    kind: account_by_pin
    keys: {account: account, pin: pin}
    store_as: acct
    found: balance
    not_found: wrong
  balance: {type: play, prompt: "Your balance is {amount:acct.balance}.", next: bye}
  wrong: {type: hangup, reason: wrong_pin, prompt: "Sorry, that did not match."}
  message: {type: voicemail, mailbox: general, prompt: "Please leave a message after the beep."}
"""


def run(t):
    flow_path = t.path("it_menu.yaml")
    with open(flow_path, "w") as f:
        f.write(FLOW)
    dial_plan = [{"number": "700", "action": "ivr", "target": flow_path},
                 {"number": "600", "action": "echo"}]
    trunk_port = H.free_port(H.TRUNK_IP)
    hl = t.start_hotline(dial_plan=dial_plan, entry_numbers=("600", "700"),
                         trunks=(("carrier", H.TRUNK_IP, trunk_port),),
                         extra={"seed_demo_data": "true"})
    t.check(re.search(r"IVR flow it_menu version 1 is live for 700", hl.log()) is not None,
            "the flow was loaded at start")

    # sipp replays the same pcap per digit (same RTP timestamp), so a digit is not repeated
    # right after itself: the decoder would rightly take it for the same key press.
    print("-- 700, key 1, code 234#")
    keys = H.media_rfc4733("1", lead_ms=2500) + H.media_rfc4733("234#", lead_ms=2500)
    uac = H.Sipp(t, "uac_call.xml", "700", hl.sip_port,
                 subs={"MEDIA": keys, "ENDING": "WAIT_BYE", "TIMEOUT_MS": 20000},
                 timeout_s=40).start()
    r = uac.wait(40)
    t.check(r.rc == 0 and re.search(r"^BYE ", r.messages, re.M) is not None,
            "the IVR hung up after reading the code back", r.detail())
    t.check(re.search(r"IVR path .*menu[^>]*:1.*collect[^>]*234", hl.log()) is not None,
            "log: IVR path with key 1 and the code 234", H.tail(hl.log(), 15))
    row = hl.wait_call_closed(to_number="700")
    t.check(row is not None and row["disposition"] == "answered", "CDR answered", row)
    t.check(row is not None and row["hangup_side"] == "system", "CDR: the system hung up", row)

    print("-- 700, key 2: transfer to 1002")
    tone = H.make_tone(t.path("t1000.ulaw.wav"), 1000, 60, ulaw=True)
    uas = H.sipp_callee(t, hl, "1002", "uas_answer.xml",
                        subs={"MEDIA": H.media_stream_start(tone), "ENDING": "UAS_WAIT_BYE"},
                        timeout_s=40)
    keys = H.media_rfc4733("2", lead_ms=2500) + '  <pause milliseconds="4000"/>\n'
    uac = H.Sipp(t, "uac_call.xml", "700", hl.sip_port,
                 subs={"MEDIA": keys, "ENDING": "BYE"}, timeout_s=40).start()
    r1, r2 = uac.wait(40), uas.wait(40)
    t.check(r1.rc == 0, "caller: keyed 2, talked, hung up", r1.detail())
    t.check(r2.rc == 0, "1002 was rung by the IVR transfer, answered and got the BYE", r2.detail())
    t.check(re.search(r"IVR transfers to extension 1002", hl.log()) is not None,
            "log: IVR transfers to extension 1002")
    rows = [x for x in hl.calls() if str(x["to_number"]) == "700" and x["state"] == "closed"]
    t.check(len(rows) == 2 and rows[-1]["answered_by"] in ("1002", "700"),
            "second CDR closed", rows)
    t.check(bool(rows) and rows[-1]["transfers"] == 1, "CDR: one transfer", rows[-1:])
    recs = H.db_rows(hl.db, "select * from recordings")
    t.check(any(os.path.exists(x["path"]) for x in recs), "the transferred call was recorded", recs)


    print("-- 700, key 4: transfer to an outside number through the trunk")
    outside = H.Sipp(t, "uas_answer.xml", "88001234", hl.sip_port, local_ip=H.TRUNK_IP,
                     local_port=trunk_port,
                     subs={"MEDIA": H.media_stream_start(tone), "ENDING": "UAS_WAIT_BYE"},
                     timeout_s=40).start()
    H.wait_bound(outside)
    keys = H.media_rfc4733("4", lead_ms=2500) + '  <pause milliseconds="3000"/>\n'
    uac = H.Sipp(t, "uac_call.xml", "700", hl.sip_port,
                 subs={"MEDIA": keys, "ENDING": "BYE"}, timeout_s=40).start()
    r1, r2 = uac.wait(40), outside.wait(40)
    t.check(r1.rc == 0, "caller: keyed 4, talked, hung up", r1.detail())
    t.check(r2.rc == 0, "the number 88001234 was called through the trunk and answered",
            r2.detail())
    rows = [x for x in hl.calls() if str(x["to_number"]) == "700" and x["state"] == "closed"]
    t.check(bool(rows) and str(rows[-1]["answered_by"]) in ("88001234", "700") and
            rows[-1]["transfers"] == 1, "CDR: transferred once to the outside number", rows[-1:])

    def self_service(pin):
        # SIP INFO keys: sipp's RFC 4733 pcaps cannot repeat a digit (same RTP timestamp).
        keys = H.media_info("3", lead_ms=2500, first_cseq=10) + \
            H.media_info("6222020001#", lead_ms=3000, gap_ms=250, first_cseq=20) + \
            H.media_info(pin + "#", lead_ms=3000, gap_ms=250, first_cseq=40)
        uac = H.Sipp(t, "uac_call.xml", "700", hl.sip_port,
                     subs={"MEDIA": keys, "ENDING": "WAIT_BYE", "TIMEOUT_MS": 25000},
                     timeout_s=60).start()
        r = uac.wait(60)
        t.check(r.rc == 0, "self-service call with PIN %s ended by the IVR" % pin, r.detail())
        rows = [x for x in hl.calls() if str(x["to_number"]) == "700" and x["state"] == "closed"]
        return rows[-1] if rows else None

    print("-- 700, key 3: account 6222020001, right PIN 1234 -> balance")
    row = self_service("1234")
    path = (row or {}).get("ivr_path") or ""
    print("   ivr_path: %s" % path)
    t.check("lookup" in path and "found" in path and "not_found" not in path,
            "CDR ivr_path: the lookup found the account", row)
    t.check("1234" not in path, "the PIN is masked in the IVR path", path)
    t.check(re.search(r"node:balance", path) is not None, "the balance was spoken (node balance)", path)

    print("-- 700, key 3: right account, wrong PIN 9999 -> refused")
    row = self_service("9999")
    path = (row or {}).get("ivr_path") or ""
    t.check("node:wrong" in path and "node:balance" not in path,
            "a wrong PIN does not reach the balance", path)

    print("-- 700, key 9: voicemail")
    tone = H.make_tone(t.path("t440.ulaw.wav"), 440, 60, ulaw=True)
    media = (H.media_info("9", lead_ms=2500, first_cseq=10) + H.media_stream_start(tone) +
             '  <pause milliseconds="6000"/>\n' + H.media_info("#", lead_ms=0, first_cseq=20))
    uac = H.Sipp(t, "uac_call.xml", "700", hl.sip_port,
                 subs={"MEDIA": media, "ENDING": "WAIT_BYE", "TIMEOUT_MS": 20000},
                 timeout_s=60).start()
    r = uac.wait(60)
    t.check(r.rc == 0, "voicemail call: '#' ends the message, the IVR says goodbye and hangs up",
            r.detail())
    messages = H.wait_until(lambda: H.db_rows(hl.db, "select * from voicemails"), 10) or []
    t.check(len(messages) == 1 and messages[0]["mailbox"] == "general",
            "one voicemails row in mailbox general", messages)
    if messages:
        m = messages[0]
        t.check(1000 < (m["duration_ms"] or 0) < 8000, "message length %s ms" % m["duration_ms"], m)
        t.check(os.path.exists(m["path"]) and os.path.getsize(m["path"]) == m["size_bytes"],
                "the WAV exists with the recorded size", m)
        t.check(H.tone_present(t, m["path"], 440, skip_ms=1500), "the message holds the caller's 440 Hz")


H.main(run)
