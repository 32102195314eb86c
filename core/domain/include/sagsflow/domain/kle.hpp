// KLE, KL's classification of municipal case subjects: reading the emneplan
// XML that KL publishes (the municipality's own licensed copy; Sagsflow ships
// none of its content).
//
// Elements read: KLE-Emneplan/UdgivelsesDato; Hovedgruppe (HovedgruppeNr,
// HovedgruppeTitel) / Gruppe (GruppeNr, GruppeTitel) / Emne (EmneNr,
// EmneTitel, EmneVejledning, EmneAdministrativInfo/Historisk/UdgaaetDato,
// BevaringJaevnfoerArkivloven, SletningJaevnfoerPersondataloven). Anything
// else is ignored, so newer versions of the schema still import.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/domain/result.hpp"

namespace sagsflow {

struct KleSubject {
  std::string number;            // "23.09.02"
  std::string title;             // "Pas"
  std::string group_title;       // of 23.09
  std::string main_group_title;  // of 23
  std::string guidance;          // EmneVejledning as plain text
  std::string preservation;      // BevaringJaevnfoerArkivloven, e.g. "B" or "K"
  std::string deletion;          // SletningJaevnfoerPersondataloven, an ISO-8601 duration such as "P5Y"
  std::string retired_on;        // UdgaaetDato when KL has retired the subject
};

struct KlePlan {
  std::string published;  // UdgivelsesDato
  std::vector<KleSubject> subjects;
};

// Bounds of what parse_kle_emneplan reads: the file's size, the nesting of
// its elements, the longest deletion period.
inline constexpr std::size_t kKleMaxBytes = 64 * 1024 * 1024;
inline constexpr int kKleMaxDepth = 32;
inline constexpr int kKleMaxYears = 200;

// Parses the emneplan; every refusal is kInvalidArgument and starts with
// `file_name`: a file over kKleMaxBytes; a document type or entity
// declaration (refused outright, with the line: no entity is ever
// expanded); elements nested deeper than kKleMaxDepth (with the line); XML
// that is not well-formed (with the line and column); a root element other
// than <KLE-Emneplan>; an EmneNr that is not NN.NN.NN; a deletion period
// that parse_kle_duration does not read (naming the subject and the value);
// a file without subjects. Subjects come in document order. Linear in the
// file, no regular expressions. Pure: any thread.
Result<KlePlan> parse_kle_emneplan(std::string_view xml, std::string_view file_name);

struct KleDuration {
  int count = 0;
  char unit = 'Y';  // 'Y', 'M' or 'D'
};

// "P5Y", "P6M", "P1825D": one number of at most six digits and one unit,
// within kKleMaxYears (years, 12 x months, 366 x days); nullopt otherwise
// ("P99999999999Y", "P1Y6M", "5 år").
std::optional<KleDuration> parse_kle_duration(std::string_view iso);

// "P5Y" -> "5 år", "P6M" -> "6 måneder"; other text (a period stored before
// the bounds, "P99999999999Y") is returned as it is, cut at 40 bytes. Never
// throws.
std::string describe_kle_duration(std::string_view iso);

}  // namespace sagsflow
