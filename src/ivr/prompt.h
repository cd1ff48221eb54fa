// ivr/prompt.h: prompts as flows describe them: TTS text templates or recorded files, per
// language. A template is text with placeholders filled from session variables when played:
//   "您的余额是{amount:customer.balance}"   "You entered {digits:account}"   "{date:due}"
// Formats: text (default), digits, amount, date, number (see speech.h). "{{" and "}}" are
// literal braces. Parsed (and checked) when the flow loads; immutable afterwards.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ivr/action.h"

namespace hotline::ivr {

// Returns a variable's value, or nullopt when it is not set.
using VariableLookup = std::function<std::optional<std::string>(const std::string& name)>;

class Template {
 public:
  enum class Format { kLiteral, kText, kDigits, kAmount, kDate, kNumber };
  struct Part {
    Format format = Format::kLiteral;
    std::string text;  // literal text, or the variable name
  };

  // Error on unbalanced braces, empty names or unknown formats.
  static Result<Template> Parse(std::string_view text);

  // Fills the placeholders, speaking values in `language`. Unset variables render as nothing;
  // a value the format cannot speak (amount "abc") renders as its raw text.
  std::string Render(std::string_view language, const VariableLookup& lookup) const;

  const std::vector<Part>& parts() const { return parts_; }

 private:
  std::vector<Part> parts_;
};

// One version of a prompt: a text template or a file path (itself a template).
struct PromptVariant {
  ResolvedPrompt::Kind kind = ResolvedPrompt::Kind::kText;
  Template content;
};

class PromptSpec {
 public:
  void Set(const std::string& language, PromptVariant variant) {
    by_language_[language] = std::move(variant);
  }
  void SetNeutral(PromptVariant variant) { neutral_ = std::move(variant); }
  bool Has(const std::string& language) const {
    return neutral_.has_value() || by_language_.count(language) > 0;
  }
  bool empty() const { return !neutral_ && by_language_.empty(); }

  // The version for `language`; else the language-neutral one; else `fallback_language`'s;
  // else any. The result's language is the one actually chosen (the TTS voice to use).
  // REQUIRES: !empty().
  ResolvedPrompt Resolve(const std::string& language, const std::string& fallback_language,
                         const VariableLookup& lookup) const;

 private:
  std::map<std::string, PromptVariant> by_language_;
  std::optional<PromptVariant> neutral_;
};

}  // namespace hotline::ivr
