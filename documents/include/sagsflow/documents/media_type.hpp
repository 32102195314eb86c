// What a document is, from its bytes, and a file name safe to store and show.
//
// sniff_media_type asks libmagic (magic_open(MAGIC_MIME_TYPE)) about the
// bytes; what a client declares (Content-Type, the file name's extension) is
// never used. libmagic's database is not safe to share between threads, so
// each thread loads its own once, on its first call.
//
// Thread-safety: every function may be called from any thread at once.
#pragma once

#include <string>
#include <string_view>

#include "sagsflow/domain/result.hpp"

namespace sagsflow::documents {

// The media type of `bytes` ("application/pdf", "image/png",
// "application/x-executable", "application/x-empty" ...). kInternal when
// libmagic cannot be loaded.
Result<std::string> sniff_media_type(std::string_view bytes);

// The usual file extension of a media type (".pdf", ".jpg", ".png", ...), or
// "" when there is none to give.
std::string extension_for(std::string_view media_type);

inline constexpr std::size_t kMaxFileNameBytes = 120;

// A file name to store and to send in Content-Disposition: the last part of
// `declared` after any '/' or '\', without control characters, bytes that are
// not UTF-8, and the characters " * : < > ? \ | ; leading dots and spaces and
// trailing dots and spaces removed; at most kMaxFileNameBytes bytes (cut on a
// character boundary, keeping the extension); the extension replaced by
// extension_for(media_type) when it names another type; "document" plus that
// extension when nothing is left.
std::string sanitise_file_name(std::string_view declared, std::string_view media_type);

// An ASCII rendering of a sanitised name for Content-Disposition's filename=
// (other characters become '_'); the UTF-8 name goes in filename*.
std::string ascii_file_name(std::string_view name);
// RFC 8187 percent-encoding of a UTF-8 name for filename*=UTF-8''...
std::string rfc8187_encode(std::string_view name);

}  // namespace sagsflow::documents
