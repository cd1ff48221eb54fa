"""Validates the sipp scenarios and baresip setup peer-to-peer, without Hotline.

Not a ctest test (its name does not start with test_). Run:
    python3 tests/integration/peer_selfcheck.py --build-dir build-it
"""
import os
import time

import harness as H


def run(t):
    tone440 = H.make_tone(t.path("t440.ulaw.wav"), 440, 20, ulaw=True)

    # 1. uac_call -> uas_answer, RTP streamed both ways, caller hangs up.
    uas = H.Sipp(t, "uas_answer.xml", "x", 9, subs={"MEDIA": H.media_stream_start(tone440),
                                                     "ENDING": "UAS_WAIT_BYE"}, timeout_s=20)
    uas.start()
    time.sleep(0.5)
    uac = H.Sipp(t, "uac_call.xml", "1002", uas.local_port,
                 subs={"MEDIA": H.media_stream(tone440, 2000)}, timeout_s=20)
    r = uac.run()
    t.check(r.rc == 0, "uac_call -> uas_answer: caller succeeds", r.detail())
    r2 = uas.wait(10)
    t.check(r2.rc == 0, "uas_answer: callee succeeds", r2.detail())

    # 2. uac_call with INFO DTMF and RFC 4733 pcaps; callee hangs up (WAIT_BYE on the UAC).
    uas = H.Sipp(t, "uas_answer.xml", "x", 9, subs={"MEDIA": H.media_pause(6000), "ENDING": "UAS_BYE"},
                 timeout_s=30)
    uas.start()
    time.sleep(0.5)
    media = H.media_info("12", lead_ms=200) + H.media_info("3#", "application/dtmf", lead_ms=0, first_cseq=20) \
        + H.media_rfc4733("1#", lead_ms=0, gap_ms=300)
    uac = H.Sipp(t, "uac_call.xml", "601", uas.local_port, subs={"MEDIA": media, "ENDING": "WAIT_BYE"},
                 timeout_s=30)
    r = uac.run()
    t.check(r.rc == 0, "INFO + RFC 4733 caller, callee-side BYE", r.detail())
    r2 = uas.wait(10)
    t.check(r2.rc == 0, "uas_answer with UAS_BYE", r2.detail())
    t.check("Signal=1" in r2.messages and "application/dtmf\n" in r2.messages.replace("\r", ""),
            "INFO bodies arrive", H.tail(r2.messages, 40))

    # 3. cancel pair.
    uas = H.Sipp(t, "uas_ring_cancel.xml", "x", 9, timeout_s=20)
    uas.start()
    time.sleep(0.5)
    uac = H.Sipp(t, "uac_cancel.xml", "1002", uas.local_port, subs={"RING_MS": 500}, timeout_s=20)
    r = uac.run()
    t.check(r.rc == 0, "uac_cancel -> uas_ring_cancel: caller", r.detail())
    r2 = uas.wait(10)
    t.check(r2.rc == 0, "uas_ring_cancel: callee", r2.detail())

    # 4. baresip -> baresip directly, tones both ways, sndfile dumps.
    a_wav = H.make_tone(t.path("a440.wav"), 440, 30)
    b_wav = H.make_tone(t.path("b1000.wav"), 1000, 30)
    b = H.Baresip(t, "bob", "<sip:1002@127.0.0.1;transport=udp>;regint=0;answermode=auto;audio_codecs=PCMU",
                  b_wav, 9, quit_after_s=12)
    b.start()
    time.sleep(1)
    a = H.Baresip(t, "alice", "<sip:1001@127.0.0.1;transport=udp>;regint=0;audio_codecs=PCMU",
                  a_wav, 9, commands=["/dial sip:1002@127.0.0.1:%d" % b.sip_port], quit_after_s=8)
    a.start()
    a.wait(15)
    b.wait(15)
    print(H.tail(a.output(), 15))
    t.check(a.dumps("dec") and b.dumps("dec"), "baresip sndfile dumps exist", os.listdir(a.dir))
    if a.dumps("dec") and b.dumps("dec"):
        t.check(H.tone_present(t, b.dumps("dec")[0], 440), "bob heard 440 Hz")
        t.check(H.tone_present(t, a.dumps("dec")[0], 1000), "alice heard 1000 Hz")
        t.check(H.tone_absent(t, a.dumps("dec")[0], 440), "alice did not hear 440 Hz")


H.main(run)
