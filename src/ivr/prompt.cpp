#include "ivr/prompt.h"

#include <cassert>

#include "ivr/speech.h"

namespace hotline::ivr {

namespace {

bool FormatByName(std::string_view name, Template::Format& format) {
  static const std::map<std::string_view, Template::Format> kFormats = {
      {"text", Template::Format::kText},
      {"digits", Template::Format::kDigits},
      {"amount", Template::Format::kAmount},
      {"date", Template::Format::kDate},
      {"number", Template::Format::kNumber}};
  auto it = kFormats.find(name);
  if (it == kFormats.end()) return false;
  format = it->second;
  return true;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

Result<Template> Template::Parse(std::string_view text) {
  Template out;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out.parts_.push_back({Format::kLiteral, std::move(literal)});
    literal.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        ++i;
        continue;
      }
      return Error{"unmatched '}' in \"" + std::string(text) + "\" (write }} for a brace)"};
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      return Error{"unclosed '{' in \"" + std::string(text) + "\""};
    }
    std::string_view inside = text.substr(i + 1, close - i - 1);
    Part part{Format::kText, ""};
    size_t colon = inside.find(':');
    std::string_view name = inside;
    if (colon != std::string_view::npos) {
      if (!FormatByName(inside.substr(0, colon), part.format)) {
        return Error{"unknown format \"" + std::string(inside.substr(0, colon)) + "\" in {" +
                     std::string(inside) + "} (text, digits, amount, date, number)"};
      }
      name = inside.substr(colon + 1);
    }
    if (name.empty()) return Error{"empty placeholder {" + std::string(inside) + "}"};
    for (char n : name) {
      if (!IsNameChar(n)) return Error{"bad variable name in {" + std::string(inside) + "}"};
    }
    flush();
    part.text = std::string(name);
    out.parts_.push_back(std::move(part));
    i = close;
  }
  flush();
  return out;
}

std::string Template::Render(std::string_view language, const VariableLookup& lookup) const {
  std::string out;
  for (const Part& part : parts_) {
    if (part.format == Format::kLiteral) {
      out += part.text;
      continue;
    }
    std::optional<std::string> value = lookup ? lookup(part.text) : std::nullopt;
    if (!value) continue;
    Result<std::string> spoken = Error{""};
    switch (part.format) {
      case Format::kDigits:
        spoken = SpeakDigits(*value, language);
        break;
      case Format::kAmount:
        spoken = SpeakAmount(*value, language);
        break;
      case Format::kDate:
        spoken = SpeakDate(*value, language);
        break;
      case Format::kNumber:
        spoken = SpeakNumber(*value, language);
        break;
      default:
        spoken = *value;
        break;
    }
    out += spoken ? *spoken : *value;
  }
  return out;
}

ResolvedPrompt PromptSpec::Resolve(const std::string& language,
                                   const std::string& fallback_language,
                                   const VariableLookup& lookup) const {
  assert(!empty());
  const PromptVariant* chosen = nullptr;
  std::string chosen_language = language;
  if (auto it = by_language_.find(language); it != by_language_.end()) {
    chosen = &it->second;
  } else if (neutral_) {
    chosen = &*neutral_;
  } else if (auto fb = by_language_.find(fallback_language); fb != by_language_.end()) {
    chosen = &fb->second;
    chosen_language = fallback_language;
  } else {
    chosen = &by_language_.begin()->second;
    chosen_language = by_language_.begin()->first;
  }
  return ResolvedPrompt{chosen->kind, chosen->content.Render(chosen_language, lookup),
                        chosen_language};
}

}  // namespace hotline::ivr
