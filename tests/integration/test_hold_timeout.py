"""Hold/resume passed across the B2BUA, and the RTP inactivity timeout.

1. 1001 calls 1002 (both sipp). 1001 sends a re-INVITE with a=sendonly (hold): Hotline answers
   a=recvonly and sends 1002 a re-INVITE with a=sendonly; then a=sendrecv (resume) is passed
   across the same way. The call then ends normally and its CDR says answered.
2. With rtp_timeout_s: 2, a call to the echo test 600 that never sends RTP is hung up by
   Hotline (BYE) with hangup_cause rtp_timeout, and the log names the reason."""
import re

import harness as H

SDP = """
      v=0
      o=it 53655765 %(version)s IN IP[local_ip_type] [local_ip]
      s=hotline-it
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=%(direction)s
"""


def uac_reinvite(cseq, direction, expect, var):
    return """
  <send retrans="500">
    <![CDATA[
      INVITE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:@FROM@@[remote_ip]>;tag=[pid]uac[call_number]
      To:[$to]
      [routes]
      Call-ID: [call_id]
      CSeq: %(cseq)d INVITE
      Contact: <sip:@FROM@@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]
%(sdp)s
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200">
    <action><ereg regexp="a=%(expect)s" search_in="body" check_it="true" assign_to="%(var)s"/></action>
  </recv>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:@FROM@@[remote_ip]>;tag=[pid]uac[call_number]
      To:[$to]
      [routes]
      Call-ID: [call_id]
      CSeq: %(cseq)d ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
""" % {"cseq": cseq, "expect": expect, "var": var,
       "sdp": SDP % {"version": 2353687640 + cseq, "direction": direction}}


def uas_reinvite(expect, answer, var, version):
    return """
  <recv request="INVITE" crlf="true">
    <action><ereg regexp="a=%(expect)s" search_in="body" check_it="true" assign_to="%(var)s"/></action>
  </recv>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]
%(sdp)s
    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
""" % {"expect": expect, "var": var, "sdp": SDP % {"version": version, "direction": answer}}




def run(t):
    hl = t.start_hotline(extra={"rtp_timeout_s": 2})
    tone = H.make_tone(t.path("t440.ulaw.wav"), 440, 60, ulaw=True)

    print("-- hold and resume 1001 -> 1002")
    uas_ending = (uas_reinvite("sendonly", "recvonly", "u1", 2353687650) +
                  uas_reinvite("sendrecv", "sendrecv", "u2", 2353687651) +
                  H.SNIPPETS["UAS_WAIT_BYE"] +
                  '  <Reference variables="u1,u2"/>\n')
    uas = H.sipp_callee(t, hl, "1002", "uas_answer.xml",
                        subs={"MEDIA": H.media_stream_start(tone), "ENDING": uas_ending},
                        timeout_s=40)
    uac_media = (H.media_stream_start(tone) + '  <pause milliseconds="1500"/>\n' +
                 uac_reinvite(10, "sendonly", "recvonly", "h1") +
                 '  <pause milliseconds="1500"/>\n' +
                 uac_reinvite(11, "sendrecv", "sendrecv", "h2") +
                 '  <pause milliseconds="1000"/>\n  <Reference variables="h1,h2"/>\n')
    uac = H.Sipp(t, "uac_call.xml", "1002", hl.sip_port, user="1001",
                 subs={"MEDIA": uac_media, "ENDING": "BYE"}, timeout_s=40).start()
    r1, r2 = uac.wait(40), uas.wait(40)
    t.check(r1.rc == 0, "caller: hold answered recvonly, resume answered sendrecv, BYE 200",
            r1.detail())
    t.check(r2.rc == 0, "callee: got re-INVITE sendonly (hold) then sendrecv (resume), then BYE",
            r2.detail())
    t.check(re.search(r"put the call on hold", hl.log()) is not None, "log: caller put the call on hold")
    t.check(re.search(r"resumed", hl.log()) is not None, "log: caller resumed")
    row = hl.wait_call_closed(to_number="1002")
    t.check(row is not None and row["disposition"] == "answered", "held call CDR answered", row)
    t.check(row is not None and 1000 <= (row["hold_ms"] or 0) <= 4000,
            "CDR: hold time of about 1.5 s (%s ms)" % (row or {}).get("hold_ms"), row)

    print("-- RTP inactivity: a call to 600 that sends no RTP is hung up after ~2 s")
    uac2 = H.Sipp(t, "uac_call.xml", "600", hl.sip_port, user="1001",
                  subs={"MEDIA": "", "ENDING": "WAIT_BYE", "TIMEOUT_MS": 15000},
                  timeout_s=30).start()
    r3 = uac2.wait(30)
    t.check(r3.rc == 0 and re.search(r"^BYE ", r3.messages, re.M) is not None,
            "the silent caller got a BYE from Hotline", r3.detail())
    row = hl.wait_call_closed(to_number="600")
    t.check(row is not None and row["hangup_cause"] == "rtp_timeout",
            "CDR hangup_cause rtp_timeout", row)
    t.check(row is not None and row["hangup_side"] == "system", "CDR hangup_side system", row)
    t.check(re.search(r"no RTP for 2 s", hl.log()) is not None, "log names the reason")


H.main(run)
