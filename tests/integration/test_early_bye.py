"""A caller who gives up while the callee rings by sending BYE on the early dialog (after a
180 with a To tag; some phones do this instead of CANCEL) is recorded as cancelled by the
caller, not as answered with talk time; the ringing phone gets a CANCEL.
Today's regression: OnBye passed disposition 'answered' whatever the call's state."""
import harness as H


def run(t):
    hl = t.start_hotline()

    print("-- 1001 -> 1002 rings; 1001 sends BYE instead of CANCEL")
    uas = H.sipp_callee(t, hl, "1002", "uas_ring_cancel.xml", timeout_s=20)
    uac = H.Sipp(t, "uac_bye_early.xml", "1002", hl.sip_port, user="1001", subs={"RING_MS": 1000},
                 timeout_s=20)
    r = uac.run()
    t.check(r.rc == 0, "caller: 180, BYE -> 200, INVITE -> 487", r.detail())
    r2 = uas.wait(10)
    t.check(r2.rc == 0, "the ringing phone got CANCEL (200 + 487, ACK)", r2.detail())
    ids = uac.call_ids()
    row = hl.wait_call_closed(sip_call_id=ids[0] if ids else None)
    print("   row: %s" % ({k: row.get(k) for k in ("disposition", "hangup_cause", "hangup_side", "answer_time",
                                                    "talk_ms", "sip_status")} if row else None))
    t.check(row and row["disposition"] == "cancelled", "CDR disposition cancelled (not answered)", row)
    t.check(row and row["hangup_side"] == "caller", "CDR hangup_side caller", row)
    t.check(row and row["answer_time"] is None and row["talk_ms"] == 0, "no answer time, no talk time", row)
    t.check(hl.options() == 200, "server alive")


H.main(run)
