"""The inbound call center end to end: the demo hotline flow (config/flows/demo_hotline.yaml,
its business-hours calendar opened round the clock so the test does not depend on the time of
day) in front of skills-based queues with real agents (sipp and baresip phones that log in with
*11 and change state with *13).

1. A softphone caller keys 1 (中文) and 2 (support) over RFC 4733 and is bridged to the best
   skilled ready agent (1002, support level 3, not 1001 at level 1); audio is checked by tone
   in both directions and in the stereo recording; the CDR carries queue, agent, wait, IVR path.
2. An agent who does not answer (1003) is skipped after the ring timeout and set not-ready
   ("no_answer"); the next agent (1004) takes the call, hangs up, and the caller rates the
   call 4 in the survey; the CDR carries the score and, after the wrap-up, the wrap-up time.
3. A VIP caller (13800138000 in the demo customers) overtakes a normal caller who was queued
   first when the agent becomes ready.
4. A caller hangs up while queued: the CDR says abandoned, with the time.
"""
import os
import re

import harness as H
from callcenter import feature_code, log_count, start, wait_more, wait_state


def trimmed(t, path, start_s, name):
    out = t.path(name)
    H.sox(path, out, "trim", "%.2f" % max(0.0, start_s))
    return out


def queue_row(hl, sip_call_id=None, from_number=None):
    rows = [r for r in hl.calls() if r["state"] == "closed" and str(r["to_number"]) == "100"]
    if from_number:
        rows = [r for r in rows if str(r["from_number"]) == from_number]
    return rows[-1] if rows else None


def best_skilled_agent_with_audio(t, hl):
    print("-- 1. best-skilled agent, audio both ways")
    low = H.sipp_callee(t, hl, "1001", "uas_answer.xml",
                        subs={"MEDIA": "", "ENDING": "UAS_WAIT_BYE"}, timeout_s=60)
    agent_wav = H.make_tone(t.path("agent_1000.wav"), 1000, 60)
    agent = H.Baresip(t, "agent1002", "<sip:1002@127.0.0.1:{sip_port};transport=udp>;"
                      "auth_pass=demo1002;regint=60;answermode=auto;audio_codecs=PCMU",
                      agent_wav, hl.sip_port, quit_after_s=70).start()
    t.check(H.wait_until(agent.registered, 10), "baresip agent 1002 registered",
            H.tail(agent.output(), 20))
    for who in ("1001", "1002"):
        feature_code(t, hl, who, "*11")
        wait_state(t, hl, who, "ready")

    caller_wav = H.make_tone(t.path("caller_440.wav"), 440, 60)
    caller = H.Baresip(t, "caller1005", "<sip:1005@127.0.0.1:{sip_port};transport=udp>;"
                       "auth_pass=demo1005;regint=0;audio_codecs=PCMU", caller_wav, hl.sip_port,
                       commands=["/dial sip:100@127.0.0.1:{sip_port}"], quit_after_s=40).start()
    t.check(H.wait_until(lambda: hl.calls("to_number = '100'"), 10), "the caller reached 100")
    H.wait_until(lambda: False, 2.5)
    caller.send("1")  # 中文
    H.wait_until(lambda: False, 2.0)
    caller.send("2")  # technical support
    connected = H.wait_until(lambda: re.search(r"agent 1002 connected \(support\)", hl.log()), 25)
    t.check(connected, "the call reached agent 1002 through the support queue",
            H.tail(hl.log(), 30))
    H.wait_until(lambda: False, 6)  # talk
    caller.stop()
    row = H.wait_until(lambda: queue_row(hl, from_number="1005"), 10)
    agent.stop()
    low.stop()
    t.check(row is not None, "the call record is closed", hl.calls())
    if not row:
        return
    print("   row: %s" % {k: row[k] for k in ("queue", "agent", "wait_ms", "ivr_path",
                                               "disposition", "recording_path")})
    t.check(row["queue"] == "support" and str(row["agent"]) == "1002",
            "CDR: queue support, agent 1002 (level 3 beat level 1)", row)
    t.check(row["wait_ms"] is not None and row["wait_ms"] >= 0, "CDR: time waited", row)
    t.check("set_chinese" in (row["ivr_path"] or "") and "support_queue" in (row["ivr_path"] or ""),
            "CDR: IVR path through the language and main menus to the support queue", row)
    t.check(re.search(r"call .*ringing agent 1001", hl.log()) is None, "agent 1001 was never rung")
    # What each side heard after the agent answered (the prompts and music come before).
    offset = ((row["agent_answer_ms"] or 0) - row["start_ms"]) / 1000.0 + 0.5
    heard_by_caller, heard_by_agent = caller.dumps("dec"), agent.dumps("dec")
    t.check(bool(heard_by_caller) and bool(heard_by_agent), "both phones dumped what they heard")
    if heard_by_caller:
        after = trimmed(t, heard_by_caller[-1], offset, "caller_after_answer.wav")
        t.check(H.tone_present(t, after, 1000, skip_ms=300), "the caller heard the agent's 1000 Hz")
    if heard_by_agent:
        t.check(H.tone_present(t, heard_by_agent[-1], 440, skip_ms=500),
                "the agent heard the caller's 440 Hz")
        t.check(H.tone_absent(t, heard_by_agent[-1], 1000, skip_ms=500),
                "the agent did not hear its own 1000 Hz")
    path = row["recording_path"]
    t.check(path and os.path.exists(path), "the queue call was recorded", row)
    if path and os.path.exists(path):
        t.check(H.tone_present(t, path, 440, channel=0, skip_ms=500), "recording: caller 440 Hz left")
        t.check(H.tone_present(t, path, 1000, channel=1, skip_ms=500), "recording: agent 1000 Hz right")
    for who in ("1001", "1002"):
        feature_code(t, hl, who, "*12")


def no_answer_then_survey(t, hl):
    print("-- 2. agent 1003 does not answer; 1004 takes the call; survey 4")
    silent = H.sipp_callee(t, hl, "1003", "uas_ring_cancel.xml", timeout_s=60)
    tone = H.make_tone(t.path("t1000.ulaw.wav"), 1000, 60, ulaw=True)
    answering = H.sipp_callee(t, hl, "1004", "uas_answer.xml",
                              subs={"MEDIA": H.media_stream_start(tone) +
                                    '  <pause milliseconds="3000"/>\n', "ENDING": "UAS_BYE"},
                              timeout_s=60)
    for who in ("1003", "1004"):
        feature_code(t, hl, who, "*11")
        wait_state(t, hl, who, "ready")
    keys = (H.media_rfc4733("1", lead_ms=2500) + H.media_rfc4733("2", lead_ms=2500) +
            H.media_info("4", lead_ms=14500, first_cseq=10))
    uac = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                 subs={"FROM": "13700137000", "MEDIA": keys, "ENDING": "WAIT_BYE",
                       "TIMEOUT_MS": 40000}, timeout_s=80).start()
    r = uac.wait(80)
    t.check(r.rc == 0, "the caller was served, rated the call and got the goodbye", r.detail())
    t.check(silent.wait(10).rc == 0, "1003's phone rang and was cancelled")
    t.check(answering.wait(10).rc == 0, "1004 answered and hung up")
    events = H.db_rows(hl.db, "SELECT * FROM agent_events WHERE agent = '1003' ORDER BY id")
    t.check(any(e["to_state"] == "not_ready" and e["reason"] == "no_answer" for e in events),
            "agent 1003 was set not-ready with reason no_answer", events)
    row = H.wait_until(lambda: queue_row(hl, from_number="13700137000"), 10)
    t.check(row is not None and str(row["agent"]) == "1004", "CDR: agent 1004 took the call", row)
    if row:
        t.check(row["survey_score"] == 4, "CDR: survey score 4", row)
        t.check((row["ring_agent_ms"] or 0) >= 0 and row["agent_answer_ms"], "CDR: agent times", row)
        wrap = H.wait_until(lambda: H.db_rows(hl.db, "SELECT wrapup_ms FROM calls WHERE id = ?",
                                              (row["id"],))[0]["wrapup_ms"], 10)
        t.check(wrap is not None and 1500 <= wrap <= 5000, "CDR: wrap-up of about 2 s (%s ms)" % wrap)
    feature_code(t, hl, "1003", "*12")


def vip_overtakes(t, hl):
    print("-- 3. a VIP overtakes a normal caller")
    wait_state(t, hl, "1004", "ready")  # after the wrap-up of the last call
    feature_code(t, hl, "1004", "*13")  # ready -> not ready: nobody takes calls
    wait_state(t, hl, "1004", "not_ready")
    tone = H.make_tone(t.path("t1000b.ulaw.wav"), 1000, 60, ulaw=True)
    agent = H.sipp_callee(t, hl, "1004", "uas_answer.xml", calls=2,
                          subs={"MEDIA": H.media_stream_start(tone) +
                                '  <pause milliseconds="2000"/>\n', "ENDING": "UAS_BYE"},
                          timeout_s=90)
    keys = H.media_rfc4733("1", lead_ms=2500) + H.media_rfc4733("2", lead_ms=2500)
    queued_support = log_count(hl, r"queued in support")
    queued_vip = log_count(hl, r"queued in vip \(priority 10, VIP\)")
    normal = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                    subs={"FROM": "13700137000", "MEDIA": keys, "ENDING": "WAIT_BYE",
                          "TIMEOUT_MS": 60000}, timeout_s=90).start()
    t.check(wait_more(hl, r"queued in support", queued_support, 20),
            "the normal caller is queued in support")
    vip = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                 subs={"FROM": "13800138000", "MEDIA": keys, "ENDING": "WAIT_BYE",
                       "TIMEOUT_MS": 60000}, timeout_s=90).start()
    t.check(wait_more(hl, r"queued in vip \(priority 10, VIP\)", queued_vip, 20),
            "the VIP caller is queued in the vip queue", H.tail(hl.log(), 20))
    feature_code(t, hl, "1004", "*13")  # ready: the best waiting call comes first
    r_vip, r_normal = vip.wait(90), normal.wait(90)
    t.check(r_vip.rc == 0 and r_normal.rc == 0, "both callers were served",
            r_vip.detail() + r_normal.detail())
    agent.wait(10)
    rows = {str(r["from_number"]): r for r in hl.calls() if str(r["to_number"]) == "100"}
    a, b = rows.get("13700137000"), rows.get("13800138000")
    t.check(a and b and a["queued_ms"] < b["queued_ms"], "the normal caller was queued first", rows)
    t.check(a and b and b["agent_answer_ms"] and a["agent_answer_ms"] and
            b["agent_answer_ms"] < a["agent_answer_ms"], "the VIP was answered first", (a, b))
    t.check(b and b["queue"] == "vip", "the VIP's CDR names the vip queue", b)


def abandon(t, hl):
    print("-- 4. a caller abandons while queued")
    feature_code(t, hl, "1004", "*13")
    wait_state(t, hl, "1004", "not_ready")
    keys = (H.media_rfc4733("1", lead_ms=2500) + H.media_rfc4733("2", lead_ms=2500) +
            '  <pause milliseconds="6000"/>\n')
    uac = H.Sipp(t, "uac_call.xml", "100", hl.sip_port, local_ip=H.TRUNK_IP,
                 subs={"FROM": "13900139000", "MEDIA": keys, "ENDING": "BYE"}, timeout_s=40)
    r = uac.run(40)
    t.check(r.rc == 0, "the caller hung up while waiting", r.detail())
    row = H.wait_until(lambda: queue_row(hl, from_number="13900139000"), 10)
    t.check(row is not None and row["disposition"] == "abandoned", "CDR: disposition abandoned", row)
    t.check(row is not None and row["queue"] == "support" and row["abandoned_ms"] is not None
            and row["abandoned_ms"] > 0 and not row["agent"],
            "CDR: abandoned after %s ms in support, no agent" % (row or {}).get("abandoned_ms"), row)
    events = H.db_rows(hl.db, "SELECT * FROM agent_events WHERE agent = '1004' ORDER BY id")
    t.check(events and events[-1]["to_state"] == "not_ready", "the agent was not disturbed", events[-3:])


def run(t):
    hl = start(t)
    best_skilled_agent_with_audio(t, hl)
    no_answer_then_survey(t, hl)
    vip_overtakes(t, hl)
    abandon(t, hl)


H.main(run)
