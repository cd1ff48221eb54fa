"""DTMF from a real softphone: baresip calls 601 and keys 1234# two ways.

- RFC 4733: digits typed into baresip's keypad during the call go out as telephone-events.
- In-band: baresip's microphone is a WAV of DTMF tones (baresip itself sends no events), so
  only Hotline's in-band detector (spandsp) can hear them.
Each call must end with calls.dtmf_digits = '1234' and the log naming the source."""
import re

import harness as H

ACCOUNT = ("<sip:1001@127.0.0.1:{sip_port};transport=udp>;auth_pass=demo1001;regint=0;"
           "audio_codecs=PCMU")


def digits_row(hl):
    rows = [r for r in hl.calls() if r["state"] == "closed" and str(r["to_number"]) == "601"
            and r["dtmf_digits"]]
    return rows[-1] if rows else None


def run(t):
    hl = t.start_hotline()
    silence = H.make_tone(t.path("quiet.wav"), 300, 30, volume=0.001)

    print("-- RFC 4733: keys typed on baresip's keypad")
    phone = H.Baresip(t, "keypad", ACCOUNT, silence, hl.sip_port,
                      commands=["/dial sip:601@127.0.0.1:{sip_port}"], quit_after_s=25).start()
    answered = hl.wait_answered(timeout=15, what="baresip's call to 601")
    t.check(answered is not None, "601 answered baresip's call", H.tail(phone.output(), 20))
    H.wait_until(lambda: False, 1.5)  # the prompt starts; keys may barge in
    for key in "1234#":
        phone.send(key)
        H.wait_until(lambda: False, 0.4)
    row = H.wait_until(lambda: digits_row(hl), 20)
    t.check(row is not None and row["dtmf_digits"] == "1234",
            "calls.dtmf_digits == '1234' (got %r)" % (row and row["dtmf_digits"]), hl.calls())
    t.check(re.search(r"collected digits 1234 via rfc4733", hl.log()) is not None,
            "log: collected digits 1234 via rfc4733", H.tail(hl.log(), 20))
    phone.stop()

    print("-- in-band: baresip's audio carries DTMF tones")
    tones = H.make_dtmf_wav(t.path("dtmf_1234.wav"), "1234#", tone_ms=120, gap_ms=120,
                            lead_ms=2000, ulaw=False)
    before = len(hl.calls())
    phone = H.Baresip(t, "tones", ACCOUNT, tones, hl.sip_port,
                      commands=["/dial sip:601@127.0.0.1:{sip_port}"], quit_after_s=25).start()
    row = H.wait_until(lambda: len(hl.calls()) > before and
                       [r for r in hl.calls()[before:] if r["state"] == "closed" and r["dtmf_digits"]], 25)
    digits = row[-1]["dtmf_digits"] if row else None
    t.check(digits == "1234", "in-band: calls.dtmf_digits == '1234' (got %r)" % digits, hl.calls())
    t.check(re.search(r"collected digits 1234 via inband", hl.log()) is not None,
            "log: collected digits 1234 via inband", H.tail(hl.log(), 20))
    phone.stop()


H.main(run)
