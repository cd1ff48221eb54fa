"""Graceful shutdown and crash recovery.

SIGTERM during a call: the process exits 0 within 5 s, both parties get a BYE, the CDR row is
closed with hangup_cause 'shutdown'. SIGTERM while the callee's phone never answers at all: the
SIP stack is stopped after 5 s whatever hangs, and the process still exits 0. SIGKILL during a call: after a restart on the same data
directory the row left open is closed with hangup_cause 'crash_recovery'. SIGKILL during a
recorded call, a restart some seconds later: the recording of the killed call opens in sox with
the audio it had (within a second), its row is marked interrupted/repaired, and the call's talk
time ends at the crash, not at the restart."""
import re
import socket
import subprocess
import time

import harness as H


def run(t):
    hl = t.start_hotline()
    tone = H.make_tone(t.path("t440.ulaw.wav"), 440, 60, ulaw=True)

    print("-- SIGTERM during a call 1001 -> 1002")
    uas = H.sipp_callee(t, hl, "1002", "uas_answer.xml",
                        subs={"MEDIA": H.media_stream_start(tone), "ENDING": "UAS_WAIT_BYE", "TIMEOUT_MS": 40000},
                        timeout_s=60)
    uac = H.Sipp(t, "uac_call.xml", "1002", hl.sip_port, user="1001",
                 subs={"MEDIA": H.media_stream_start(tone), "ENDING": "WAIT_BYE", "TIMEOUT_MS": 40000},
                 timeout_s=60).start()
    hl.wait_answered(what="the call 1001 -> 1002")
    # Let media flow a little so that the call has talk time.
    H.wait_until(lambda: False, 1.5)
    t0 = time.monotonic()
    rc = hl.stop(timeout=10)
    took = time.monotonic() - t0
    t.check(rc == 0, "hotline exits 0 on SIGTERM (rc=%s)" % rc, H.tail(hl.log(), 30))
    t.check(took <= 5.0, "... within 5 s (%.2f s)" % took)
    r1 = uac.wait(15)
    r2 = uas.wait(15)
    t.check(r1.rc == 0 and re.search(r"^BYE ", r1.messages, re.M), "caller got a BYE", r1.detail())
    t.check(r2.rc == 0 and re.search(r"^BYE ", r2.messages, re.M), "callee got a BYE", r2.detail())
    rows = hl.calls()
    print("   rows: %s" % [{k: r[k] for k in ("state", "disposition", "hangup_cause", "hangup_side")} for r in rows])
    row = rows[-1] if rows else None
    t.check(row and row["state"] == "closed", "CDR row closed", row)
    t.check(row and row["hangup_cause"] == "shutdown", "hangup_cause shutdown", row)
    t.check(row and row["disposition"] == "answered", "disposition stays answered (the call had been answered)", row)
    t.check(row and row["hangup_side"] == "system", "hangup_side system", row)

    print("-- SIGTERM while a call rings: caller gets a final response, the ringing phone a CANCEL")
    hl.start()
    ringer = H.sipp_callee(t, hl, "1002", "uas_ring_cancel.xml", timeout_s=20)
    caller = H.Sipp(t, "uac_call.xml", "1002", hl.sip_port, user="1001", timeout_s=20).start()
    H.wait_until(lambda: hl.calls("state = 'open'"), 10, what="the ringing call's open CDR row")
    H.wait_until(lambda: re.search(r"^SIP/2.0 180", H._read(ringer.msg_path), re.M), 5)
    t0 = time.monotonic()
    rc = hl.stop(timeout=10)
    t.check(rc == 0 and time.monotonic() - t0 <= 5.0, "exit 0 within 5 s with a ringing call (rc=%s, %.2f s)"
            % (rc, time.monotonic() - t0), H.tail(hl.log(), 20))
    rr, rc_ = ringer.wait(10), caller.wait(10)
    finals = [m.splitlines()[0] for d, m in H.sip_messages(rc_.messages)
              if d == "received" and re.match(r"SIP/2\.0 [3-6]\d\d", m) and not m.startswith("SIP/2.0 407")]
    print("   caller received: %s" % finals)
    t.check(bool(finals), "the caller got a final failure response", rc_.detail())
    t.check(rr.rc == 0, "the ringing phone got CANCEL (and answered 200 + 487)", rr.detail())
    rows = hl.calls()
    row = rows[-1] if rows else None
    print("   row: %s" % ({k: row[k] for k in ("state", "disposition", "hangup_cause", "sip_status")} if row else None))
    t.check(row and row["state"] == "closed" and row["hangup_cause"] == "shutdown", "CDR closed with shutdown", row)

    print("-- SIGTERM while a phone never answers at all (dead phone): exit 0 anyway")
    hl.start()
    reg, r = H.sipp_register(t, hl, "1002", name="reg_dead_1002")
    t.check(r.rc == 0, "the dead phone registered first", r.detail())
    dead = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dead.bind((H.LOCAL_IP, reg.local_port))
    dead.settimeout(10)
    caller = H.Sipp(t, "uac_call.xml", "1002", hl.sip_port, user="1001", timeout_s=30).start()
    try:
        invite = dead.recv(65536).decode("utf-8", "replace")
    except socket.timeout:
        invite = ""
    t.check(invite.startswith("INVITE "), "hotline rang the dead phone (it never answers)", invite[:200])
    t0 = time.monotonic()
    rc = hl.stop(timeout=15)
    took = time.monotonic() - t0
    t.check(rc == 0 and took <= 9.5, "exit 0 within 9.5 s although the INVITE transaction hangs "
            "(rc=%s, %.2f s)" % (rc, took), H.tail(hl.log(), 20))
    caller.wait(10)
    dead.close()

    print("-- SIGKILL during an echo call, then restart")
    hl.start()
    call = H.Sipp(t, "uac_call.xml", "600", hl.sip_port,
                  subs={"MEDIA": H.media_stream_start(tone), "ENDING": "WAIT_BYE", "TIMEOUT_MS": 60000},
                  timeout_s=70).start()
    open_row = hl.wait_answered(what="the echo call to 600")
    t.check(bool(open_row), "the echo call has an open CDR row before the crash", hl.calls())
    ids = [open_row["sip_call_id"]]
    hl.kill()
    rows = hl.calls("state = 'open'")
    t.check(len(rows) == 1, "after SIGKILL one row is still open", hl.calls())
    call.stop()
    hl.start()
    row = hl.wait_call_closed(sip_call_id=ids[0] if ids else None, timeout=10)
    print("   row: %s" % row)
    t.check(row and row["hangup_cause"] == "crash_recovery", "restart closes it with hangup_cause crash_recovery", row)
    t.check(row and row["disposition"] == "answered", "... keeping disposition answered (it had been answered)", row)
    t.check(row and row["end_time"] is not None, "... and sets end_time", row)
    t.check(not hl.calls("state = 'open'"), "no open rows left", hl.calls())
    t.check(re.search(r"crash_recovery", hl.log_since_start()) is not None, "the restart logs the recovery")
    t.check(hl.options() == 200, "restarted server answers OPTIONS")
    hl.stop()

    print("-- SIGKILL during a recorded call 1001 -> 1002, restart 5 s later")
    hl.start()
    uas = H.sipp_callee(t, hl, "1002", "uas_answer.xml",
                        subs={"MEDIA": H.media_stream_start(tone), "ENDING": "UAS_WAIT_BYE", "TIMEOUT_MS": 40000},
                        timeout_s=60)
    uac = H.Sipp(t, "uac_call.xml", "1002", hl.sip_port, user="1001",
                 subs={"MEDIA": H.media_stream_start(tone), "ENDING": "WAIT_BYE", "TIMEOUT_MS": 40000},
                 timeout_s=60).start()
    answered = hl.wait_answered(what="the recorded call 1001 -> 1002")
    H.wait_until(lambda: False, 6.5)  # several seconds of recorded conversation
    hl.kill()
    killed_ms = int(time.time() * 1000)
    talked_ms = killed_ms - int(answered["answer_ms"])
    uac.stop()
    uas.stop()
    downtime_s = 5
    H.wait_until(lambda: False, downtime_s)
    hl.start()
    row = hl.wait_call_closed(sip_call_id=answered["sip_call_id"], timeout=10)
    print("   row: %s" % ({k: row[k] for k in ("disposition", "hangup_cause", "talk_ms", "total_ms",
                                                "recording_path")} if row else None))
    print("   answered to kill: %d ms" % talked_ms)
    t.check(row and row["hangup_cause"] == "crash_recovery", "the killed call is closed as crash_recovery", row)
    talk = int(row["talk_ms"] or 0) if row else -1
    t.check(row and abs(talk - talked_ms) <= 1500,
            "its talk time ends at the crash: %d ms for %d ms talked (the %d s downtime is not counted)"
            % (talk, talked_ms, downtime_s), row)
    path = row["recording_path"] if row else ""
    soxi = subprocess.run(["soxi", "-D", path], capture_output=True, text=True)
    seconds = float(soxi.stdout.strip()) if soxi.returncode == 0 and soxi.stdout.strip() else -1.0
    t.check(soxi.returncode == 0, "the killed call's recording opens in soxi", soxi.stderr)
    t.check(abs(seconds * 1000 - talked_ms) <= 1000,
            "... with the audio up to the crash: %.2f s for %.2f s talked (within 1 s)" % (seconds, talked_ms / 1000))
    decoded = subprocess.run(["sox", path, "-n", "stat"], capture_output=True, text=True)
    t.check(decoded.returncode == 0, "... and sox decodes it", decoded.stderr[-500:])
    t.check(H.goertzel_ratio(path, 440, channel=0, skip_ms=500, max_seconds=4) > 0.5,
            "... and the caller's 440 Hz is in it")
    recs = H.db_rows(hl.db, "SELECT * FROM recordings WHERE path = ?", (path,))
    rec = recs[0] if recs else None
    print("   recording row: %s" % ({k: rec[k] for k in ("state", "recovery", "duration_ms", "size_bytes")}
                                    if rec else None))
    t.check(rec and rec["state"] == "interrupted" and rec["recovery"] == "repaired",
            "its recordings row says interrupted / repaired", rec)
    t.check(rec and rec["duration_ms"] is not None and abs(int(rec["duration_ms"]) - seconds * 1000) <= 50,
            "... with the repaired duration", rec)


H.main(run)
