"""A real call between two softphones through Hotline: audio bridged both ways, recorded to a
stereo WAV (left = caller, right = callee), CDR and recordings rows written. Then the ringback
tone a caller hears while the callee's phone rings."""
import os
import re

import harness as H


def run(t):
    hl = t.start_hotline()
    bridged_call(t, hl)
    ringback(t, hl)


def bridged_call(t, hl):
    a_wav = H.make_tone(t.path("a_440.wav"), 440, 60)
    b_wav = H.make_tone(t.path("b_1000.wav"), 1000, 60)

    print("-- baresip B (1002) registers and answers automatically, sending 1000 Hz")
    b = H.Baresip(t, "bob", "<sip:1002@127.0.0.1:{sip_port};transport=udp>;auth_pass=demo1002;"
                  "regint=60;answermode=auto;audio_codecs=PCMU", b_wav, hl.sip_port, quit_after_s=40)
    b.start()
    registered = H.wait_until(lambda: re.search(r"\b200 OK\b|binding", b.output()) is not None, 10)
    t.check(registered, "baresip B registered as 1002", H.tail(b.output(), 20))

    print("-- baresip A (1001, credentials) calls 1002 sending 440 Hz for ~8 s")
    a = H.Baresip(t, "alice", "<sip:1001@127.0.0.1:{sip_port};transport=udp>;auth_pass=demo1001;"
                  "regint=0;audio_codecs=PCMU", a_wav, hl.sip_port,
                  commands=["/dial sip:1002@127.0.0.1:{sip_port}"], quit_after_s=9)
    a.start()
    t.check(a.wait(25) is not None, "caller baresip quit by itself (hung up)")
    print(H.tail(a.output(), 8))
    closed = H.wait_until(lambda: [r for r in hl.calls() if r["state"] == "closed"
                                   and str(r["to_number"]) == "1002"], 10)
    b.stop()

    t.check(re.search(r"established|answered|Call established", a.output(), re.I) is not None,
            "caller saw the call established", H.tail(a.output(), 30))
    a_dec, b_dec = a.dumps("dec"), b.dumps("dec")
    t.check(bool(b_dec), "callee dumped what it heard", os.listdir(b.dir))
    t.check(bool(a_dec), "caller dumped what it heard", os.listdir(a.dir))
    if b_dec:
        t.check(H.tone_present(t, b_dec[-1], 440, skip_ms=1000), "callee heard the caller's 440 Hz")
        t.check(H.tone_absent(t, b_dec[-1], 1000, skip_ms=1000), "callee did not hear its own 1000 Hz")
    if a_dec:
        t.check(H.tone_present(t, a_dec[-1], 1000, skip_ms=2000), "caller heard the callee's 1000 Hz")
        t.check(H.tone_absent(t, a_dec[-1], 440, skip_ms=2000), "caller did not hear its own 440 Hz")

    print("-- CDR")
    t.check(bool(closed), "a closed CDR row for 1001 -> 1002", hl.calls())
    if not closed:
        return
    row = closed[-1]
    print("   row: %s" % row)
    t.check(str(row["from_number"]) == "1001", "from_number 1001", row)
    t.check(row["disposition"] == "answered", "disposition answered", row)
    t.check((row["talk_ms"] or 0) > 3000, "talk_ms > 3000 (%s)" % row["talk_ms"], row)
    t.check(row["answer_time"] is not None and row["end_time"] is not None, "answer and end times set", row)
    t.check(row["hangup_side"] == "caller", "hangup_side caller (A hung up)", row)

    print("-- recording")
    recs = H.db_rows(hl.db, "SELECT * FROM recordings WHERE call_id = ?", (row["id"],))
    t.check(len(recs) == 1, "one recordings row for the call", recs)
    path = row.get("recording_path") or (recs[0]["path"] if recs else None)
    if path and not os.path.isabs(path):
        cands = [os.path.join(hl.data_dir, path), os.path.join(hl.data_dir, "recordings", path)]
        path = next((c for c in cands if os.path.exists(c)), cands[0])
    t.check(path and os.path.exists(path), "recording file exists (%s)" % path, row)
    if recs:
        rec = recs[0]
        print("   recording row: %s" % rec)
        t.check(rec["state"] in ("complete", "completed", "closed", "done"), "recording state complete/closed", rec)
        t.check((rec["duration_ms"] or 0) > 3000, "recording duration_ms > 3000", rec)
        if path and os.path.exists(path):
            t.check(rec["size_bytes"] == os.path.getsize(path), "size_bytes matches the file", rec)
    if path and os.path.exists(path):
        info = H.subprocess.run(["soxi", path], capture_output=True, text=True).stdout
        print("   " + info.strip().replace("\n", "\n   "))
        t.check(re.search(r"Channels\s*:\s*2", info) is not None, "recording is stereo", info)
        t.check(path.startswith(os.path.join(hl.data_dir, "recordings")), "recording under DATA_DIR/recordings", path)
        t.check(H.tone_present(t, path, 440, channel=0, skip_ms=1000), "recording left channel (caller) has 440 Hz")
        t.check(H.tone_present(t, path, 1000, channel=1, skip_ms=1000), "recording right channel (callee) has 1000 Hz")
        t.check(H.tone_absent(t, path, 1000, channel=0, skip_ms=1000), "left channel has no 1000 Hz")
        t.check(H.tone_absent(t, path, 440, channel=1, skip_ms=1000), "right channel has no 440 Hz")


def ringback(t, hl):
    print("-- ringback: baresip 1001 calls 1003, whose phone (sipp) rings until cancelled")
    ringer = H.sipp_callee(t, hl, "1003", "uas_ring_cancel.xml", timeout_s=25)
    a = H.Baresip(t, "ringback_caller", "<sip:1001@127.0.0.1:{sip_port};transport=udp>;auth_pass=demo1001;"
                  "regint=0;audio_codecs=PCMU", H.make_tone(t.path("silence.wav"), 440, 20, volume=0.0),
                  hl.sip_port, commands=["/dial sip:1003@127.0.0.1:{sip_port}"], quit_after_s=6)
    a.start()
    a.wait(20)
    r = ringer.wait(10)
    t.check(r.rc == 0, "the ringing phone got CANCEL when the caller gave up", r.detail())
    row = hl.wait_call_closed(to_number="1003")
    t.check(row and row["disposition"] == "cancelled", "CDR disposition cancelled", row)
    dec = a.dumps("dec")
    t.check(bool(dec), "the caller dumped what it heard while ringing", os.listdir(a.dir))
    if dec:
        # tone_region cn: 450 Hz ringback (1 s on, 4 s off): look at the first 2 s after set-up.
        t.check(H.tone_present(t, dec[-1], 450, skip_ms=300), "the caller heard 450 Hz ringback")


H.main(run)
