"""RTP hijack, reflection and media timeouts (issue 9, points 2, 3 and 6), with real peers.

1. Reflection: an unauthenticated INVITE to 600 whose SDP names 127.0.0.2:P (a listener this
   test binds there) is answered, but not one packet reaches 127.0.0.2 — with the caller
   silent, and with the caller streaming from its own (other) address, which Hotline learns.
2. Offers naming a multicast or broadcast address get 488 (c=0.0.0.0 hold is still answered).
3. An unauthenticated a=inactive call that never carries media is ended by the no-media timeout
   (BYE, CDR hangup_cause no_media_timeout).
4. Unauthenticated calls are capped per source address (503 beyond), and a slot frees up when
   a call ends.
5. An attacker on 127.0.0.3 spraying 2000 Hz RTP (consistent streams, every even port of
   Hotline's range) at a recorded baresip 1001 -> 1002 call: each phone still hears only the
   other, the recording has no 2000 Hz, the attacker receives nothing, /metrics counts the
   dropped packets.
6. The server restarted with another configuration: an offer outside media_networks gets 488; max_call_duration_s ends a call
   that would go on for ever (CDR hangup_cause max_duration).
(The out-of-network check runs with its own configuration because baresip announces the machine's
interface address, not 127.0.0.1, and Hotline learns its real loopback source.)"""
import math
import os
import re
import socket
import struct
import threading
import time

import harness as H

ATTACKER_IP = "127.0.0.3"
THIRD_PARTY_IP = "127.0.0.2"


class Listener:
    """A UDP socket that counts every datagram it receives (the reflection target)."""

    def __init__(self, ip):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        low, _ = H.free_port_block(2, ip)
        self.sock.bind((ip, low))
        self.sock.settimeout(0.1)
        self.port = low
        self.count = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                self.sock.recvfrom(4096)
                self.count += 1
            except socket.timeout:
                pass
            except OSError:
                return

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


def ulaw_encode(sample):
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 132
    exponent = 7
    for e in range(7, -1, -1):
        if magnitude & (0x80 << e):
            exponent = e
            break
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


class Attacker:
    """No SIP at all: sprays RTP (2000 Hz u-law, one SSRC and consecutive sequence numbers per
    target port: what strict learning would accept from a phone) at every even port of a range,
    every 20 ms, and counts what comes back."""

    def __init__(self, ports):
        self.ports = [p for p in range(ports[0], ports[1] + 1) if p % 2 == 0]
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ATTACKER_IP, 0))
        self.sock.setblocking(False)
        self.frames = [bytes(ulaw_encode(int(12000 * math.sin(2 * math.pi * 2000 * (k * 160 + i) / 8000)))
                             for i in range(160)) for k in range(4)]
        self.sent = 0
        self.received = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def run(self):
        seq = 0
        next_at = time.monotonic()
        while not self.stop:
            frame = self.frames[seq % 4]
            for port in self.ports:
                header = struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, (seq * 160) & 0xFFFFFFFF,
                                     0xA77AC000 + port)
                try:
                    self.sock.sendto(header + frame, (H.LOCAL_IP, port))
                    self.sent += 1
                except OSError:
                    pass
            seq += 1
            while True:
                try:
                    self.sock.recvfrom(4096)
                    self.received += 1
                except (BlockingIOError, OSError):
                    break
            next_at += 0.02
            time.sleep(max(0.0, next_at - time.monotonic()))

    def close(self):
        self.stop = True
        self.thread.join(3)
        self.sock.close()


def uac(t, hl, service, sdp_ip, sdp_port, direction="sendrecv", media="", ending="BYE",
        timeout_ms=30000, calls=1, extra=(), timeout_s=40):
    return H.Sipp(t, "uac_sdp.xml", service, hl.sip_port, calls=calls, extra=extra,
                  subs={"SDP_IP": sdp_ip, "SDP_PORT": sdp_port, "DIRECTION": direction,
                        "MEDIA": media, "ENDING": ending, "TIMEOUT_MS": timeout_ms},
                  timeout_s=timeout_s)


def refused(t, hl, service, sdp_ip, status, sdp_port=40000):
    return H.Sipp(t, "uac_sdp_refused.xml", service, hl.sip_port,
                  subs={"SDP_IP": sdp_ip, "SDP_PORT": sdp_port, "STATUS": status},
                  timeout_s=15).run()


def metric(hl, name, labels=""):
    status, _, body = hl.http("GET", "/metrics")
    if status != 200:
        return None
    m = re.search(r"^%s%s (\d+)" % (re.escape(name), re.escape(labels)), body.decode(), re.M)
    return int(m.group(1)) if m else None


def run(t):
    hl = t.start_hotline(
        extra={"unauthenticated_no_media_timeout_s": 3, "max_unauthenticated_calls_per_source": 2})
    tone = H.make_tone(t.path("t440.ulaw.wav"), 440, 30, ulaw=True)
    reflection(t, hl, tone)
    refused_addresses(t, hl)
    inactive_timeout(t, hl)
    caps(t, hl, tone)
    attacker(t, hl)
    second_server(t, hl)


def reflection(t, hl, tone):
    target = Listener(THIRD_PARTY_IP)
    try:
        print("-- unauthenticated INVITE to 600 naming %s:%d, the caller silent for 2 s"
              % (THIRD_PARTY_IP, target.port))
        r = uac(t, hl, "600", THIRD_PARTY_IP, target.port, media=H.media_pause(2000)).run()
        t.check(r.rc == 0, "the call to 600 was answered and hung up", r.detail())
        t.check(target.count == 0, "nothing reached the third party %s (%d packets)"
                % (THIRD_PARTY_IP, target.count))
        print("-- the same, the caller streaming from its own address (learned, as behind NAT)")
        r = uac(t, hl, "600", THIRD_PARTY_IP, target.port,
                media=H.media_stream(tone, 3000)).run()
        t.check(r.rc == 0, "the streaming call to 600 was answered and hung up", r.detail())
        t.check(target.count == 0, "still nothing reached %s (%d packets)"
                % (THIRD_PARTY_IP, target.count))
        t.check(re.search(r"learned its RTP source", hl.log()) is not None,
                "the caller's real source was learned (log)")
    finally:
        target.close()


def refused_addresses(t, hl):
    for what, ip in (("multicast", "239.1.2.3"), ("broadcast", "255.255.255.255")):
        print("-- an offer naming %s %s" % (what, ip))
        r = refused(t, hl, "600", ip, 488)
        t.check(r.rc == 0, "%s connection address %s: 488" % (what, ip), r.detail())
    t.check(re.search(r"multicast connection address 239\.1\.2\.3 refused", hl.log()) is not None,
            "the log says why the multicast offer was refused")
    print("-- hold (c=0.0.0.0) is still accepted")
    r = uac(t, hl, "600", "0.0.0.0", 40000, media=H.media_pause(500)).run()
    t.check(r.rc == 0, "c=0.0.0.0 offer answered (old-style hold)", r.detail())


def inactive_timeout(t, hl):
    print("-- an unauthenticated a=inactive call that never carries media (timeout 3 s)")
    started = time.monotonic()
    idle = uac(t, hl, "600", H.LOCAL_IP, 40002, direction="inactive", ending="WAIT_BYE",
               timeout_ms=20000)
    r = idle.run()
    took = time.monotonic() - started
    t.check(r.rc == 0 and re.search(r"^BYE ", r.messages, re.M) is not None,
            "the idle caller got a BYE from Hotline (after %.1f s)" % took, r.detail())
    row = hl.wait_call_closed(sip_call_id=(idle.call_ids() or [None])[0])
    t.check(row is not None and row["hangup_cause"] == "no_media_timeout",
            "CDR hangup_cause no_media_timeout", row)
    t.check(row is not None and row["hangup_side"] == "system", "CDR hangup_side system", row)
    t.check(re.search(r"sent no media in 3 s", hl.log()) is not None, "the log names the reason")


def caps(t, hl, tone):
    print("-- two unauthenticated calls from 127.0.0.1 (the per-source cap is 2), then a third")
    before = len(hl.calls())
    holders = uac(t, hl, "600", H.LOCAL_IP, "[media_port]", media=H.media_stream(tone, 6000),
                  calls=2, extra=["-l", "2", "-r", "10"]).start()
    up = H.wait_until(lambda: len([x for x in hl.calls()[before:] if x["state"] == "open"
                                   and x["answer_time"] is not None]) == 2, 10)
    t.check(up, "two calls up", hl.calls()[before:])
    r = refused(t, hl, "600", H.LOCAL_IP, 503)
    t.check(r.rc == 0, "the third unauthenticated call from the same address: 503", r.detail())
    rh = holders.wait(30)
    t.check(rh.rc == 0 and rh.successful == 2, "the two calls completed", rh.detail())
    r = uac(t, hl, "600", H.LOCAL_IP, "[media_port]", media=H.media_stream(tone, 500)).run()
    t.check(r.rc == 0, "once they ended, a new call is answered", r.detail())
    t.check(re.search(r"unauthenticated call limit reached", hl.log()) is not None,
            "the log says why the call was refused")


def attacker(t, hl):
    a_wav = H.make_tone(t.path("a_440.wav"), 440, 60)
    b_wav = H.make_tone(t.path("b_1000.wav"), 1000, 60)
    print("-- baresip 1002 answers with 1000 Hz; baresip 1001 calls it with 440 Hz (recorded)")
    b = H.Baresip(t, "bob", "<sip:1002@127.0.0.1:{sip_port};transport=udp>;auth_pass=demo1002;"
                  "regint=60;answermode=auto;audio_codecs=PCMU", b_wav, hl.sip_port, quit_after_s=40)
    b.start()
    t.check(H.wait_until(b.registered, 10), "baresip 1002 registered", H.tail(b.output(), 20))
    a = H.Baresip(t, "alice", "<sip:1001@127.0.0.1:{sip_port};transport=udp>;auth_pass=demo1001;"
                  "regint=0;audio_codecs=PCMU", a_wav, hl.sip_port,
                  commands=["/dial sip:1002@127.0.0.1:{sip_port}"], quit_after_s=10)
    a.start()
    row = hl.wait_answered(15, "the 1001 -> 1002 call")
    dropped_before = metric(hl, "hotline_rtp_dropped_packets_total", '{reason="foreign_source"}') or 0
    print("-- attacker %s sprays 2000 Hz at every even port of %d-%d" % ((ATTACKER_IP,) + hl.rtp))
    spray = Attacker(hl.rtp).start()
    t.check(a.wait(25) is not None, "the caller hung up by itself")
    spray.close()
    closed = hl.wait_call_closed(to_number="1002", timeout=10)
    b.stop()
    print("   attacker sent %d packets, received %d" % (spray.sent, spray.received))
    t.check(spray.sent > 1000, "the attacker sent its stream (%d packets)" % spray.sent)
    t.check(spray.received == 0, "the attacker received nothing (%d packets)" % spray.received)
    dropped = metric(hl, "hotline_rtp_dropped_packets_total", '{reason="foreign_source"}')
    t.check(dropped is not None and dropped - dropped_before > 200,
            "/metrics counts the foreign packets (%s)" % dropped)
    a_dec, b_dec = a.dumps("dec"), b.dumps("dec")
    t.check(bool(a_dec) and bool(b_dec), "both phones dumped what they heard")
    if b_dec:
        t.check(H.tone_present(t, b_dec[-1], 440, skip_ms=1000), "callee heard the caller's 440 Hz")
        t.check(H.tone_absent(t, b_dec[-1], 2000, skip_ms=1000), "callee heard no 2000 Hz")
    if a_dec:
        t.check(H.tone_present(t, a_dec[-1], 1000, skip_ms=2000), "caller heard the callee's 1000 Hz")
        t.check(H.tone_absent(t, a_dec[-1], 2000, skip_ms=2000), "caller heard no 2000 Hz")
    path = (closed or row).get("recording_path")
    recs = H.db_rows(hl.db, "SELECT * FROM recordings WHERE call_id = ?", (row["id"],))
    path = path or (recs[0]["path"] if recs else None)
    t.check(path and os.path.exists(path), "the call was recorded (%s)" % path)
    if path and os.path.exists(path):
        t.check(H.tone_present(t, path, 440, channel=0, skip_ms=1000), "recording left: 440 Hz")
        t.check(H.tone_present(t, path, 1000, channel=1, skip_ms=1000), "recording right: 1000 Hz")
        t.check(H.tone_absent(t, path, 2000, channel=0, skip_ms=1000), "recording left: no 2000 Hz")
        t.check(H.tone_absent(t, path, 2000, channel=1, skip_ms=1000), "recording right: no 2000 Hz")


def second_server(t, hl):
    print("-- the server restarted with media_networks [127.0.0.0/29], max_call_duration_s 3")
    t.check(hl.stop() == 0, "the first configuration's server stopped cleanly")
    with open(hl.config_path, "w") as f:
        f.write(H.config_yaml(extra={"max_call_duration_s": 3},
                              raw='media_networks: ["127.0.0.0/29"]\n'))
    hl2 = hl.start()
    r = refused(t, hl2, "600", "127.0.0.9", 488)
    t.check(r.rc == 0, "an offer naming 127.0.0.9 (outside media_networks): 488", r.detail())
    t.check(re.search(r"127\.0\.0\.9 is outside the media networks", hl2.log()) is not None,
            "the log says why")
    print("-- a call that streams on is ended at the maximum duration")
    tone = H.make_tone(t.path("t440b.ulaw.wav"), 440, 30, ulaw=True)
    started = time.monotonic()
    r = H.Sipp(t, "uac_call.xml", "600", hl2.sip_port,
               subs={"MEDIA": H.media_stream_start(tone), "ENDING": "WAIT_BYE", "TIMEOUT_MS": 20000},
               timeout_s=30).run()
    took = time.monotonic() - started
    t.check(r.rc == 0 and re.search(r"^BYE ", r.messages, re.M) is not None,
            "the streaming caller got a BYE (after %.1f s)" % took, r.detail())
    row = hl2.wait_call_closed(to_number="600")
    t.check(row is not None and row["hangup_cause"] == "max_duration", "CDR hangup_cause max_duration", row)
    t.check(re.search(r"maximum duration of 3 s reached", hl2.log()) is not None, "the log names the reason")


H.main(run)
