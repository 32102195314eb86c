#include "sagsflow/domain/result.hpp"

namespace sagsflow {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kGuardFailed: return "guard_failed";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kSchemaTooNew: return "schema_too_new";
    case ErrorCode::kStorage: return "storage";
    case ErrorCode::kPluginFailed: return "plugin_failed";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(error_code_name(code_)) + ": " + message_;
}

}  // namespace sagsflow
