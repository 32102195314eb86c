// The organisational vocabulary of a citizen-service centre: the five
// organisational models (docs/legal.md#organisational-models) and where
// the three responsibilities of a task lie (professional, administrative,
// daily operations). Nothing here fails: the *_from_key functions answer an
// empty optional for an unknown key. Plain values; the key functions are pure
// and safe to call from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sagsflow {

enum class OrganisationalModel { kSupermarket, kCooperation, kLimitedMarketSquare, kHybrid, kFullMarketSquare };
const char* organisational_model_key(OrganisationalModel m);  // "limited_market_square"
std::optional<OrganisationalModel> organisational_model_from_key(std::string_view key);

// Where one of the three responsibilities of a task lies by default.
enum class Placement { kCitizenServiceCentre, kDepartment, kOtherAuthority };
const char* placement_key(Placement p);
std::optional<Placement> placement_from_key(std::string_view key);
// Every key, comma-separated, for error messages.
std::string all_organisational_model_keys();
std::string all_placement_keys();

struct Responsibilities {
  Placement professional = Placement::kDepartment;          // fagligt ansvar
  Placement administrative = Placement::kCitizenServiceCentre;  // administrativt ansvar
  Placement daily_operations = Placement::kCitizenServiceCentre;  // daglig drift
};

}  // namespace sagsflow
