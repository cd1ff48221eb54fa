"""Digits read-back (601): DTMF 1234# collected three ways -- RFC 4733 events, SIP INFO
(application/dtmf-relay and application/dtmf), in-band tones -- stored in calls.dtmf_digits and
logged with their source."""
import re

import harness as H

DIGITS = "1234#"


def call_601(t, hl, label, subs):
    print("-- %s" % label)
    s = H.Sipp(t, "uac_call.xml", "601", hl.sip_port, subs=dict(subs, ENDING="WAIT_BYE", TIMEOUT_MS=30000),
               timeout_s=60, name="sipp_%s" % label)
    r = s.run()
    t.check(r.rc == 0, "%s: call to 601 answered, then hung up by the server" % label, r.detail())
    ids = s.call_ids()
    if not ids:
        t.check(False, "%s: sipp trace has the Call-ID" % label)
        return None
    row = hl.wait_call_closed(sip_call_id=ids[0])
    if row:
        print("   row: %s" % {k: row[k] for k in ("id", "disposition", "dtmf_digits", "hangup_side", "talk_ms")})
        t.check(row["dtmf_digits"] == "1234", "%s: calls.dtmf_digits == '1234' (got %r)" % (label, row["dtmf_digits"]), row)
        t.check(row["disposition"] == "answered", "%s: disposition answered" % label, row)
        t.check(row["hangup_side"] == "system", "%s: hangup_side system (server hung up)" % label, row)
    return row


def run(t):
    hl = t.start_hotline()

    # 1. RFC 4733: sipp's bundled telephone-event pcaps (payload type 101).
    row = call_601(t, hl, "rfc4733", {"MEDIA": H.media_rfc4733(DIGITS, lead_ms=2500, gap_ms=600)})
    src_check(t, hl, row, "rfc4733")

    # 2. SIP INFO: '1','2' as application/dtmf-relay, '3','4','#' as application/dtmf.
    media = H.media_info("12", "application/dtmf-relay", lead_ms=2500) + \
        H.media_info("34#", "application/dtmf", lead_ms=0, first_cseq=20)
    row = call_601(t, hl, "info", {"MEDIA": media})
    src_check(t, hl, row, "info")

    # 3. In-band: DTMF tones in the PCMU stream, no telephone-event offered.
    wav = H.make_dtmf_wav(t.path("dtmf_1234#.wav"), DIGITS, tone_ms=150, gap_ms=150, lead_ms=2500, ulaw=True)
    # Played once; the server hangs up after the read-back, which ends the stream.
    row = call_601(t, hl, "inband", {"PAYLOADS": "0", "RTPMAP": "      a=rtpmap:0 PCMU/8000",
                                     "MEDIA": H.media_stream_start(wav, loops=1)})
    src_check(t, hl, row, "inband")


def src_check(t, hl, row, source):
    if not row:
        return
    pat = re.compile(r"collected digits 1234 via %s\b" % source)
    any_pat = re.compile(r"collected digits (\S*) via (\S+)")
    found = H.wait_until(lambda: pat.search(hl.log()), 3)
    t.check(found is not None, "log says 'collected digits 1234 via %s'" % source,
            "log lines: %s" % any_pat.findall(hl.log()))


H.main(run)
