#include "call/queue_announcement.h"

#include <chrono>

namespace hotline::call {

namespace {

// Whole minutes, rounded up; 0 for less than a minute.
long MinutesUp(Duration wait) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(wait).count();
  if (seconds < 60) return 0;
  return (seconds + 59) / 60;
}

std::string SpacedDigits(const std::string& number) {
  std::string out;
  for (char c : number) {
    if (!out.empty()) out += ' ';
    out += c;
  }
  return out;
}

}  // namespace

std::string QueueAnnouncement(const std::string& language, std::size_t position,
                              Duration expected_wait, bool offer_callback) {
  const long minutes = MinutesUp(expected_wait);
  const std::size_t ahead = position > 0 ? position - 1 : 0;
  if (language == "zh") {
    std::string text =
        ahead == 0 ? "您是下一位，" : "您前面还有" + std::to_string(ahead) + "位客户，";
    text +=
        minutes == 0 ? "预计等待不到一分钟。" : "预计等待约" + std::to_string(minutes) + "分钟。";
    if (offer_callback) text += "如需我们稍后给您回电，请按1。";
    return text;
  }
  std::string text = ahead == 0 ? "You are next in line. "
                                : "There " + std::string(ahead == 1 ? "is " : "are ") +
                                      std::to_string(ahead) +
                                      (ahead == 1 ? " caller" : " callers") + " ahead of you. ";
  text += minutes == 0 ? "The expected wait is less than a minute."
                       : "The expected wait is about " + std::to_string(minutes) +
                             (minutes == 1 ? " minute." : " minutes.");
  if (offer_callback) text += " To be called back instead, press 1.";
  return text;
}

std::string CallbackConfirmation(const std::string& language) {
  if (language == "zh") return "好的，您的排队位置已保留，轮到您时我们会给您回电。再见。";
  return "Thank you. We have kept your place in the queue and will call you back when it is "
         "your turn. Goodbye.";
}

std::string CallbackAgentIntro(const std::string& language, const std::string& number) {
  if (language == "zh") return "回电客户 " + SpacedDigits(number) + "，正在接通。";
  return "Callback to " + SpacedDigits(number) + ". Connecting.";
}

}  // namespace hotline::call
