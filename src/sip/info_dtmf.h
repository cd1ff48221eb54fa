// sip/info_dtmf.h: DTMF carried in SIP INFO bodies. Two formats are in the field:
// application/dtmf-relay ("Signal=5\r\nDuration=160", Cisco/most phones) and application/dtmf
// ("5"). Pure parsing of untrusted text.
#pragma once

#include <optional>
#include <string_view>

namespace hotline::sip {

// The digit ('0'-'9', '*', '#', 'A'-'D'), or nullopt if the body is not DTMF of a known type.
std::optional<char> ParseInfoDtmf(std::string_view content_type, std::string_view body);

}  // namespace hotline::sip
