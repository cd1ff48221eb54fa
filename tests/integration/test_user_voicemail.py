"""Voicemail of a user (config user_voicemail: true): a caller whose call to a user is not
answered is answered by Hotline, hears "not available" (zh + en), a beep, and leaves a message
for the user's mailbox; '#' or hanging up ends it. Checked for an unregistered user (at once)
and for a phone that rings without answering (after no_answer_timeout_s; the phone gets
CANCEL): each leaves a WAV with the caller's tone and a voicemails row for that mailbox, and a
CDR with disposition voicemail."""
import os

import harness as H


def message_for(hl, mailbox):
    rows = H.db_rows(hl.db, "SELECT * FROM voicemails WHERE mailbox = ?", (mailbox,))
    return rows[-1] if rows else None


def run(t):
    hl = t.start_hotline(extra={"user_voicemail": "true", "no_answer_timeout_s": 3})
    tone = H.make_tone(t.path("t440.ulaw.wav"), 440, 60, ulaw=True)

    print("-- 1001 calls 1005, which is not registered: voicemail, ended with #")
    media = (H.media_stream_start(tone) + '  <pause milliseconds="11000"/>\n' +
             H.media_info("#", lead_ms=0, first_cseq=10))
    uac = H.Sipp(t, "uac_call.xml", "1005", hl.sip_port, user="1001",
                 subs={"MEDIA": media, "ENDING": "WAIT_BYE", "TIMEOUT_MS": 20000}, timeout_s=40)
    r = uac.run(40)
    t.check(r.rc == 0, "answered, message ended with #, goodbye and BYE from Hotline", r.detail())
    m = H.wait_until(lambda: message_for(hl, "1005"), 10)
    t.check(m is not None and str(m["caller_number"]) == "1001", "a message for mailbox 1005", m)
    if m:
        t.check(os.path.exists(m["path"]) and os.path.getsize(m["path"]) == m["size_bytes"],
                "its WAV exists with the recorded size", m)
        t.check(H.tone_present(t, m["path"], 440, skip_ms=500), "the message holds the caller's tone")
    row = hl.wait_call_closed(to_number="1005")
    t.check(row is not None and row["disposition"] == "voicemail", "CDR: disposition voicemail", row)

    print("-- 1001 calls 1004, whose phone rings without answering: voicemail after 3 s")
    phone = H.sipp_callee(t, hl, "1004", "uas_ring_cancel.xml", timeout_s=30)
    media = H.media_stream_start(tone) + '  <pause milliseconds="14000"/>\n'
    uac = H.Sipp(t, "uac_call.xml", "1004", hl.sip_port, user="1001",
                 subs={"MEDIA": media, "ENDING": "BYE"}, timeout_s=40)
    r = uac.run(40)
    t.check(r.rc == 0, "the caller was answered and hung up after its message", r.detail())
    t.check(phone.wait(10).rc == 0, "1004's ringing phone got CANCEL")
    m = H.wait_until(lambda: message_for(hl, "1004"), 10)
    t.check(m is not None and (m["duration_ms"] or 0) > 1000, "a message for mailbox 1004", m)


H.main(run)
