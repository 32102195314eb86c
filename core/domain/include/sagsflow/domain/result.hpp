// Status and Result<T>: errors as values at module boundaries.
//
// A Status is either ok or carries an ErrorCode and a human-readable message
// that names what is wrong and where. Result<T> holds a value or a non-ok
// Status; callers must check ok() before value(). Neither type throws on
// construction; value() on an error Result is a programming error (asserts).
// Thread-safety: plain values; concurrent reads of one object are safe, a
// change needs the only reference.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sagsflow {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // input is malformed (bad CPR, bad workflow, bad field)
  kNotFound,         // the thing asked for does not exist
  kAlreadyExists,    // a unique thing exists already
  kConflict,         // a concurrent change won; retry after re-reading
  kGuardFailed,      // an action's preconditions are not met (missing items)
  kForbidden,        // the actor may not do this
  kFailedPrecondition,  // the object is in a state that does not allow this
  kSchemaTooNew,     // the database was written by a newer Sagsflow
  kStorage,          // the database failed
  kPluginFailed,     // a plugin threw, reported an error or returned garbage
  kInternal,         // a bug or an unexpected failure
};

const char* error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "conflict: case 12 was changed by another action ..." (or "ok").
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
inline Status Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
inline Status GuardFailed(std::string m) { return {ErrorCode::kGuardFailed, std::move(m)}; }
inline Status Forbidden(std::string m) { return {ErrorCode::kForbidden, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {ErrorCode::kFailedPrecondition, std::move(m)}; }
inline Status StorageError(std::string m) { return {ErrorCode::kStorage, std::move(m)}; }
inline Status PluginFailed(std::string m) { return {ErrorCode::kPluginFailed, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  const T& value() const& { assert(ok()); return std::get<T>(data_); }
  T& value() & { assert(ok()); return std::get<T>(data_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(data_)); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace sagsflow
