"""Call control from the agent desktop (CTI WebSocket commands) on real calls:

1. 1001 calls agent 1003 (sipp phones). Over its WebSocket, 1003 puts the caller on hold and
   resumes, sends DTMF, then blind-transfers the caller to 1004: 1003's phone gets BYE, 1004's
   phone rings and answers, the caller talks to 1004 until it hangs up. The call record has
   the transfer, the hold time, and one recording file per segment (before the hold, after it,
   with 1004).
2. Click to dial: agent 1005 asks for 1006; 1005's phone rings first, answers, then 1006 rings
   and answers; an outbound call record from 1005 to 1006.
"""
import os
import re

import callcenter
from callcenter import cti_command, cti_socket
import harness as H


def transfer_with_hold(t, hl):
    print("-- 1. hold, resume, DTMF, blind transfer 1003 -> 1004")
    tone = H.make_tone(t.path("t1000.ulaw.wav"), 1000, 60, ulaw=True)
    first = H.sipp_callee(t, hl, "1003", "uas_answer.xml",
                          subs={"MEDIA": H.media_stream_start(tone), "ENDING": "UAS_WAIT_BYE"},
                          timeout_s=60)
    second = H.sipp_callee(t, hl, "1004", "uas_answer.xml",
                           subs={"MEDIA": H.media_stream_start(tone), "ENDING": "UAS_WAIT_BYE"},
                           timeout_s=60)
    ws = cti_socket(t, hl, "1003", "demo1003")
    caller_tone = H.make_tone(t.path("t440.ulaw.wav"), 440, 60, ulaw=True)
    uac = H.Sipp(t, "uac_call.xml", "1003", hl.sip_port, user="1001",
                 subs={"MEDIA": H.media_stream_start(caller_tone) +
                       '  <pause milliseconds="16000"/>\n', "ENDING": "BYE"},
                 timeout_s=60).start()
    t.check(H.wait_until(lambda: re.search(r"answered by 1003", hl.log()), 10),
            "1003 answered the call")
    H.wait_until(lambda: False, 1.5)
    cti_command(t, ws, 1, "hold")
    H.wait_until(lambda: False, 2.0)
    cti_command(t, ws, 2, "resume")
    H.wait_until(lambda: False, 1.0)
    cti_command(t, ws, 3, "dtmf", digits="5#")
    H.wait_until(lambda: False, 1.5)
    cti_command(t, ws, 4, "transfer", target="1004")
    r_caller, r_first, r_second = uac.wait(60), first.wait(20), second.wait(40)
    ws.close()
    t.check(r_caller.rc == 0, "the caller talked through it all and hung up", r_caller.detail())
    t.check(r_first.rc == 0, "1003's phone got BYE at the transfer", r_first.detail())
    t.check(r_second.rc == 0, "1004's phone rang, answered and got the caller's BYE",
            r_second.detail())
    t.check(re.search(r"agent 1003 sends DTMF 5#", hl.log()) is not None, "log: DTMF sent")
    row = hl.wait_call_closed(to_number="1003")
    t.check(row is not None and row["transfers"] == 1, "CDR: one transfer", row)
    t.check(row is not None and 1500 <= (row["hold_ms"] or 0) <= 5000,
            "CDR: hold time about 2 s (%s ms)" % (row or {}).get("hold_ms"), row)
    recs = H.db_rows(hl.db, "SELECT * FROM recordings WHERE call_id = ? ORDER BY id",
                     ((row or {}).get("id"),))
    t.check(len(recs) == 3 and all(os.path.exists(r["path"]) for r in recs),
            "three recording files: before the hold, after it, with 1004", recs)
    if len(recs) == 3:
        t.check(H.tone_present(t, recs[2]["path"], 440, channel=0, skip_ms=300),
                "the last segment has the caller's 440 Hz")


def click_to_dial(t, hl):
    print("-- 2. click to dial: 1005 asks for 1006")
    agent_phone = H.sipp_callee(t, hl, "1005", "uas_answer.xml",
                                subs={"MEDIA": "", "ENDING": "UAS_WAIT_BYE"}, timeout_s=60)
    tone = H.make_tone(t.path("t1000b.ulaw.wav"), 1000, 60, ulaw=True)
    far = H.sipp_callee(t, hl, "1006", "uas_answer.xml",
                        subs={"MEDIA": H.media_stream_start(tone) +
                              '  <pause milliseconds="3000"/>\n', "ENDING": "UAS_BYE"},
                        timeout_s=60)
    ws = cti_socket(t, hl, "1005", "demo1005")
    cti_command(t, ws, 1, "dial", number="1006")
    r_far, r_agent = far.wait(30), agent_phone.wait(20)
    ws.close()
    t.check(r_agent.rc == 0, "1005's phone rang first, answered, and got BYE at the end",
            r_agent.detail())
    t.check(r_far.rc == 0, "1006 was called after 1005 answered, talked and hung up",
            r_far.detail())
    row = hl.wait_call_closed(to_number="1006")
    t.check(row is not None and str(row["from_number"]) == "1005" and
            row["direction"] == "outbound" and row["disposition"] == "answered",
            "CDR: outbound 1005 -> 1006, answered", row)


def run(t):
    hl = callcenter.start(t)
    hl.wait_http()
    transfer_with_hold(t, hl)
    click_to_dial(t, hl)


H.main(run)
