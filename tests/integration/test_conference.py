"""Consultation, conference, silent monitoring and answering from the desktop, on real calls.

1. Baresip phones, each sending its own tone: caller 1005 (440 Hz) calls agent 1003 (1000 Hz).
   Over 1003's WebSocket: consult 1004 (1600 Hz; the caller waits on music on hold), cancel
   (back to the caller), conference 1004 (rings it and joins all three when it answers). A
   supervisor asks to listen: 1006's phone (2200 Hz) rings with auto-answer and hears the call.
   The agent hangs up from the desktop: the caller and 1004 talk on until the caller hangs up.
   CTI call.consult events follow each step; the recording files are: caller-agent, the
   consultation (agent 1000 Hz / 1004 1600 Hz), caller-agent again, the conference from the
   caller's leg (left 440 Hz; right the agent's 1000 Hz and 1004's 1600 Hz), caller-1004. The
   supervisor heard the caller and the agent; nobody heard the supervisor; the CDR has one
   transfer.
2. Sipp phones: 1001 calls agent 1007; 1007 consults 1008 and completes the transfer: 1007's
   phone gets BYE, the caller talks to 1008 until it hangs up.
3. Answer from the desktop: 1009's phone only answers INVITEs that ask it to (Call-Info
   answer-after=0, Alert-Info info=alert-autoanswer); it rings for 1001's call until 1009
   sends "answer", then it is rung again with the headers and answers.
4. The same for a queue call: a trunk caller keys 1 and 2 to the support queue; agent 1002's
   desktop gets call.offered, sends "answer", and its phone answers the second INVITE.
"""
import os
import re

import callcenter
from callcenter import cti_command, cti_socket
import harness as H


def consult_event(ws, state, timeout=15):
    return ws.recv_json(timeout, want=lambda m: m.get("type") == "call.consult" and m.get("state") == state)


def mixed_in(t, path, freqs, channel=0, skip_ms=300):
    """True if each of `freqs` carries at least 15% of the signal's energy (a mix of two or
    three tones: the single-tone check would call each of them too weak)."""
    ok = True
    for freq in freqs:
        share = H.goertzel_ratio(path, freq, channel, skip_ms)
        print("[tone] %s Hz in %s ch%d: share of energy %.3g (mixed in above 0.15)"
              % (freq, os.path.basename(path), channel, share))
        ok = ok and share > 0.15
    return ok


def phone(t, hl, user, freq, name=None, quit_after_s=90):
    wav = H.make_tone(t.path("%s_%d.wav" % (user, freq)), freq, 90)
    p = H.Baresip(t, name or "phone%s" % user,
                  "<sip:%s@127.0.0.1:{sip_port};transport=udp>;auth_pass=demo%s;regint=60;"
                  "answermode=auto;audio_codecs=PCMU" % (user, user),
                  wav, hl.sip_port, quit_after_s=quit_after_s).start()
    t.check(H.wait_until(p.registered, 10), "baresip %s registered" % user, H.tail(p.output(), 20))
    return p


def conference_and_monitor(t, hl):
    print("-- 1. consult, cancel, conference, listen, the agent leaves")
    agent = phone(t, hl, "1003", 1000)
    third = phone(t, hl, "1004", 1600)
    listener = phone(t, hl, "1006", 2200)
    ws = cti_socket(t, hl, "1003", "demo1003")
    sup = cti_socket(t, hl, "supervisor", "demo-supervisor")
    caller_wav = H.make_tone(t.path("caller_440.wav"), 440, 90)
    caller = H.Baresip(t, "caller1005", "<sip:1005@127.0.0.1:{sip_port};transport=udp>;"
                       "auth_pass=demo1005;regint=0;audio_codecs=PCMU", caller_wav, hl.sip_port,
                       commands=["/dial sip:1003@127.0.0.1:{sip_port}"], quit_after_s=80).start()
    t.check(H.wait_until(lambda: re.search(r"answered by 1003", hl.log()), 15),
            "agent 1003 answered", H.tail(hl.log(), 20))
    H.wait_until(lambda: False, 2)

    cti_command(t, ws, 1, "consult", target="1004")
    event = consult_event(ws, "ringing")
    t.check(event and event.get("target") == "1004" and event.get("agent") == "1003",
            "call.consult ringing names the target", event)
    t.check(consult_event(ws, "talking") is not None, "1004 answered the consultation")
    H.wait_until(lambda: False, 2.5)
    cti_command(t, ws, 2, "cancel_consult")
    event = consult_event(ws, "ended")
    t.check(event and event.get("reason") == "cancelled", "the consultation ended: cancelled", event)
    H.wait_until(lambda: False, 1.5)

    cti_command(t, ws, 3, "conference", target="1004")
    t.check(consult_event(ws, "conference") is not None, "1004 answered and joined the conference")
    cti_command(t, sup, 4, "listen", agent="1003", phone="1006")
    t.check(H.wait_until(lambda: re.search(r"supervisor is listening on 1006", hl.log()), 10),
            "1006's phone answered and listens", H.tail(hl.log(), 20))
    H.wait_until(lambda: False, 4)

    cti_command(t, ws, 5, "hangup")
    event = consult_event(ws, "ended")
    t.check(event and event.get("reason") == "transferred",
            "the agent left the conference: the others talk on", event)
    H.wait_until(lambda: False, 3)
    caller.stop()
    row = H.wait_until(lambda: hl.wait_call_closed(to_number="1003"), 10)
    ws.close()
    sup.close()
    for p in (agent, third, listener):
        p.stop()
    t.check(row is not None and row["transfers"] == 1 and row["disposition"] == "answered",
            "CDR: answered, one transfer", row)
    recs = H.db_rows(hl.db, "SELECT * FROM recordings WHERE call_id = ? ORDER BY id",
                     ((row or {}).get("id"),))
    t.check(len(recs) == 5 and all(os.path.exists(r["path"]) for r in recs),
            "five recording files (caller-agent, consultation, caller-agent, conference, "
            "caller-1004)", recs)
    if len(recs) == 5:
        consult, conference, after = recs[1]["path"], recs[3]["path"], recs[4]["path"]
        t.check(H.tone_present(t, consult, 1000, channel=0, skip_ms=300) and
                H.tone_present(t, consult, 1600, channel=1, skip_ms=300),
                "consultation recording: the agent left, 1004 right")
        t.check(H.tone_present(t, conference, 440, channel=0, skip_ms=300),
                "conference recording: the caller on the left")
        t.check(mixed_in(t, conference, (1000, 1600), channel=1),
                "conference recording: the caller heard both the agent and 1004")
        t.check(H.tone_absent(t, conference, 440, channel=1, skip_ms=300),
                "conference recording: the caller did not hear itself")
        t.check(H.tone_present(t, after, 440, channel=0, skip_ms=300) and
                H.tone_present(t, after, 1600, channel=1, skip_ms=300),
                "after the agent left: the caller with 1004")
    heard = listener.dumps("dec")
    t.check(bool(heard), "the listening phone dumped what it heard")
    if heard:
        t.check(mixed_in(t, heard[-1], (440, 1000), skip_ms=500),
                "the supervisor heard the caller and the agent")
    for who, p in (("1004", third), ("agent 1003", agent)):
        dumps = p.dumps("dec")
        t.check(bool(dumps) and all(H.tone_absent(t, d, 2200, skip_ms=500) for d in dumps),
                "%s never heard the supervisor" % who)


def consult_then_transfer(t, hl):
    print("-- 2. consult 1008, then complete the transfer (sipp phones)")
    tone = H.make_tone(t.path("t1000.ulaw.wav"), 1000, 60, ulaw=True)
    first = H.sipp_callee(t, hl, "1007", "uas_answer.xml",
                          subs={"MEDIA": H.media_stream_start(tone), "ENDING": "UAS_WAIT_BYE"},
                          timeout_s=60)
    second = H.sipp_callee(t, hl, "1008", "uas_answer.xml",
                           subs={"MEDIA": H.media_stream_start(tone), "ENDING": "UAS_WAIT_BYE"},
                           timeout_s=60)
    ws = cti_socket(t, hl, "1007", "demo1007")
    caller_tone = H.make_tone(t.path("t440.ulaw.wav"), 440, 60, ulaw=True)
    uac = H.Sipp(t, "uac_call.xml", "1007", hl.sip_port, user="1001",
                 subs={"MEDIA": H.media_stream_start(caller_tone) +
                       '  <pause milliseconds="9000"/>\n', "ENDING": "BYE"},
                 timeout_s=60).start()
    t.check(H.wait_until(lambda: re.search(r"answered by 1007", hl.log()), 10),
            "1007 answered the call")
    H.wait_until(lambda: False, 1)
    ws.send_json({"id": 1, "command": "complete_transfer"})
    reply = ws.recv_json(10, want=lambda m: m.get("type") == "reply" and m.get("id") == 1)
    t.check(reply and not reply["ok"] and reply["error"]["code"] == "command_refused" and
            "no consultation" in reply["error"]["message"],
            "complete_transfer without a consultation is refused with the reason", reply)
    cti_command(t, ws, 2, "consult", target="1008")
    t.check(consult_event(ws, "talking") is not None, "1008 answered the consultation")
    H.wait_until(lambda: False, 1.5)
    cti_command(t, ws, 3, "complete_transfer")
    event = consult_event(ws, "ended")
    t.check(event and event.get("reason") == "transferred", "call.consult ended: transferred", event)
    r_caller, r_first, r_second = uac.wait(40), first.wait(20), second.wait(30)
    ws.close()
    t.check(r_caller.rc == 0, "the caller talked through it and hung up", r_caller.detail())
    t.check(r_first.rc == 0, "1007's phone got BYE when the transfer completed", r_first.detail())
    t.check(r_second.rc == 0, "1008 answered, talked to the caller and got its BYE",
            r_second.detail())
    row = hl.wait_call_closed(to_number="1007")
    t.check(row is not None and row["transfers"] == 1, "CDR: one transfer", row)


def answer_from_desktop(t, hl):
    print("-- 3. answer from the desktop: auto-answer headers")
    picky = H.sipp_callee(t, hl, "1009", "uas_auto_answer.xml", calls=2,
                          subs={"MEDIA": "", "ENDING": "UAS_WAIT_BYE"}, timeout_s=60)
    ws = cti_socket(t, hl, "1009", "demo1009")
    uac = H.Sipp(t, "uac_call.xml", "1009", hl.sip_port, user="1001",
                 subs={"MEDIA": '  <pause milliseconds="1500"/>\n', "ENDING": "BYE"},
                 timeout_s=60).start()
    t.check(H.wait_until(lambda: hl.calls("to_number = '1009'"), 5), "the call to 1009 started")
    H.wait_until(lambda: False, 2)
    t.check(re.search(r"answered by 1009", hl.log()) is None, "the phone did not answer by itself")
    cti_command(t, ws, 1, "answer")
    r_caller, r_phone = uac.wait(30), picky.wait(20)
    ws.close()
    t.check(r_phone.rc == 0, "the phone rang, was cancelled, then answered the auto-answer INVITE",
            r_phone.detail())
    t.check(r_caller.rc == 0, "the caller was answered and hung up", r_caller.detail())
    t.check(re.search(r"answered by 1009", hl.log()) is not None, "log: answered by 1009")
    row = hl.wait_call_closed(to_number="1009")
    t.check(row is not None and row["disposition"] == "answered", "CDR: answered", row)


def answer_queue_call(t, hl):
    print("-- 4. answer a queue call from the desktop")
    picky = H.sipp_callee(t, hl, "1002", "uas_auto_answer.xml", calls=2,
                          subs={"MEDIA": "", "ENDING": "UAS_WAIT_BYE"}, timeout_s=90)
    ws = cti_socket(t, hl, "1002", "demo1002")
    cti_command(t, ws, 1, "ready")
    keys = H.media_rfc4733("1", lead_ms=2500) + H.media_rfc4733("2", lead_ms=2500)
    uac = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                 subs={"FROM": "13700137000", "MEDIA": keys + H.media_pause(12000),
                       "ENDING": "BYE"}, timeout_s=80).start()
    offered = ws.recv_json(30, want=lambda m: m.get("type") == "call.offered")
    t.check(offered is not None and offered.get("queue") == "support",
            "1002's desktop is offered the support call", offered)
    # As a person would: the phone rings a moment before the click (sipp's scenario also
    # needs its 180 out before the CANCEL arrives).
    H.wait_until(lambda: False, 1)
    cti_command(t, ws, 2, "answer")
    answered = ws.recv_json(10, want=lambda m: m.get("type") == "call.answered")
    t.check(answered is not None, "call.answered: the phone answered when told to", answered)
    r_caller, r_phone = uac.wait(60), picky.wait(20)
    ws.close()
    t.check(r_phone.rc == 0, "1002's phone rang, was cancelled, then answered the auto-answer "
            "INVITE", r_phone.detail())
    t.check(r_caller.rc == 0, "the caller was served and hung up", r_caller.detail())
    row = hl.wait_call_closed(from_number="13700137000")
    t.check(row is not None and str(row["agent"]) == "1002", "CDR: agent 1002 took the call", row)


def run(t):
    hl = callcenter.start(t)
    hl.wait_http()
    conference_and_monitor(t, hl)
    consult_then_transfer(t, hl)
    answer_from_desktop(t, hl)
    answer_queue_call(t, hl)


H.main(run)
