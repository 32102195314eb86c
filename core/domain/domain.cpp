#include "sagsflow/domain/domain.hpp"

#include <algorithm>
#include <array>

namespace sagsflow {
namespace {
struct ChannelName {
  Channel channel;
  const char* key;
  const char* label_da;
};
constexpr std::array<ChannelName, 7> kChannels{{
    {Channel::kPersonalAttendance, "personal_attendance", "personligt fremmøde"},
    {Channel::kPhone, "phone", "telefon"},
    {Channel::kLetter, "letter", "brev"},
    {Channel::kEmail, "email", "e-mail"},
    {Channel::kDigitalPost, "digital_post", "digital post"},
    {Channel::kDigitalSelfService, "digital_self_service", "digital selvbetjening"},
    {Channel::kAssistedSelfService, "assisted_self_service", "medbetjening"},
}};
}  // namespace

const char* channel_key(Channel c) {
  for (const auto& n : kChannels) {
    if (n.channel == c) return n.key;
  }
  return "unknown";
}

const char* channel_label_da(Channel c) {
  for (const auto& n : kChannels) {
    if (n.channel == c) return n.label_da;
  }
  return "ukendt";
}

std::optional<Channel> channel_from_key(std::string_view key) {
  for (const auto& n : kChannels) {
    if (key == n.key) return n.channel;
  }
  return std::nullopt;
}

bool Actor::has_role(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Actor Actor::system(std::string authority) {
  Actor a;
  a.id = "system";
  a.authority = std::move(authority);
  return a;
}

}  // namespace sagsflow
