// collect: gathers several keys into a variable.
//   account: {type: collect, prompt: ..., variable: account, min_digits: 6, max_digits: 12,
//             terminator: "#", first_digit_timeout_ms: 8000, inter_digit_timeout_ms: 4000,
//             pattern: "[0-9]{6,12}", mask: false, max_retries: 2, next: pin, fallback: ...}
// Entry ends on the terminator, at max_digits, or when the inter-digit timeout passes; it is
// then valid if its length is within [min, max] and `pattern` (ECMAScript regex) matches it
// whole. mask: true keeps the digits out of the call record (PINs).
#include <regex>

#include "ivr/node_registry.h"
#include "ivr/nodes/builtin_nodes.h"
#include "ivr/nodes/prompted_input.h"

namespace hotline::ivr {

namespace {

class CollectNode final : public PromptedInputNode {
 public:
  explicit CollectNode(NodeReader& reader) {
    ReadCommon(reader, "first_digit_timeout_ms", Duration{8000});
    variable_ = reader.String("variable", true);
    min_digits_ = reader.Int("min_digits", 0, 64, 1);
    max_digits_ = reader.Int("max_digits", 1, 64, 16);
    if (min_digits_ > max_digits_) {
      reader.Error(reader.LineOfKey("min_digits"), "min_digits (" + std::to_string(min_digits_) +
                                                       ") is greater than max_digits (" +
                                                       std::to_string(max_digits_) + ")");
    }
    std::string terminator = reader.String("terminator", false, "#");
    if (terminator == "#" || terminator == "*") {
      terminator_ = terminator[0];
    } else if (terminator != "none") {
      reader.Error(reader.LineOfKey("terminator"),
                   "terminator must be \"#\", \"*\" or none, not \"" + terminator + "\"");
    }
    inter_digit_timeout_ = reader.Millis("inter_digit_timeout_ms", Duration{4000});
    mask_ = reader.Bool("mask", false);
    pattern_text_ = reader.String("pattern", false);
    if (!pattern_text_.empty()) {
      for (char c : pattern_text_) {
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (letter && c != 'd') {  // \d is the only letter a keypad pattern needs
          reader.Error(reader.LineOfKey("pattern"),
                       "bad digit pattern \"" + pattern_text_ + "\": keys are only 0-9, * and #");
          pattern_text_.clear();
          break;
        }
      }
    }
    if (!pattern_text_.empty()) {
      try {
        pattern_ = std::regex(pattern_text_, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        reader.Error(reader.LineOfKey("pattern"),
                     "bad digit pattern \"" + pattern_text_ + "\": " + e.what());
      }
    }
    next_ = reader.Target("next", true);
  }

  void OnDigit(Context& ctx, char digit) const override {
    if (!AcceptDigit(ctx)) return;
    NodeScratch& scratch = ctx.scratch();
    if (terminator_ != 0 && digit == terminator_) {
      Complete(ctx);
      return;
    }
    scratch.digits += digit;
    if (static_cast<int>(scratch.digits.size()) >= max_digits_) {
      Complete(ctx);
      return;
    }
    scratch.timer = ctx.StartTimer(inter_digit_timeout_);
  }

  void OnTimer(Context& ctx, Token token) const override {
    if (token != ctx.scratch().timer) return;
    ctx.scratch().timer = 0;
    if (ctx.scratch().digits.empty()) {
      Retry(ctx, true, "");
    } else {
      Complete(ctx);  // inter-digit timeout: take what was entered
    }
  }

 private:
  void Complete(Context& ctx) const {
    std::string digits = ctx.scratch().digits;
    std::string shown = mask_ ? std::string(digits.size(), '*') : digits;
    int length = static_cast<int>(digits.size());
    bool valid = length >= min_digits_ && length <= max_digits_ &&
                 (pattern_text_.empty() || std::regex_match(digits, pattern_));
    if (!valid) {
      Retry(ctx, false, shown);
      return;
    }
    if (mask_) ctx.MarkSecret(variable_);
    ctx.Set(variable_, digits);
    ctx.Record("collect", id() + ":" + shown);
    ctx.Goto(next_);
  }

  std::string variable_;
  int min_digits_ = 1;
  int max_digits_ = 16;
  char terminator_ = 0;
  Duration inter_digit_timeout_{4000};
  bool mask_ = false;
  std::string pattern_text_;
  std::regex pattern_;
  std::string next_;
};

}  // namespace

void RegisterCollectNode(NodeRegistry& registry) {
  registry.Register("collect",
                    [](NodeReader& reader) { return std::make_unique<CollectNode>(reader); });
}

}  // namespace hotline::ivr
