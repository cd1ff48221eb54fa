"""Bounded digit collection: 8,000 digits and '#' keyed into the read-back 601 (SIP INFO, from
a sipp loop on 127.0.0.3) neither stall SIP handling nor grow the server's memory. (Before the
limit, '#' made the control thread synthesize one read-back of all the digits: seconds of
espeak on the SIP control thread and hundreds of MB of audio, kept in the prompt cache.)

While the flood runs, OPTIONS from another address are answered within a second each
(probed every 100 ms); afterwards OPTIONS and REGISTER work at once; the peak resident
memory (VmHWM in /proc/PID/status) stays under 400 MB; the call record keeps only the
collected digits (readback_max_digits: the highest allowed, 256, so that the read-back outlasts
the flood and the caller ends the call) and the prompt cache does not grow per digit string
keyed."""
import os
import threading
import time

import harness as H

DIGITS = 8000
MAX_DIGITS = 256
FLOOD_IP = "127.0.0.3"


def info_flood(n, digit="5"):
    """@MEDIA@: n SIP INFO digits, each waiting for its 200, in a sipp loop, then '#' (which
    used to make the server read all of them back), then 3 s in the call. CSeq numbers come
    from sipp's [cseq] (start them above the INVITE's with -base_cseq; end with a BYE that
    uses [cseq] too)."""
    return """
  <nop><action><assign assign_to="sent" value="0"/></action></nop>
  <label id="flood"/>
  <send>
    <![CDATA[
      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:@FROM@@[remote_ip]>;tag=[pid]uac[call_number]
      To:[$to]
      [routes]
      Call-ID: [call_id]
      CSeq: [cseq] INFO
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

Signal=%s
Duration=100
    ]]>
  </send>
  <recv response="200" crlf="true"/>
  <nop><action><add assign_to="sent" value="1"/>
    <test assign_to="more" variable="sent" compare="less_than" value="%d"/></action></nop>
  <nop test="more" next="flood"/>
  <send>
    <![CDATA[
      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:@FROM@@[remote_ip]>;tag=[pid]uac[call_number]
      To:[$to]
      [routes]
      Call-ID: [call_id]
      CSeq: [cseq] INFO
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

Signal=#
Duration=100
    ]]>
  </send>
  <recv response="200" crlf="true"/>
  <pause milliseconds="3000"/>
""" % (digit, n)


def vm_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def dir_files(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


def run(t):
    hl = t.start_hotline(extra={"readback_max_digits": MAX_DIGITS})
    pid = hl.proc.pid
    rss_before = vm_kb(pid, "VmRSS")
    cache = os.path.join(hl.data_dir, "prompts-cache")

    # Warm up: a short read-back, so the words of a read-back are in the cache.
    warm = H.Sipp(t, "uac_call.xml", "601", hl.sip_port,
                  subs={"MEDIA": H.media_info("12#", lead_ms=1000), "ENDING": "WAIT_BYE",
                        "TIMEOUT_MS": 30000}, timeout_s=40).start()
    r = warm.wait(40)
    t.check(r.rc == 0, "a short read-back works (12#)", r.detail())
    cached_before = dir_files(cache)

    probes = []  # (seconds, status) of OPTIONS from 127.0.0.1 during the flood
    stop = threading.Event()

    def probe():
        while not stop.is_set():
            t0 = time.monotonic()
            status = H.options(hl.sip_port, wait=3.0)
            probes.append((time.monotonic() - t0, status))
            stop.wait(0.1)

    print("-- %d digits by SIP INFO into 601 from %s" % (DIGITS, FLOOD_IP))
    # Audio flows all along, so the RTP inactivity timeout does not end the call.
    tone = H.make_tone(t.path("t440.ulaw.wav"), 440, 30, ulaw=True)
    flood = H.Sipp(t, "uac_call.xml", "601", hl.sip_port, local_ip=FLOOD_IP,
                   subs={"MEDIA": H.media_stream_start(tone) + info_flood(DIGITS),
                         "ENDING": H.SNIPPETS["BYE"].replace("CSeq: 30 BYE", "CSeq: [cseq] BYE")},
                   timeout_s=170,
                   extra=("-base_cseq", "100"), trace_msg=False)
    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    t0 = time.monotonic()
    flood.start()
    r = flood.wait(170)
    took = time.monotonic() - t0
    stop.set()
    prober.join(5)
    t.check(r.rc == 0, "all %d INFOs were answered 200 and the call ended normally (%.1f s)"
            % (DIGITS, took), r.detail())
    worst = max((p[0] for p in probes), default=0.0)
    unanswered = [p for p in probes if p[1] != 200]
    print("   %d OPTIONS probes during the flood, slowest %.3f s" % (len(probes), worst))
    t.check(probes and not unanswered, "every OPTIONS during the flood got 200 (%d probes)" % len(probes),
            unanswered[:5])
    t.check(worst < 1.0, "SIP handling never stalled for a second (slowest OPTIONS %.3f s)" % worst)

    t0 = time.monotonic()
    t.check(hl.options() == 200, "OPTIONS answered after the flood (%.3f s)" % (time.monotonic() - t0))
    _, reg = H.sipp_register(t, hl, "1003")
    t.check(reg.rc == 0, "REGISTER works after the flood", reg.detail())

    rss, peak = vm_kb(pid, "VmRSS"), vm_kb(pid, "VmHWM")
    print("   RSS before %d kB, after %d kB, peak %d kB" % (rss_before, rss, peak))
    t.check(0 < peak < 400 * 1024, "peak resident memory under 400 MB (%.1f MB)" % (peak / 1024.0))

    row = hl.wait_call_closed(to_number="601", timeout=10)
    rows = [c for c in hl.calls() if str(c["to_number"]) == "601"]
    flooded = rows[-1] if rows else None
    digits = str(flooded["dtmf_digits"] or "") if flooded else ""
    t.check(flooded and digits == "5" * MAX_DIGITS,
            "the record keeps the %d digits collected (%d)" % (MAX_DIGITS, len(digits)), row)
    t.check(H.wait_until(lambda: "%d digits, the most read back" % MAX_DIGITS in hl.log(), 5),
            "the log says collection stopped at the limit")
    new_files = sorted(set(dir_files(cache)) - set(cached_before))
    t.check(len(new_files) <= 2, "the read-back added at most its missing words to the prompt cache "
            "(%d new files)" % len(new_files), new_files)


if __name__ == "__main__":
    H.main(run)
