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

// Parses the emneplan; every refusal is kInvalidArgument and starts with
// `file_name`: XML that is not well-formed (with the line and column), a root
// element other than <KLE-Emneplan>, an EmneNr that is not NN.NN.NN, a file
// without subjects. Subjects come in document order. Pure: any thread.
Result<KlePlan> parse_kle_emneplan(std::string_view xml, std::string_view file_name);

// "P5Y" -> "5 år", "P6M" -> "6 måneder"; other text is returned as it is.
std::string describe_kle_duration(std::string_view iso);

}  // namespace sagsflow
