#include "sagsflow/domain/organisation_model.hpp"

#include "sagsflow/domain/key_table.hpp"

namespace sagsflow {

namespace {
constexpr std::array<std::pair<OrganisationalModel, const char*>, 5> kModels{{
    {OrganisationalModel::kSupermarket, "supermarket"},
    {OrganisationalModel::kCooperation, "cooperation"},
    {OrganisationalModel::kLimitedMarketSquare, "limited_market_square"},
    {OrganisationalModel::kHybrid, "hybrid"},
    {OrganisationalModel::kFullMarketSquare, "full_market_square"},
}};
constexpr std::array<std::pair<Placement, const char*>, 3> kPlacements{{
    {Placement::kCitizenServiceCentre, "citizen_service_centre"},
    {Placement::kDepartment, "department"},
    {Placement::kOtherAuthority, "other_authority"},
}};
}  // namespace

const char* organisational_model_key(OrganisationalModel m) { return to_key(kModels, m); }
std::optional<OrganisationalModel> organisational_model_from_key(std::string_view k) { return from_key(kModels, k); }
const char* placement_key(Placement p) { return to_key(kPlacements, p); }
std::optional<Placement> placement_from_key(std::string_view k) { return from_key(kPlacements, k); }
std::string all_organisational_model_keys() { return all_keys(kModels); }
std::string all_placement_keys() { return all_keys(kPlacements); }

}  // namespace sagsflow
