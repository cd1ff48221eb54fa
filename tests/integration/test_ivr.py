"""An IVR flow (dial-plan action `ivr`) driven by a caller's RFC 4733 keys.

Flow: a menu; key 1 -> collect 3-4 digits ended by '#' -> read them back -> hang up;
key 2 -> transfer to extension 1002 (a sipp phone that answers; caller and phone are bridged).
Checked: the keys reach the interpreter, the server hangs up after the read-back, the log
carries the IVR path with the entered digits, the transfer rings and bridges 1002, and each
call leaves a CDR."""
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
    options: {"1": code, "2": to_1002}
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
"""


def run(t):
    flow_path = t.path("it_menu.yaml")
    with open(flow_path, "w") as f:
        f.write(FLOW)
    dial_plan = [{"number": "700", "action": "ivr", "target": flow_path},
                 {"number": "600", "action": "echo"}]
    hl = t.start_hotline(dial_plan=dial_plan, entry_numbers=("600", "700"))
    t.check(re.search(r"IVR flow .*it_menu.yaml answers 700", hl.log()) is not None,
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
    recs = H.db_rows(hl.db, "select * from recordings")
    t.check(any(os.path.exists(x["path"]) for x in recs), "the transferred call was recorded", recs)


H.main(run)
